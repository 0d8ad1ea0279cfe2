package engine

import (
	"context"
	"testing"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/sim"
)

// TestDemoIsNeverThrottled scans the demo account as `cqmon demo` does:
// AWS's documented rates and the applied rate quotas in the simulator,
// latency, the default shares. No token bucket of the simulator may refuse
// a call and no call may get a throttling answer: the demo scenario injects
// none, so any the pacer sees come from its own pace.
func TestDemoIsNeverThrottled(t *testing.T) {
	if testing.Short() {
		t.Skip("paced at the demo's real rates")
	}
	sc := sim.DemoScenario()
	srv := sim.New(sc)
	f := simFactory(t, srv, awsapi.Options{Region: sc.Regions[0], Share: awsapi.DefaultShare})
	cfg := DefaultConfig()
	cfg.Regions = sc.Regions
	e := &Engine{Factory: f, Catalog: catalog.Default(), Config: cfg}
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for k, st := range srv.Stats() {
		if st.Throttled > 0 {
			t.Errorf("%s %s: the simulator's bucket refused %d of %d calls (at most %d in a second)", k.Service, k.Operation, st.Throttled, st.Calls, st.MaxPerSecond)
		}
	}
	for _, s := range f.Pacer().Stats() {
		if s.Throttled != 0 {
			t.Errorf("%s %s: %d throttling answers of %d calls, want none", s.Service, s.Operation, s.Throttled, s.Calls)
		}
	}
}
