package sim

import (
	"fmt"
	"net/http"
	"sort"
)

// Amazon Connect outbound campaigns v2 (restJson1, signing name
// "connect-campaigns"): ListCampaigns is POST /v2/campaigns-summary with
// maxResults (at most 50), nextToken and filters.instanceIdFilter in the
// body.
var campaignsService = &relatedService{
	name: ServiceCampaigns, maxName: "maxResults", tokenName: "nextToken", bodyPaging: true, outToken: "nextToken",
	invalid:  "ValidationException",
	throttle: apiError{status: http.StatusTooManyRequests, code: "ThrottlingException", msg: "Rate exceeded"},
	availability: func(rs *regionServices) string {
		if rs.Campaigns == nil {
			return Available
		}
		return rs.Campaigns.Availability
	},
	routes: []relatedRoute{
		{op: "ListCampaigns", method: "POST", path: "/v2/campaigns-summary", max: 50, field: "campaignSummaryList", list: listCampaigns},
	},
}

// listCampaigns lists the region's campaigns, instance by instance, or
// those of the instance named by filters.instanceIdFilter.
func listCampaigns(c *relatedCall) (vlist, *apiError) {
	want := ""
	if f, ok := c.body["filters"].(map[string]any); ok {
		if inf, ok := f["instanceIdFilter"].(map[string]any); ok {
			if op, _ := inf["operator"].(string); op != "Eq" {
				return nil, &apiError{status: http.StatusBadRequest, code: "ValidationException", msg: "instanceIdFilter.operator must be Eq"}
			}
			want, _ = inf["value"].(string)
		}
	}
	ids := make([]string, 0, len(c.rs.campaigns))
	for id := range c.rs.campaigns {
		if want == "" || id == want {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var v vlist
	for _, id := range ids {
		v = append(v, segment{n: c.rs.campaigns[id], item: func(i int) any {
			cid := relatedID(c.region, "campaign/"+id, fmt.Sprint(i))
			return map[string]any{"id": cid, "name": fmt.Sprintf("campaign-%03d", i+1), "connectInstanceId": id,
				"arn":             fmt.Sprintf("arn:aws:connect-campaigns:%s:000000000000:campaign/%s", c.region, cid),
				"channelSubtypes": []string{"TELEPHONY"}}
		}})
	}
	return v, nil
}
