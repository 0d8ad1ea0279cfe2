package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

// Each run lists increase requests once per Region and service code and
// attaches the newest open one (else the newest) to its quota: to the
// instance a resource-level request names, to account rows otherwise.
func TestIncreaseRequestsAttachToTheirRows(t *testing.T) {
	rep, _, srv := scan(t, "testdata/scan.json", testConfig())
	big, small := instance(t, rep, "big"), instance(t, rep, "small")
	got := metric(t, big.Metrics, "connect.users").IncreaseRequest
	want := &quota.IncreaseRequest{ID: "req-users-big", CaseID: "177000000000001", Status: "CASE_OPENED", DesiredValue: 4000,
		RequestedAt: testNow.Add(-168 * time.Hour), ServiceCode: "connect", QuotaCode: "L-9A46857E", ContextID: big.InstanceARN}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("big users request (-want +got):\n%s", diff)
	}
	if r := metric(t, small.Metrics, "connect.users").IncreaseRequest; r != nil {
		t.Errorf("small users carries %+v, another instance's request", r)
	}
	var acct *quota.IncreaseRequest
	for _, r := range rep.Account.Metrics {
		if r.Key == "connect.instances" && r.Region == "us-east-1" {
			acct = r.IncreaseRequest
		}
	}
	if acct == nil || acct.ID != "req-instances" || acct.Status != "PENDING" {
		t.Errorf("account instance count request = %+v", acct)
	}
	// One listing per Region and service code, never one per quota.
	if st := srv.Stats()[sim.OpKey{Service: sim.ServiceServiceQuotas, Operation: "ListRequestedServiceQuotaChangeHistory"}]; st.Calls != 2 {
		t.Errorf("ListRequestedServiceQuotaChangeHistory called %d times, want once per Region (2)", st.Calls)
	}
}

// Per-quota thresholds judge each row and say so in the row.
func TestThresholdRulesJudgeEachRow(t *testing.T) {
	cfg := testConfig()
	for _, s := range []string{"instance:small/code:L-9A46857E=1", "code:L-19A87C94=95", "name:contact flows*=10"} {
		r, err := quota.ParseThreshold(s)
		if err != nil {
			t.Fatal(err)
		}
		cfg.ThresholdRules = append(cfg.ThresholdRules, r)
	}
	rep, _, _ := scan(t, "testdata/scan.json", cfg)
	type row struct {
		Threshold float64
		Status    quota.Status
	}
	got := map[string]row{}
	for _, alias := range []string{"big", "small"} {
		for _, key := range []string{"connect.users", "connect.queues", "connect.contact_flows"} {
			r := metric(t, instance(t, rep, alias).Metrics, key)
			got[alias+" "+key] = row{r.Threshold, r.Status}
		}
	}
	want := map[string]row{
		"big connect.users":           {80, quota.StatusViolation}, // 2500/3000
		"small connect.users":         {1, quota.StatusViolation},  // 10/500 = 2%
		"big connect.queues":          {95, quota.StatusOK},        // 45/50 = 90%
		"small connect.queues":        {95, quota.StatusOK},
		"big connect.contact_flows":   {10, quota.StatusViolation}, // 120/150
		"small connect.contact_flows": {10, quota.StatusViolation}, // 20/100
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

// A listing that fails is one run error; the quotas keep their values and
// simply show no request.
func TestIncreaseRequestsListingFails(t *testing.T) {
	sc, err := sim.LoadScenarioFile("testdata/scan.json")
	if err != nil {
		t.Fatal(err)
	}
	sc.Faults = append(sc.Faults, sim.Fault{Service: "servicequotas", Operation: "ListRequestedServiceQuotaChangeHistory",
		Region: "us-east-1", Code: "AccessDeniedException", Status: 400, Message: "not allowed"})
	b, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "scan.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	rep, _, _ := scan(t, file, testConfig())
	users := metric(t, instance(t, rep, "big").Metrics, "connect.users")
	if users.IncreaseRequest != nil || users.Status != quota.StatusViolation {
		t.Errorf("big users = %+v, want its violation without a request", users)
	}
	var found []quota.RunError
	for _, e := range rep.Errors {
		if e.Scope == "increase requests" {
			found = append(found, e)
		}
	}
	if len(found) != 1 || found[0].Region != "us-east-1" || !strings.Contains(found[0].Message, "connect: access denied") {
		t.Errorf("increase request errors = %+v, want one for us-east-1 naming access denied", found)
	}
}
