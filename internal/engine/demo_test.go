package engine

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/quota"
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
	rep := scanScenario(t, sim.DemoScenario())
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

// scanScenario runs the engine over sc in both of its Regions.
func scanScenario(t *testing.T, sc *sim.Scenario) *quota.Report {
	t.Helper()
	srv := sim.New(sc, sim.WithClock(func() time.Time { return testNow }), sim.WithoutThrottling(), sim.WithoutLatency())
	f := serveSim(t, srv, sc.Regions[0], time.Millisecond)
	cfg := DefaultConfig()
	cfg.Regions = sc.Regions
	e := &Engine{Factory: f, Catalog: catalog.Default(), Config: cfg, Now: func() time.Time { return testNow }}
	rep, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
