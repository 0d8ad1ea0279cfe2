package collect

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/sim"
)

// requestsScenario has 150 account-level requests of the last 150 hours,
// one resource-level request, one too old and one of another Region.
func requestsScenario() *sim.Scenario {
	sc := &sim.Scenario{
		Account: "123456789012", Regions: []string{"us-east-1", "us-west-2"},
		Instances: []sim.Instance{{ID: "11111111-2222-4333-8444-555555555555", Alias: "prod"}},
		ServiceQuotas: sim.ServiceQuotas{Services: map[string]sim.QuotaService{"connect": {Name: "Amazon Connect", Quotas: []sim.Quota{
			{Code: "L-9A46857E", Name: "Users per instance", Default: 500, Adjustable: true, ResourceLevel: true},
			{Code: "L-AA17A6B9", Name: "Amazon Connect instance count", Default: 2, Adjustable: true},
		}}}},
		Throttle: sim.Throttle{Disabled: true},
	}
	for i := range 150 {
		sc.ServiceQuotas.Requests = append(sc.ServiceQuotas.Requests, sim.QuotaRequest{ID: fmt.Sprintf("acct-%03d", i), Service: "connect",
			Code: "L-AA17A6B9", DesiredValue: float64(3 + i), Status: "DENIED", Ago: fmt.Sprintf("%dh", 1+i)})
	}
	sc.ServiceQuotas.Requests = append(sc.ServiceQuotas.Requests,
		sim.QuotaRequest{ID: "prod-users", Service: "connect", Code: "L-9A46857E", Instance: "prod", DesiredValue: 900, Ago: "2h"},
		sim.QuotaRequest{ID: "too-old", Service: "connect", Code: "L-AA17A6B9", DesiredValue: 4, Ago: "2200h"},
		sim.QuotaRequest{ID: "other-region", Service: "connect", Code: "L-AA17A6B9", DesiredValue: 4, Region: "us-west-2", Ago: "2h"})
	return sc
}

// LoadRequests reads every page of one listing per service code, keeps
// the last 90 days, and places resource-level requests on their instance.
func TestLoadRequestsReadsEveryPage(t *testing.T) {
	sc := requestsScenario()
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	now := relatedNow
	c, srv := simClients(t, sc, "us-east-1")
	rs, problems := LoadRequests(context.Background(), c.ServiceQuotas, []string{"connect"}, now)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	byID := map[string]bool{}
	for _, r := range rs {
		byID[r.ID] = true
		if r.ID == "prod-users" && r.ContextID != "arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555" {
			t.Errorf("prod-users context = %q", r.ContextID)
		}
		if r.ID == "acct-000" && (r.ContextID != "" || !r.RequestedAt.Equal(now.Add(-time.Hour)) || r.Status != "DENIED" || r.DesiredValue != 3) {
			t.Errorf("acct-000 = %+v", r)
		}
	}
	if len(rs) != 151 || !byID["acct-149"] || !byID["prod-users"] || byID["too-old"] || byID["other-region"] {
		t.Errorf("got %d requests (acct-149 %v, prod-users %v, too-old %v, other-region %v), want the 151 of this Region's 90 days",
			len(rs), byID["acct-149"], byID["prod-users"], byID["too-old"], byID["other-region"])
	}
	// Two pages of 100, one listing for the service code. A loaded machine
	// may break a connection and the SDK repeat that page once; one call
	// per request or per quota would be far more.
	if st := srv.Stats()[sim.OpKey{Service: sim.ServiceServiceQuotas, Operation: "ListRequestedServiceQuotaChangeHistory"}]; st.Calls < 2 || st.Calls > 3 {
		t.Errorf("%d calls, want 2 pages of 100", st.Calls)
	}
}

// An endpoint that refuses the ALL level still gives its account-level
// requests.
func TestLoadRequestsFallsBackToAccountLevel(t *testing.T) {
	sc := requestsScenario()
	sc.Faults = []sim.Fault{{Service: "servicequotas", Operation: "ListRequestedServiceQuotaChangeHistory", Code: "ValidationException", Status: 400, Count: 1}}
	c, _ := simClients(t, sc, "us-east-1")
	rs, problems := LoadRequests(context.Background(), c.ServiceQuotas, []string{"connect"}, relatedNow)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	for _, r := range rs {
		if r.ContextID != "" {
			t.Errorf("resource-level %s listed at account level", r.ID)
		}
	}
	if len(rs) != 150 {
		t.Errorf("got %d requests, want the 150 account-level ones", len(rs))
	}
}
