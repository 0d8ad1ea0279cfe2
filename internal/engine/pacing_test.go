package engine

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/collect"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

// TestTwoHundredRoutingProfilesWithinTheConfiguredRates scans an instance
// with 200 routing profiles whose queue counts are too close to the limit
// for a bound: one ListRoutingProfileQueues per profile, paced at what the
// customer's own recent calls (CloudWatch AWS/Usage) leave of the
// operation's rate, up to the maximum share, with no throttling answer.
func TestTwoHundredRoutingProfilesWithinTheConfiguredRates(t *testing.T) {
	const awsRate = 100.0 // the simulator's bucket for the operation (AWS's 10 rps, scaled to keep the test short)
	tests := []struct {
		name string
		// perMinute is the customer's busiest minute of the operation.
		perMinute float64
		wantRate  float64
	}{
		{"idle: the maximum share", 0, awsRate * awsapi.DefaultShareMax},
		{"busy: what the customer leaves", 70 * 60, awsRate - 70},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := &sim.Scenario{
				Account: "111122223333", Regions: []string{"us-east-1"},
				Instances: []sim.Instance{{Alias: "busy", Counts: map[string]int{"routingProfiles": 200, "queues": 40},
					Children: map[string]sim.ChildCounts{"routingProfileQueues": {List: []int{95}, Others: 30}}}},
				Throttle: sim.Throttle{Rules: []sim.RateRule{
					{Service: "connect", Operation: "ListRoutingProfileQueues", Rate: awsRate, Burst: int(awsRate)},
					{Service: "connect", Operation: "*", Rate: 0},
					{Service: "servicequotas", Operation: "*", Rate: 0},
				}},
			}
			if tt.perMinute > 0 {
				sc.Metrics = []sim.Series{{Region: "us-east-1", Namespace: "AWS/Usage", Metric: "CallCount",
					Dimensions: map[string]string{"Service": "Connect", "Type": "API", "Resource": "ListRoutingProfileQueues", "Class": "None"},
					Generate:   &sim.Generate{Every: "1m", Span: "1h", Values: []float64{tt.perMinute}}}}
			}
			srv := sim.New(sc, sim.WithClock(func() time.Time { return testNow }))
			f := simFactory(t, srv, awsapi.Options{Region: "us-east-1", Share: awsapi.DefaultShare,
				Rates: func(svc, op string) float64 {
					if op == "ListRoutingProfileQueues" {
						return awsRate
					}
					return 1000
				},
			})
			cfg := DefaultConfig()
			cfg.Regions = []string{"us-east-1"}
			e := &Engine{Factory: f, Catalog: catalog.Default(), Config: cfg, Now: func() time.Time { return testNow }}
			rep, err := e.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			r := metric(t, instance(t, rep, "busy").Metrics, "connect.routing_profile_queues")
			if r.Status != quota.StatusViolation || num(r.Usage) != 95.0 || r.Approximate {
				t.Errorf("queues per routing profile = %+v, want the exact 95", r)
			}
			st := srv.Stats()[sim.OpKey{Service: sim.ServiceConnect, Operation: "ListRoutingProfileQueues"}]
			if st.Calls != 200 || st.Throttled != 0 {
				t.Errorf("ListRoutingProfileQueues: %d calls, %d throttled; want 200 and none", st.Calls, st.Throttled)
			}
			var paced float64
			for _, s := range f.Pacer().Stats() {
				if s.Operation == "ListRoutingProfileQueues" {
					paced = s.Rate
				}
			}
			if math.Abs(paced-tt.wantRate) > 1e-9 {
				t.Errorf("ListRoutingProfileQueues paced at %v/s, want %v", paced, tt.wantRate)
			}
			// At most one second's budget as a burst plus one second of rate.
			if limit := int(2 * tt.wantRate); st.MaxPerSecond > limit {
				t.Errorf("ListRoutingProfileQueues peaked at %d calls in a second, over the %d its budget allows", st.MaxPerSecond, limit)
			}
		})
	}
}

// TestSafelyUnder: a bound replaces an exact count only more than the
// margin under the threshold, so a quota at or over the threshold is
// always counted exactly.
func TestSafelyUnder(t *testing.T) {
	hundred := 100.0
	d := quota.Definition{Key: "connect.routing_profile_queues", ServiceCode: "connect", Name: "Q", Default: &hundred,
		Scope: quota.ScopeParent, Parent: "routing profile", Usage: quota.Usage{Kind: quota.UsageMaxPerParent, Measure: "connect.routing_profile_queues"}}
	e := &Engine{Config: DefaultConfig()}
	in := []quota.Instance{{ID: "i-1", Status: "ACTIVE"}}
	under := e.safelyUnder([]quota.Definition{d}, &collect.Limits{}, in)
	for v, want := range map[float64]bool{69.99: true, 70: false, 79.99: false, 80: false, 150: false} {
		if got := under(d.Usage.Measure, "i-1", v); got != want {
			t.Errorf("safelyUnder(%v of 100, threshold 80, margin 10) = %v, want %v", v, got, want)
		}
	}
	if under("connect.unknown", "i-1", 1) {
		t.Error("a measure of no definition must not be called safe")
	}
}
