package collect

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cqmon/cqmon/internal/awsapi/qconnect"
	"github.com/cqmon/cqmon/internal/quota"
)

// QConnectAPI is the part of Amazon Q in Connect (service "wisdom") cqmon
// calls.
type QConnectAPI interface {
	ListAssistants(context.Context, *qconnect.ListAssistantsInput, ...func(*qconnect.Options)) (*qconnect.ListAssistantsOutput, error)
	ListAssistantAssociations(context.Context, *qconnect.ListAssistantAssociationsInput, ...func(*qconnect.Options)) (*qconnect.ListAssistantAssociationsOutput, error)
	ListKnowledgeBases(context.Context, *qconnect.ListKnowledgeBasesInput, ...func(*qconnect.Options)) (*qconnect.ListKnowledgeBasesOutput, error)
	ListContents(context.Context, *qconnect.ListContentsInput, ...func(*qconnect.Options)) (*qconnect.ListContentsOutput, error)
	ListQuickResponses(context.Context, *qconnect.ListQuickResponsesInput, ...func(*qconnect.Options)) (*qconnect.ListQuickResponsesOutput, error)
	ListMessageTemplates(context.Context, *qconnect.ListMessageTemplatesInput, ...func(*qconnect.Options)) (*qconnect.ListMessageTemplatesOutput, error)
}

// qconnectPage is the largest maxResults every Q in Connect list accepts.
const qconnectPage = 100

// Amazon Q in Connect measures.
const (
	qconnectAssistants       = "wisdom.assistants"
	qconnectAssociations     = "wisdom.assistant_associations_per_assistant"
	qconnectKnowledgeBases   = "wisdom.knowledge_bases"
	qconnectContents         = "wisdom.content_per_knowledge_base"
	qconnectQuickResponses   = "wisdom.quick_responses_per_knowledge_base"
	qconnectMessageTemplates = "wisdom.message_templates_per_knowledge_base"
)

var qconnectMeasures = []string{qconnectAssistants, qconnectAssociations, qconnectKnowledgeBases, qconnectContents, qconnectQuickResponses, qconnectMessageTemplates}

// qconnectKBListings are the per-knowledge-base listings.
var qconnectKBListings = []listing[QConnectAPI]{
	{measure: qconnectContents, op: "ListContents", page: func(ctx context.Context, api QConnectAPI, kb parent, tok *string) (int, *string, error) {
		out, err := api.ListContents(ctx, &qconnect.ListContentsInput{KnowledgeBaseId: &kb.id, MaxResults: aws.Int32(qconnectPage), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		return len(out.ContentSummaries), out.NextToken, nil
	}},
	{measure: qconnectQuickResponses, op: "ListQuickResponses", page: func(ctx context.Context, api QConnectAPI, kb parent, tok *string) (int, *string, error) {
		out, err := api.ListQuickResponses(ctx, &qconnect.ListQuickResponsesInput{KnowledgeBaseId: &kb.id, MaxResults: aws.Int32(qconnectPage), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		return len(out.QuickResponseSummaries), out.NextToken, nil
	}},
	{measure: qconnectMessageTemplates, op: "ListMessageTemplates", page: func(ctx context.Context, api QConnectAPI, kb parent, tok *string) (int, *string, error) {
		out, err := api.ListMessageTemplates(ctx, &qconnect.ListMessageTemplatesInput{KnowledgeBaseId: &kb.id, MaxResults: aws.Int32(qconnectPage), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		return len(out.MessageTemplateSummaries), out.NextToken, nil
	}},
}

// qconnectAssistantsAndBases measures Amazon Q in Connect: the Region's
// assistants and knowledge bases, the associations of each assistant and
// the content, quick responses and message templates of each knowledge
// base (largest reported, with its parent).
func qconnectAssistantsAndBases() Family {
	return Family{
		Measures: qconnectMeasures,
		Region: func(ctx context.Context, env *Env, _ []quota.Instance) map[Target]quota.Measurement {
			g := newGate(false)
			var assistants, bases []parent
			_, err := gatedPages(g, "ListAssistants", func(tok *string) (int, *string, error) {
				out, err := env.QConnect.ListAssistants(ctx, &qconnect.ListAssistantsInput{MaxResults: aws.Int32(qconnectPage), NextToken: tok})
				if err != nil {
					return 0, nil, err
				}
				for _, a := range out.AssistantSummaries {
					assistants = append(assistants, parent{aws.ToString(a.AssistantId), fmt.Sprintf("assistant %q", aws.ToString(a.Name))})
				}
				return len(out.AssistantSummaries), out.NextToken, nil
			})
			if err != nil {
				return allFailed(qconnectMeasures, quota.Measurement{Err: fmt.Errorf("list Q in Connect assistants: %w", err)})
			}
			res := map[Target]quota.Measurement{{Measure: qconnectAssistants}: {Value: float64(len(assistants))}}
			res[Target{Measure: qconnectAssociations}] = largestOf(ctx, env, "assistants", assistants, func(ctx context.Context, a parent) (int, error) {
				return gatedPages(g, "ListAssistantAssociations", func(tok *string) (int, *string, error) {
					out, err := env.QConnect.ListAssistantAssociations(ctx, &qconnect.ListAssistantAssociationsInput{AssistantId: &a.id, MaxResults: aws.Int32(qconnectPage), NextToken: tok})
					if err != nil {
						return 0, nil, err
					}
					return len(out.AssistantAssociationSummaries), out.NextToken, nil
				})
			})

			_, err = gatedPages(g, "ListKnowledgeBases", func(tok *string) (int, *string, error) {
				out, err := env.QConnect.ListKnowledgeBases(ctx, &qconnect.ListKnowledgeBasesInput{MaxResults: aws.Int32(qconnectPage), NextToken: tok})
				if err != nil {
					return 0, nil, err
				}
				for _, kb := range out.KnowledgeBaseSummaries {
					bases = append(bases, parent{aws.ToString(kb.KnowledgeBaseId), fmt.Sprintf("knowledge base %q", aws.ToString(kb.Name))})
				}
				return len(out.KnowledgeBaseSummaries), out.NextToken, nil
			})
			res[Target{Measure: qconnectKnowledgeBases}] = relatedCount(len(bases), err)
			if err != nil {
				for _, l := range qconnectKBListings {
					if env.wantsAny(l.measure) {
						res[Target{Measure: l.measure}] = quota.Measurement{Err: fmt.Errorf("list Q in Connect knowledge bases: %w", err)}
					}
				}
				return res
			}
			largestPerParent(ctx, env, g, env.QConnect, "knowledge bases", bases, qconnectKBListings, res)
			return res
		},
	}
}
