package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Amazon Connect Cases (restJson1, signing name "cases"): every list is a
// POST with maxResults and nextToken in the query string; ListDomains
// accepts at most 10 results per page, the per-domain lists 100.
var casesService = &relatedService{
	name: ServiceCases, maxName: "maxResults", tokenName: "nextToken", outToken: "nextToken",
	invalid:  "ValidationException",
	throttle: apiError{status: http.StatusTooManyRequests, code: "ThrottlingException", msg: "Rate exceeded"},
	availability: func(rs *regionServices) string {
		if rs.Cases == nil {
			return Available
		}
		return rs.Cases.Availability
	},
	routes: []relatedRoute{
		{op: "ListDomains", method: "POST", path: "/domains-list", max: 10, field: "domains", list: casesDomains},
		{op: "ListFields", method: "POST", path: "/domains/{domainId}/fields-list", max: 100, field: "fields", list: casesFields},
		{op: "ListFieldOptions", method: "POST", path: "/domains/{domainId}/fields/{fieldId}/options-list", max: 100, field: "options", list: casesFieldOptions},
		{op: "ListLayouts", method: "POST", path: "/domains/{domainId}/layouts-list", max: 100, field: "layouts", list: casesLayouts},
		{op: "ListTemplates", method: "POST", path: "/domains/{domainId}/templates-list", max: 100, field: "templates", list: casesTemplates},
		{op: "ListCaseRules", method: "POST", path: "/domains/{domainId}/rules-list/", max: 100, field: "caseRules", list: casesRules},
	},
}

func casesDomainList(rs *regionServices) []CasesDomain {
	if rs.Cases == nil {
		return nil
	}
	return rs.Cases.Domains
}

func casesDomainARN(region, id string) string {
	return fmt.Sprintf("arn:aws:cases:%s:%s:domain/%s", region, "000000000000", id)
}

func casesDomains(c *relatedCall) (vlist, *apiError) {
	ds := casesDomainList(c.rs)
	return countList(len(ds), func(i int) any {
		id := relatedID(c.region, "cases-domain", ds[i].Name)
		return map[string]any{"domainId": id, "domainArn": casesDomainARN(c.region, id), "name": ds[i].Name}
	}), nil
}

// casesDomain finds the domain of the request's domainId.
func (c *relatedCall) casesDomain() (CasesDomain, string, *apiError) {
	id := c.params["domainId"]
	for _, d := range casesDomainList(c.rs) {
		if relatedID(c.region, "cases-domain", d.Name) == id {
			return d, id, nil
		}
	}
	return CasesDomain{}, id, relatedNotFound("Domain", id)
}

func casesFieldID(i int) string { return fmt.Sprintf("field%05d", i) }

func casesFields(c *relatedCall) (vlist, *apiError) {
	d, id, e := c.casesDomain()
	if e != nil {
		return nil, e
	}
	return countList(d.Fields, func(i int) any {
		typ := "Text"
		if i < d.SingleSelectFields {
			typ = "SingleSelect"
		}
		fid := casesFieldID(i)
		return map[string]any{"fieldId": fid, "fieldArn": casesDomainARN(c.region, id) + "/field/" + fid,
			"name": fmt.Sprintf("field-%05d", i+1), "type": typ, "namespace": "Custom"}
	}), nil
}

func casesFieldOptions(c *relatedCall) (vlist, *apiError) {
	d, _, e := c.casesDomain()
	if e != nil {
		return nil, e
	}
	fid := c.params["fieldId"]
	i, err := strconv.Atoi(strings.TrimPrefix(fid, "field"))
	if err != nil || !strings.HasPrefix(fid, "field") || i < 0 || i >= d.Fields {
		return nil, relatedNotFound("Field", fid)
	}
	n := 0
	if i < d.SingleSelectFields {
		n = d.FieldOptions.Others
		if opts := d.FieldOptions.List; d.FieldOptions.Max != nil && i == 0 {
			n = *d.FieldOptions.Max
		} else if i < len(opts) {
			n = opts[i]
		}
	}
	return countList(n, func(j int) any {
		return map[string]any{"name": fmt.Sprintf("Option %d", j+1), "value": fmt.Sprintf("option-%d", j+1), "active": j%10 != 9}
	}), nil
}

func casesLayouts(c *relatedCall) (vlist, *apiError) {
	d, id, e := c.casesDomain()
	if e != nil {
		return nil, e
	}
	return countList(d.Layouts, func(i int) any {
		lid := fmt.Sprintf("layout%05d", i)
		return map[string]any{"layoutId": lid, "layoutArn": casesDomainARN(c.region, id) + "/layout/" + lid, "name": fmt.Sprintf("layout-%d", i+1)}
	}), nil
}

// casesTemplates lists the domain's templates; every fourth is Inactive.
// The status query parameter filters them, as AWS does.
func casesTemplates(c *relatedCall) (vlist, *apiError) {
	d, id, e := c.casesDomain()
	if e != nil {
		return nil, e
	}
	want := c.query["status"]
	var keep []int
	for i := range d.Templates {
		st := "Active"
		if i%4 == 3 {
			st = "Inactive"
		}
		if len(want) == 0 || slices.Contains(want, st) {
			keep = append(keep, i)
		}
	}
	return countList(len(keep), func(j int) any {
		i := keep[j]
		st := "Active"
		if i%4 == 3 {
			st = "Inactive"
		}
		tid := fmt.Sprintf("template%05d", i)
		return map[string]any{"templateId": tid, "templateArn": casesDomainARN(c.region, id) + "/template/" + tid, "name": fmt.Sprintf("template-%d", i+1), "status": st}
	}), nil
}

func casesRules(c *relatedCall) (vlist, *apiError) {
	d, id, e := c.casesDomain()
	if e != nil {
		return nil, e
	}
	return countList(d.CaseRules, func(i int) any {
		rid := fmt.Sprintf("rule%05d", i)
		return map[string]any{"caseRuleId": rid, "caseRuleArn": casesDomainARN(c.region, id) + "/case-rule/" + rid,
			"name": fmt.Sprintf("rule-%d", i+1), "ruleType": "Required"}
	}), nil
}
