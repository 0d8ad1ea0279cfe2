package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

// demoRun scans the demo account with cfg and returns the report and the
// simulator's call counts by service.
func demoRun(t *testing.T, cfg Config) (*quota.Report, map[string]int) {
	t.Helper()
	sc := sim.DemoScenario()
	srv := sim.New(sc, sim.WithClock(func() time.Time { return testNow }), sim.WithoutThrottling(), sim.WithoutLatency())
	f := serveSim(t, srv, sc.Regions[0], time.Millisecond)
	cfg.Regions = sc.Regions
	e := &Engine{Factory: f, Catalog: catalog.Default(), Config: cfg, Now: func() time.Time { return testNow }}
	rep, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]int{}
	for k, s := range srv.Stats() {
		calls[k.Service] += s.Calls
	}
	return rep, calls
}

// TestSkipServiceMakesNoCalls: a skipped service's quotas are reported
// unknown, skipped, with the reason, and the simulator sees none of its
// calls, not even its Service Quotas reads.
func TestSkipServiceMakesNoCalls(t *testing.T) {
	_, all := demoRun(t, DefaultConfig())
	cfg := DefaultConfig()
	cfg.SkipServices = []string{"voiceid", "cases"}
	rep, skipped := demoRun(t, cfg)

	for _, svc := range []string{sim.ServiceVoiceID, sim.ServiceCases} {
		if all[svc] == 0 {
			t.Errorf("the run without skips made no %s call: the test proves nothing", svc)
		}
		if skipped[svc] != 0 {
			t.Errorf("%d %s calls with the service skipped, want 0", skipped[svc], svc)
		}
	}
	if skipped[sim.ServiceServiceQuotas] >= all[sim.ServiceServiceQuotas] {
		t.Errorf("Service Quotas calls: %d with skips, %d without; want fewer (no limits read for skipped services)",
			skipped[sim.ServiceServiceQuotas], all[sim.ServiceServiceQuotas])
	}
	want := map[string]int{}
	for _, d := range catalog.Default().Measured() {
		if d.ServiceCode == "voiceid" || d.ServiceCode == "cases" {
			want[d.ServiceCode] += len(rep.Regions)
		}
	}
	got := map[string]int{}
	for _, r := range rep.Account.Metrics {
		if r.ServiceCode != "voiceid" && r.ServiceCode != "cases" {
			if r.UnknownCause == quota.UnknownSkipped {
				t.Errorf("%s: skipped, but its service is not", r.Key)
			}
			continue
		}
		got[r.ServiceCode]++
		if r.Status != quota.StatusUnknown || r.UnknownCause != quota.UnknownSkipped || r.Usage != nil ||
			!strings.Contains(r.Reason, "service "+r.ServiceCode+" is skipped") {
			t.Errorf("%s in %s: %s %q cause %q, want unknown, skipped with the reason", r.Key, r.Region, r.Status, r.Reason, r.UnknownCause)
		}
	}
	for svc, n := range want {
		if got[svc] != n {
			t.Errorf("%d %s results, want %d (every measured quota, every Region)", got[svc], svc, n)
		}
	}
}

// TestUnknownByDesign: a quota with no code and no documented default is
// unknown by design; an unknown from a failed call is not.
func TestUnknownByDesign(t *testing.T) {
	rep := scanScenario(t, sim.DemoScenario())
	var byDesign, failed int
	for _, in := range rep.Instances {
		for _, r := range in.Metrics {
			switch {
			case r.Key == "connect.queue_email_addresses":
				if r.UnknownCause != quota.UnknownByDesign {
					t.Errorf("%s on %s: cause %q, want by-design (%s)", r.Key, in.InstanceAlias, r.UnknownCause, r.Reason)
				}
				byDesign++
			case r.Status == quota.StatusUnknown:
				if r.UnknownCause != "" {
					t.Errorf("%s on %s: cause %q for %q, want none", r.Key, in.InstanceAlias, r.UnknownCause, r.Reason)
				}
				failed++
			}
		}
	}
	if byDesign == 0 || failed == 0 {
		t.Errorf("%d by-design and %d other unknowns: the demo has both", byDesign, failed)
	}
}

func TestCheckSkipServices(t *testing.T) {
	defs := catalog.Default().Measured()
	tests := []struct {
		skip []string
		want string
	}{
		{[]string{"voiceid", "wisdom"}, ""},
		{[]string{"connect"}, `"connect" is not a service cqmon measures besides Connect (one of app-integrations, cases, connect-campaigns, profile, voiceid, wisdom)`},
		{[]string{"voice-id"}, `"voice-id" is not a service`},
	}
	for _, tc := range tests {
		err := CheckSkipServices(defs, tc.skip)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)) {
			t.Errorf("CheckSkipServices(%q) = %v, want %q", tc.skip, err, tc.want)
		}
	}
}
