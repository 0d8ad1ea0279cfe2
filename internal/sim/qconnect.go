package sim

import (
	"fmt"
	"net/http"
)

// Amazon Q in Connect (restJson1, endpoint and signing name "wisdom"): GET
// lists with maxResults and nextToken in the query string, at most 100 per
// page.
var qconnectService = &relatedService{
	name: ServiceQConnect, maxName: "maxResults", tokenName: "nextToken", outToken: "nextToken",
	invalid:  "ValidationException",
	throttle: apiError{status: http.StatusTooManyRequests, code: "ThrottlingException", msg: "Rate exceeded"},
	availability: func(rs *regionServices) string {
		if rs.QConnect == nil {
			return Available
		}
		return rs.QConnect.Availability
	},
	routes: []relatedRoute{
		{op: "ListAssistants", method: "GET", path: "/assistants", max: 100, field: "assistantSummaries", list: qAssistants},
		{op: "ListAssistantAssociations", method: "GET", path: "/assistants/{assistantId}/associations", max: 100,
			field: "assistantAssociationSummaries", list: qAssociations},
		{op: "ListKnowledgeBases", method: "GET", path: "/knowledgeBases", max: 100, field: "knowledgeBaseSummaries", list: qKnowledgeBases},
		qKBChild("ListContents", "contents", "contentSummaries", func(kb KnowledgeBase) int { return kb.Contents },
			func(kbID string, i int) map[string]any {
				return map[string]any{"contentId": relatedID(kbID, "content", fmt.Sprint(i)), "knowledgeBaseId": kbID,
					"name": fmt.Sprintf("article-%05d", i+1), "title": fmt.Sprintf("Article %d", i+1), "status": "ACTIVE",
					"contentType": "text/html", "revisionId": "1", "metadata": map[string]string{}}
			}),
		qKBChild("ListQuickResponses", "quickResponses", "quickResponseSummaries", func(kb KnowledgeBase) int { return kb.QuickResponses },
			func(kbID string, i int) map[string]any {
				return map[string]any{"quickResponseId": relatedID(kbID, "quick-response", fmt.Sprint(i)), "knowledgeBaseId": kbID,
					"name": fmt.Sprintf("reply-%04d", i+1), "contentType": "application/x.quickresponse;format=plain", "status": "CREATED",
					"createdTime": 1.7e9, "lastModifiedTime": 1.7e9}
			}),
		qKBChild("ListMessageTemplates", "messageTemplates", "messageTemplateSummaries", func(kb KnowledgeBase) int { return kb.MessageTemplates },
			func(kbID string, i int) map[string]any {
				return map[string]any{"messageTemplateId": relatedID(kbID, "message-template", fmt.Sprint(i)), "knowledgeBaseId": kbID,
					"name": fmt.Sprintf("template-%03d", i+1), "channelSubtype": "EMAIL", "createdTime": 1.7e9, "lastModifiedTime": 1.7e9,
					"lastModifiedBy": "arn:aws:iam::000000000000:role/admin"}
			}),
	},
}

func qData(rs *regionServices) *QConnectData {
	if rs.QConnect == nil {
		return &QConnectData{}
	}
	return rs.QConnect
}

func qAssistants(c *relatedCall) (vlist, *apiError) {
	as := qData(c.rs).Assistants
	return countList(len(as), func(i int) any {
		id := relatedID(c.region, "assistant", as[i].Name)
		return map[string]any{"assistantId": id, "assistantArn": fmt.Sprintf("arn:aws:wisdom:%s:000000000000:assistant/%s", c.region, id),
			"name": as[i].Name, "type": "AGENT", "status": "ACTIVE"}
	}), nil
}

func qAssociations(c *relatedCall) (vlist, *apiError) {
	id := c.params["assistantId"]
	for _, a := range qData(c.rs).Assistants {
		if relatedID(c.region, "assistant", a.Name) == id {
			return countList(a.Associations, func(i int) any {
				return map[string]any{"assistantAssociationId": relatedID(id, "association", fmt.Sprint(i)), "assistantId": id,
					"associationType": "KNOWLEDGE_BASE", "associationData": map[string]any{}}
			}), nil
		}
	}
	return nil, relatedNotFound("Assistant", id)
}

func qKnowledgeBases(c *relatedCall) (vlist, *apiError) {
	kbs := qData(c.rs).KnowledgeBases
	return countList(len(kbs), func(i int) any {
		id := relatedID(c.region, "knowledge-base", kbs[i].Name)
		return map[string]any{"knowledgeBaseId": id, "knowledgeBaseArn": fmt.Sprintf("arn:aws:wisdom:%s:000000000000:knowledge-base/%s", c.region, id),
			"name": kbs[i].Name, "knowledgeBaseType": "CUSTOM", "status": "ACTIVE"}
	}), nil
}

// qKBChild is a per-knowledge-base list of n(kb) items shaped by item.
func qKBChild(op, segment, field string, n func(KnowledgeBase) int, item func(kbID string, i int) map[string]any) relatedRoute {
	return relatedRoute{op: op, method: "GET", path: "/knowledgeBases/{knowledgeBaseId}/" + segment, max: 100, field: field,
		list: func(c *relatedCall) (vlist, *apiError) {
			id := c.params["knowledgeBaseId"]
			for _, kb := range qData(c.rs).KnowledgeBases {
				if relatedID(c.region, "knowledge-base", kb.Name) == id {
					return countList(n(kb), func(i int) any { return item(id, i) }), nil
				}
			}
			return nil, relatedNotFound("Knowledge base", id)
		}}
}
