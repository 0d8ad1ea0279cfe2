package collect

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/sim"
)

func TestAppIntegrationsCountsAndAssociations(t *testing.T) {
	data := make([]sim.IntegrationCount, 60)
	for i := range data {
		data[i] = sim.IntegrationCount{Name: "data-" + string(rune('A'+i%26)) + string(rune('a'+i/26)), Associations: 1}
	}
	data[42].Associations = 9
	env, srv := relatedEnv(t, &sim.Scenario{Services: map[string]sim.RegionServices{"us-east-1": {AppIntegrations: &sim.AppIntegrationsData{
		DataIntegrations:  data,
		EventIntegrations: []sim.IntegrationCount{{Name: "events", Associations: 55}, {Name: "quiet"}},
		Applications:      7,
	}}}}, "us-east-1")
	res := runRegion(t, appIntegrationsFamily(), env)
	want := map[string]got{
		appDataIntegrations:  {Value: 60},
		appDataAssociations:  {Value: 9, Parent: `data integration "` + data[42].Name + `"`},
		appEventIntegrations: {Value: 2},
		appEventAssociations: {Value: 55, Parent: `event integration "events"`},
		appApplications:      {Value: 7},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("AppIntegrations (-want +got):\n%s", diff)
	}
	// Pages of 50: 60 data integrations are 2 pages; 55 associations 2.
	wantCalls := map[string]int{"ListDataIntegrations": 2, "ListDataIntegrationAssociations": 60, "ListEventIntegrations": 1,
		"ListEventIntegrationAssociations": 3, "ListApplications": 1}
	if diff := cmp.Diff(wantCalls, calls(srv, sim.ServiceAppIntegrations)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestAppIntegrationsNotInRegion(t *testing.T) {
	env, srv := relatedEnv(t, &sim.Scenario{Services: map[string]sim.RegionServices{"us-east-1": {
		AppIntegrations: &sim.AppIntegrationsData{Availability: sim.NotInRegion, Applications: 3},
	}}}, "us-east-1")
	wantReason(t, runRegion(t, appIntegrationsFamily(), env), "not in region: app-integrations:ListDataIntegrations")
	if diff := cmp.Diff(map[string]int{"ListDataIntegrations": 1}, calls(srv, sim.ServiceAppIntegrations)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
