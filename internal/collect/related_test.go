package collect

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
	"github.com/cqmon/cqmon/internal/sim/simtest"
)

var relatedNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// relatedEnv serves sc with the simulator and returns an Env whose
// clients are the real ones, talking HTTP to it, for region.
func relatedEnv(t *testing.T, sc *sim.Scenario, region string) (*Env, *sim.Server) {
	t.Helper()
	c, srv := simClients(t, sc, region)
	return &Env{
		Region: region, Connect: c.Connect, Metrics: c.CloudWatch, Lookback: time.Hour, Now: relatedNow,
		Fanout: func(ctx context.Context, n int, fn func(ctx context.Context, i int)) {
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { fn(ctx, i) })
			}
			wg.Wait()
		},
		Cases: c.Cases, Profiles: c.Profiles, QConnect: c.QConnect, VoiceID: c.VoiceID,
		AppIntegrations: c.AppIntegrations, Campaigns: c.Campaigns,
	}, srv
}

// simClients serves sc with the simulator and returns the real clients
// of region, talking HTTP to it.
func simClients(t *testing.T, sc *sim.Scenario, region string) (*awsapi.Clients, *sim.Server) {
	t.Helper()
	if sc.Account == "" {
		sc.Account = "123456789012"
	}
	if len(sc.Regions) == 0 {
		sc.Regions = []string{region}
	}
	if len(sc.Throttle.Rules) == 0 {
		// The client's pacer runs at 1000 calls a second here; AWS's
		// buckets are the simulator tests' business.
		sc.Throttle.Disabled = true
	}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	srv := sim.New(sc, sim.WithClock(func() time.Time { return relatedNow }), sim.WithoutLatency())
	return endpointClients(t, simtest.Serve(t, srv), region), srv
}

// endpointClients returns the real clients of region with every endpoint
// at url.
func endpointClients(t *testing.T, url, region string) *awsapi.Clients {
	t.Helper()
	o := simtest.Options(region)
	o.MaxBackoff = time.Millisecond
	return simtest.Factory(t, url, o).For(region)
}

// got is a measurement in the short form the tests compare: value and
// parent, or the user-facing reason of its failure.
type got struct {
	Value  float64
	Parent string
	Reason string
}

func short(m quota.Measurement) got {
	if m.Err != nil {
		return got{Reason: awserr.Reason(m.Err)}
	}
	return got{Value: m.Value, Parent: m.Parent}
}

// runRegion runs a Region family and returns its measurements by measure.
func runRegion(t *testing.T, f Family, env *Env, active ...quota.Instance) map[string]got {
	t.Helper()
	out := map[string]got{}
	for tg, m := range f.Region(context.Background(), env, active) {
		key := tg.Measure
		if tg.InstanceID != "" {
			key = tg.InstanceID + " " + key
		}
		out[key] = short(m)
	}
	if len(active) == 0 {
		for _, m := range f.Measures {
			if _, ok := out[m]; !ok {
				t.Errorf("measure %s not produced", m)
			}
		}
	}
	return out
}

// calls returns the simulator's call count of each operation of service.
func calls(srv *sim.Server, service string) map[string]int {
	out := map[string]int{}
	for k, v := range srv.Stats() {
		if k.Service == service {
			out[k.Operation] = v.Calls
		}
	}
	return out
}

// wantReason checks that every measure failed with a reason containing
// want.
func wantReason(t *testing.T, res map[string]got, want string) {
	t.Helper()
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range res {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		if !strings.Contains(res[k].Reason, want) {
			t.Errorf("%s = %+v, want a failure with %q", k, res[k], want)
		}
	}
}
