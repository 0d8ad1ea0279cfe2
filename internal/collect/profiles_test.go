package collect

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/sim"
)

func TestProfilesCountsAndMaximaPerDomain(t *testing.T) {
	env, srv := relatedEnv(t, &sim.Scenario{Services: map[string]sim.RegionServices{"us-east-1": {Profiles: &sim.ProfilesData{Domains: []sim.ProfilesDomain{
		{Name: "customers", ObjectTypes: 140, Integrations: 46, EventStreams: 1, EventTriggers: 3, CalculatedAttributes: 20},
		{Name: "marketing", ObjectTypes: 9, Integrations: 4, EventTriggers: 51, CalculatedAttributes: 20},
	}}}}}, "us-east-1")
	res := runRegion(t, profiles(), env)
	want := map[string]got{
		profilesDomains:              {Value: 2},
		profilesObjectTypes:          {Value: 140, Parent: `domain "customers"`},
		profilesIntegrations:         {Value: 46, Parent: `domain "customers"`},
		profilesEventStreams:         {Value: 1, Parent: `domain "customers"`},
		profilesEventTriggers:        {Value: 51, Parent: `domain "marketing"`},
		profilesCalculatedAttributes: {Value: 20, Parent: `domain "customers"`}, // a tie: the first name wins
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Customer Profiles (-want +got):\n%s", diff)
	}
	// 140 object types are two pages of 100.
	if n := calls(srv, sim.ServiceProfiles)["ListProfileObjectTypes"]; n != 3 {
		t.Errorf("ListProfileObjectTypes calls = %d, want 3", n)
	}
}

func TestProfilesAccessDenied(t *testing.T) {
	env, srv := relatedEnv(t, &sim.Scenario{Services: map[string]sim.RegionServices{"us-east-1": {
		Profiles: &sim.ProfilesData{Availability: sim.AccessDenied, Domains: []sim.ProfilesDomain{{Name: "customers", ObjectTypes: 3}}},
	}}}, "us-east-1")
	wantReason(t, runRegion(t, profiles(), env), "access denied: profile:ListDomains (AccessDeniedException")
	if diff := cmp.Diff(map[string]int{"ListDomains": 1}, calls(srv, sim.ServiceProfiles)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
