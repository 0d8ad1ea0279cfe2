package engine

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/collect"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

// TestTwoHundredRoutingProfilesWithinTheConfiguredRates scans an instance
// with 200 routing profiles whose queue counts are too close to the limit
// for a bound: one ListRoutingProfileQueues per profile, paced at the
// configured share of the operation's rate, with no throttling answer.
func TestTwoHundredRoutingProfilesWithinTheConfiguredRates(t *testing.T) {
	const awsRate = 100.0 // the simulator's bucket for the operation (AWS's 10 rps, scaled to keep the test short)
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
	srv := sim.New(sc, sim.WithClock(func() time.Time { return testNow }))
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	creds := credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")
	const share = 0.5
	f, err := awsapi.NewFactory(context.Background(), awsapi.Options{
		Region: "us-east-1", Endpoint: url, StaticCredentials: &creds, Share: share,
		Rates: func(svc, op string) float64 {
			if op == "ListRoutingProfileQueues" {
				return awsRate
			}
			return 1000
		},
	})
	if err != nil {
		t.Fatal(err)
	}
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
	// At most one second's budget as a burst plus one second of rate.
	if limit := int(2 * awsRate * share); st.MaxPerSecond > limit {
		t.Errorf("ListRoutingProfileQueues peaked at %d calls in a second, over the %d the share allows", st.MaxPerSecond, limit)
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
