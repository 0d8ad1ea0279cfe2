package collect

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/sim"
)

func casesScenario(availability string, domains ...sim.CasesDomain) *sim.Scenario {
	return &sim.Scenario{Services: map[string]sim.RegionServices{"us-east-1": {
		Cases: &sim.CasesData{Availability: availability, Domains: domains},
	}}}
}

func TestCasesCountsAndMaximaPerDomain(t *testing.T) {
	env, srv := relatedEnv(t, casesScenario("",
		sim.CasesDomain{Name: "claims", Fields: 250, SingleSelectFields: 3, FieldOptions: sim.ChildCounts{List: []int{4, 230, 7}},
			Layouts: 12, Templates: 105, CaseRules: 2},
		sim.CasesDomain{Name: "support", Fields: 40, Layouts: 130, Templates: 3, CaseRules: 9},
		sim.CasesDomain{Name: "a"}, sim.CasesDomain{Name: "b"}, sim.CasesDomain{Name: "c"},
		sim.CasesDomain{Name: "d"}, sim.CasesDomain{Name: "e"}, sim.CasesDomain{Name: "f"},
		sim.CasesDomain{Name: "g"}, sim.CasesDomain{Name: "h"}, sim.CasesDomain{Name: "i"},
	), "us-east-1")
	res := runRegion(t, cases(), env)
	want := map[string]got{
		casesDomains:      {Value: 11},
		casesFields:       {Value: 250, Parent: `domain "claims"`},
		casesLayouts:      {Value: 130, Parent: `domain "support"`},
		casesTemplates:    {Value: 105, Parent: `domain "claims"`},
		casesRules:        {Value: 9, Parent: `domain "support"`},
		casesFieldOptions: {Value: 230, Parent: `field "field-00002" in domain "claims"`},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Cases (-want +got):\n%s", diff)
	}
	// Largest pages: 11 domains are 2 pages of 10; 250 fields 3 pages of
	// 100; 105 templates (Active and Inactive) 2 pages; the 230 options of
	// one field 3 pages, the two other fields one each.
	wantCalls := map[string]int{"ListDomains": 2, "ListFields": 3 + 10, "ListTemplates": 2 + 10, "ListLayouts": 2 + 10,
		"ListCaseRules": 11, "ListFieldOptions": 5}
	if diff := cmp.Diff(wantCalls, calls(srv, sim.ServiceCases)); diff != "" {
		t.Errorf("Cases calls (-want +got):\n%s", diff)
	}
}

func TestCasesTooManyOptionFieldsAreNotRead(t *testing.T) {
	env, srv := relatedEnv(t, casesScenario("", sim.CasesDomain{Name: "big", Fields: 300, SingleSelectFields: casesMaxOptionFields + 1}), "us-east-1")
	res := runRegion(t, cases(), env)
	if r := res[casesFieldOptions].Reason; r != "not measured: 101 single-select fields would take one ListFieldOptions call each, more than the 100 cqmon reads" {
		t.Errorf("field options = %+v", res[casesFieldOptions])
	}
	if n := calls(srv, sim.ServiceCases)["ListFieldOptions"]; n != 0 {
		t.Errorf("ListFieldOptions calls = %d, want 0", n)
	}
}

func TestCasesUnavailableStopsAtTheFirstCall(t *testing.T) {
	tests := []struct {
		availability, reason string
	}{
		{sim.NotEnabled, "not enabled: cases:ListDomains (ResourceNotFoundException"},
		{sim.AccessDenied, "access denied: cases:ListDomains (AccessDeniedException"},
		{sim.NotInRegion, "not in region: cases:ListDomains (UnknownOperationException"},
	}
	for _, tt := range tests {
		t.Run(tt.availability, func(t *testing.T) {
			env, srv := relatedEnv(t, casesScenario(tt.availability, sim.CasesDomain{Name: "claims", Fields: 10}), "us-east-1")
			wantReason(t, runRegion(t, cases(), env), tt.reason)
			if diff := cmp.Diff(map[string]int{"ListDomains": 1}, calls(srv, sim.ServiceCases)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

// A child listing denied by IAM is asked once, not once per domain.
func TestCasesDeniedChildListingIsAskedOnce(t *testing.T) {
	sc := casesScenario("", sim.CasesDomain{Name: "a", Layouts: 1}, sim.CasesDomain{Name: "b"}, sim.CasesDomain{Name: "c"})
	sc.Faults = []sim.Fault{{Service: sim.ServiceCases, Operation: "ListLayouts", Code: "AccessDeniedException", Status: 403}}
	env, srv := relatedEnv(t, sc, "us-east-1")
	env.Fanout = nil // one domain after the other, so the first denial is seen first
	res := runRegion(t, cases(), env)
	if r := res[casesLayouts].Reason; r == "" || res[casesFields].Reason != "" {
		t.Errorf("layouts = %+v, fields = %+v: want only layouts denied", res[casesLayouts], res[casesFields])
	}
	if n := calls(srv, sim.ServiceCases)["ListLayouts"]; n != 1 {
		t.Errorf("ListLayouts calls = %d, want 1", n)
	}
}

// A quota the run does not need (no limit can be known for it) costs no
// call.
func TestCasesSkipsListingsNotNeeded(t *testing.T) {
	env, srv := relatedEnv(t, casesScenario("", sim.CasesDomain{Name: "claims", Fields: 5, CaseRules: 2}), "us-east-1")
	env.Plan = decidedPlan(map[string]bool{casesDomains: true, casesFields: true, casesLayouts: true, casesTemplates: true, casesFieldOptions: true}, nil)
	res := casesResults(t, env)
	if _, ok := res[casesRules]; ok {
		t.Errorf("case rules measured although not needed: %+v", res[casesRules])
	}
	if n := calls(srv, sim.ServiceCases)["ListCaseRules"]; n != 0 {
		t.Errorf("ListCaseRules calls = %d, want 0", n)
	}
}

func casesResults(t *testing.T, env *Env) map[string]got {
	t.Helper()
	out := map[string]got{}
	for tg, m := range cases().Region(t.Context(), env, nil) {
		out[tg.Measure] = short(m)
	}
	return out
}
