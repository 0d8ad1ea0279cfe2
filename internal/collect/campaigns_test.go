package collect

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

func campaignsScenario(availability string) (*sim.Scenario, []quota.Instance) {
	sc := &sim.Scenario{
		Instances: []sim.Instance{
			{ID: "11111111-aaaa-4000-8000-000000000001", Alias: "prod"},
			{ID: "11111111-aaaa-4000-8000-000000000002", Alias: "support"},
			{ID: "11111111-aaaa-4000-8000-000000000003", Alias: "lab"},
		},
		Services: map[string]sim.RegionServices{"us-east-1": {Campaigns: &sim.CampaignsData{
			Availability: availability, PerInstance: map[string]int{"prod": 120, "support": 3},
		}}},
	}
	var active []quota.Instance
	for _, in := range sc.Instances {
		active = append(active, quota.Instance{ID: in.ID, Alias: in.Alias, Status: "ACTIVE"})
	}
	return sc, active
}

func TestCampaignsPerInstance(t *testing.T) {
	sc, active := campaignsScenario("")
	env, srv := relatedEnv(t, sc, "us-east-1")
	res := runRegion(t, campaigns(), env, active...)
	want := map[string]got{}
	for _, in := range active {
		n := map[string]float64{"prod": 120, "support": 3}[in.Alias]
		want[in.ID+" "+campaignsCount] = got{Value: n}
		want[in.ID+" "+campaignsTotal] = got{Value: n}
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("campaigns (-want +got):\n%s", diff)
	}
	// 120 campaigns are 3 pages of 50; one page for each other instance.
	if n := calls(srv, sim.ServiceCampaigns)["ListCampaigns"]; n != 5 {
		t.Errorf("ListCampaigns calls = %d, want 5", n)
	}
}

func TestCampaignsNotInRegionAsksOnce(t *testing.T) {
	sc, active := campaignsScenario(sim.NotInRegion)
	env, srv := relatedEnv(t, sc, "us-east-1")
	res := runRegion(t, campaigns(), env, active...)
	if len(res) != 2*len(active) {
		t.Errorf("results = %d, want %d", len(res), 2*len(active))
	}
	wantReason(t, res, "not in region: connect-campaigns:ListCampaigns (UnknownOperationException")
	if n := calls(srv, sim.ServiceCampaigns)["ListCampaigns"]; n != 1 {
		t.Errorf("ListCampaigns calls = %d, want 1: the first call decides for the Region", n)
	}
}
