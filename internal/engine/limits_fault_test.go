package engine

import (
	"strings"
	"testing"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

// TestServiceQuotasFaultsNeverGiveAVerdict scans the demo account with
// Service Quotas failing in the ways a fallback once hid: every Connect
// quota with a code, whose applied limit could not be read, is unknown
// with the failed read as its reason, and no alert names it.
func TestServiceQuotasFaultsNeverGiveAVerdict(t *testing.T) {
	fault := func(op string) sim.Fault {
		return sim.Fault{Service: "servicequotas", Operation: op, Resource: "connect", Code: "ServiceException", Status: 500}
	}
	tests := []struct {
		name   string
		faults []sim.Fault
		// scope limits the check to per-instance quotas (the per-instance
		// reads failed, the account-level listing did not).
		perInstanceOnly bool
		reason          string
	}{
		{"applied values fail", []sim.Fault{fault("ListServiceQuotas")}, false, "servicequotas:ListServiceQuotas (ServiceException"},
		{"applied values and AWS defaults fail", []sim.Fault{
			fault("ListServiceQuotas"), fault("ListAWSDefaultServiceQuotas"),
		}, false, "servicequotas:ListServiceQuotas (ServiceException"},
		{"per-instance values fail", []sim.Fault{
			// An endpoint that does not list resource-level values, once
			// per Region: cqmon then asks for each instance's value.
			{Service: "servicequotas", Operation: "ListServiceQuotas", Region: "us-east-1", Resource: "connect", Code: "ValidationException", Status: 400, Count: 1},
			{Service: "servicequotas", Operation: "ListServiceQuotas", Region: "eu-west-2", Resource: "connect", Code: "ValidationException", Status: 400, Count: 1},
			{Service: "servicequotas", Operation: "GetServiceQuota", Code: "ServiceException", Status: 500},
		}, true, "servicequotas:GetServiceQuota (ServiceException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := sim.DemoScenario()
			sc.Faults = append(sc.Faults, tt.faults...)
			rep := scanScenario(t, sc)
			unread := func(r quota.Result) bool {
				return r.ServiceCode == "connect" && r.QuotaCode != nil && (!tt.perInstanceOnly || r.Scope != quota.ScopeAccount)
			}
			checked := 0
			check := func(where string, r quota.Result) {
				if !unread(r) {
					return
				}
				checked++
				if r.Status != quota.StatusUnknown || r.Limit != nil || r.Utilization != nil {
					t.Errorf("%s %s: status %s, limit %v, utilization %v; want unknown without a limit", where, r.QuotaName, r.Status, num(r.Limit), num(r.Utilization))
				} else if !strings.Contains(r.Reason, tt.reason) && (!strings.HasPrefix(r.Reason, "usage: ") || strings.Contains(r.Reason, "not measured")) {
					// A usage that could not be read either may say so instead.
					t.Errorf("%s %s: reason %q does not name the failed read %q", where, r.QuotaName, r.Reason, tt.reason)
				}
			}
			for _, r := range rep.Account.Metrics {
				check("account", r)
			}
			for _, in := range rep.Instances {
				for _, r := range in.Metrics {
					check(in.InstanceAlias, r)
				}
			}
			if checked < 50 {
				t.Fatalf("only %d Connect results checked", checked)
			}
			for _, d := range alert.Plan(alert.DefaultConfig(), rep, nil) {
				for _, it := range append(d.Message.Violations, d.Message.Recovered...) {
					if unread(it.Result) {
						t.Errorf("alert %q lists %s (%s), whose limit could not be read", d.Message.Subject(), it.Result.QuotaName, it.Mark)
					}
				}
			}
		})
	}
}
