package sim

import (
	"fmt"
	"net/http"
)

// Amazon Connect Customer Profiles (restJson1, signing name "profile"):
// GET lists with max-results and next-token in the query string, at most
// 100 per page; responses carry Items and NextToken.
var profilesService = &relatedService{
	name: ServiceProfiles, maxName: "max-results", tokenName: "next-token", outToken: "NextToken",
	invalid:  "BadRequestException",
	throttle: apiError{status: http.StatusTooManyRequests, code: "ThrottlingException", msg: "Rate exceeded"},
	availability: func(rs *regionServices) string {
		if rs.Profiles == nil {
			return Available
		}
		return rs.Profiles.Availability
	},
	routes: []relatedRoute{
		{op: "ListDomains", method: "GET", path: "/domains", max: 100, field: "Items", list: profilesDomains},
		profilesChild("ListProfileObjectTypes", "/domains/{DomainName}/object-types", func(d ProfilesDomain) int { return d.ObjectTypes },
			func(name string, i int) map[string]any {
				return map[string]any{"ObjectTypeName": fmt.Sprintf("ObjectType%03d", i+1), "Description": "object type"}
			}),
		profilesChild("ListIntegrations", "/domains/{DomainName}/integrations", func(d ProfilesDomain) int { return d.Integrations },
			func(name string, i int) map[string]any {
				return map[string]any{"DomainName": name, "Uri": fmt.Sprintf("arn:aws:appflow:us-east-1:000000000000:flow/flow-%d", i+1),
					"CreatedAt": 1.7e9, "LastUpdatedAt": 1.7e9}
			}),
		profilesChild("ListEventStreams", "/domains/{DomainName}/event-streams", func(d ProfilesDomain) int { return d.EventStreams },
			func(name string, i int) map[string]any {
				return map[string]any{"DomainName": name, "EventStreamName": fmt.Sprintf("stream-%d", i+1), "State": "RUNNING",
					"EventStreamArn": fmt.Sprintf("arn:aws:profile:us-east-1:000000000000:domains/%s/event-streams/stream-%d", name, i+1)}
			}),
		profilesChild("ListEventTriggers", "/domains/{DomainName}/event-triggers", func(d ProfilesDomain) int { return d.EventTriggers },
			func(name string, i int) map[string]any {
				return map[string]any{"EventTriggerName": fmt.Sprintf("trigger-%d", i+1), "ObjectTypeName": "CTR"}
			}),
		profilesChild("ListCalculatedAttributeDefinitions", "/domains/{DomainName}/calculated-attributes", func(d ProfilesDomain) int { return d.CalculatedAttributes },
			func(name string, i int) map[string]any {
				return map[string]any{"CalculatedAttributeName": fmt.Sprintf("attribute_%d", i+1), "Status": "COMPLETED"}
			}),
	},
}

func profilesDomainList(rs *regionServices) []ProfilesDomain {
	if rs.Profiles == nil {
		return nil
	}
	return rs.Profiles.Domains
}

func profilesDomains(c *relatedCall) (vlist, *apiError) {
	ds := profilesDomainList(c.rs)
	return countList(len(ds), func(i int) any {
		return map[string]any{"DomainName": ds[i].Name, "CreatedAt": 1.7e9, "LastUpdatedAt": 1.7e9}
	}), nil
}

// profilesChild is a per-domain list of n(domain) items shaped by item.
func profilesChild(op, path string, n func(ProfilesDomain) int, item func(domain string, i int) map[string]any) relatedRoute {
	return relatedRoute{op: op, method: "GET", path: path, max: 100, field: "Items", list: func(c *relatedCall) (vlist, *apiError) {
		name := c.params["DomainName"]
		for _, d := range profilesDomainList(c.rs) {
			if d.Name == name {
				return countList(n(d), func(i int) any { return item(name, i) }), nil
			}
		}
		return nil, relatedNotFound("Domain", name)
	}}
}
