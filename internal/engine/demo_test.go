package engine

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/sim"
)

// notMeasuredInDemo lists the measured quotas that the demo account leaves
// without a usage value on purpose, with the reason.
var notMeasuredInDemo = map[string]string{
	"connect.queue_email_addresses": "no Service Quotas code and no documented default: its calls are saved",
	"cases.case_rules_per_domain":   "the demo's Service Quotas does not list its code and AWS documents no default",
}

// TestEveryMeasuredQuotaThroughTheSimulator scans the demo account and
// checks that every measured quota of the catalog got a usage value from
// the simulator through the real SDK on some instance or Region, except
// Voice ID (gone since 2026-05-20, so unknown with that reason) and the
// few listed above.
func TestEveryMeasuredQuotaThroughTheSimulator(t *testing.T) {
	srv := sim.New(sim.DemoScenario(), sim.WithClock(func() time.Time { return testNow }), sim.WithoutThrottling(), sim.WithoutLatency())
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	creds := credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")
	f, err := awsapi.NewFactory(context.Background(), awsapi.Options{
		Region: "us-east-1", Endpoint: url, StaticCredentials: &creds,
		Rates: func(string, string) float64 { return 1000 }, MaxBackoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Regions = sim.DemoScenario().Regions
	e := &Engine{Factory: f, Catalog: catalog.Default(), Config: cfg, Now: func() time.Time { return testNow }}
	rep, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	measured := map[string]bool{}
	reasons := map[string]string{}
	for _, r := range rep.Account.Metrics {
		if r.Usage != nil {
			measured[r.Key] = true
		} else {
			reasons[r.Key] = r.Reason + "; " + r.Note
		}
	}
	for _, in := range rep.Instances {
		for _, r := range in.Metrics {
			if r.Usage != nil {
				measured[r.Key] = true
			} else if !measured[r.Key] {
				reasons[r.Key] = r.Reason + "; " + r.Note
			}
		}
	}
	var missing []string
	for _, d := range catalog.Default().Measured() {
		switch {
		case measured[d.Key]:
		case d.ServiceCode == "voiceid":
			if !strings.Contains(reasons[d.Key], "ended support for Amazon Connect Voice ID") {
				t.Errorf("%s: unknown without the Voice ID end-of-support reason: %q", d.Key, reasons[d.Key])
			}
		case notMeasuredInDemo[d.Key] != "":
		default:
			missing = append(missing, d.Key+": "+reasons[d.Key])
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d measured quotas got no usage from the simulator:\n%s", len(missing), strings.Join(missing, "\n"))
	}
	if n := len(measured); n < 140 {
		t.Errorf("%d quotas measured in the demo, want the catalog's measured ones", n)
	}
}
