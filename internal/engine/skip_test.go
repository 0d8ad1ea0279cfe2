package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

// demoRun scans the demo account on srv with cfg and returns the report
// and the simulator's call counts by service.
func demoRun(t *testing.T, srv *sim.Server, url string, cfg Config) (*quota.Report, map[string]int) {
	t.Helper()
	creds := credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")
	f, err := awsapi.NewFactory(context.Background(), awsapi.Options{
		Region: "us-east-1", Endpoint: url, StaticCredentials: &creds,
		Rates: func(string, string) float64 { return 1000 }, MaxBackoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetStats()
	cfg.Regions = sim.DemoScenario().Regions
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
	srv := sim.New(sim.DemoScenario(), sim.WithClock(func() time.Time { return testNow }), sim.WithoutThrottling(), sim.WithoutLatency())
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	_, all := demoRun(t, srv, url, DefaultConfig())
	cfg := DefaultConfig()
	cfg.SkipServices = []string{"voiceid", "cases"}
	rep, skipped := demoRun(t, srv, url, cfg)

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
	srv := sim.New(sim.DemoScenario(), sim.WithClock(func() time.Time { return testNow }), sim.WithoutThrottling(), sim.WithoutLatency())
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	rep, _ := demoRun(t, srv, url, DefaultConfig())
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
