package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/collect"
	"github.com/cqmon/cqmon/internal/quota"
)

type regionResult struct {
	discovered bool
	// verified and unknown hold the catalog keys whose codes Service
	// Quotas listed, or answered for the service without listing.
	verified, unknown []string
	instances         []quota.InstanceReport
	account           []quota.Result
	errors            []quota.RunError
}

// scanRegion scans one Region in four phases: discover the instances,
// read the limits, collect the usage, evaluate each quota. The limits and
// the collection overlap: the families that need no limit start at once,
// and the others wait for the plan the limits phase decides.
func (e *Engine) scanRegion(ctx context.Context, region string, now time.Time) regionResult {
	clients := e.Factory.For(region)
	// defs are the quotas measured this run; the quotas of skipped
	// services are reported, but no call is made for them.
	catalogDefs := e.Catalog.Measured()
	defs := slices.DeleteFunc(slices.Clone(catalogDefs), e.Config.skips)

	// Discover.
	all, err := collect.DiscoverInstances(ctx, clients.Connect, region)
	if err != nil {
		return regionResult{errors: []quota.RunError{{Region: region, Scope: "discovery", Message: "list instances: " + awserr.Reason(err)}}}
	}
	var active []quota.Instance
	for _, in := range all {
		if in.Active() {
			active = append(active, in)
		}
	}
	e.progress("%s: found %d instance(s), %d active", region, len(all), len(active))

	// Limits, read while the collection runs.
	plan := collect.NewPlan()
	limitsRead := make(chan regionLimits, 1)
	go func() { limitsRead <- e.readLimits(ctx, clients, region, defs, active, now, plan) }()

	// Collect.
	env := &collect.Env{
		Region: region, Connect: clients.Connect, Metrics: clients.CloudWatch,
		Lookback: e.Config.Lookback, Now: now, Instances: all,
		Definitions: defs, Plan: plan,
		Fanout: e.fanout, MaxParents: e.Config.MaxParents,
		// The customer's recent use of each operation sizes its budget.
		Pace:  func(op string, peakRPS float64) { e.Factory.Pacer().SpendIdle(region, "Connect", op, peakRPS) },
		Cases: clients.Cases, Profiles: clients.Profiles, QConnect: clients.QConnect,
		VoiceID: clients.VoiceID, AppIntegrations: clients.AppIntegrations, Campaigns: clients.Campaigns,
	}
	got := e.collect(ctx, env, defs, active)

	// Evaluate.
	return e.evaluate(region, catalogDefs, all, got, <-limitsRead)
}

// regionLimits is what the limits phase read of one Region.
type regionLimits struct {
	limits   *collect.Limits
	requests quota.Requests
	// noLimit holds, by catalog key, why no limit can be known for a
	// quota anywhere in the Region; such quotas are not measured where
	// that saves calls.
	noLimit           map[string]error
	verified, unknown []string
	errors            []quota.RunError
}

// readLimits reads the Region's Service Quotas values, decides the plan
// the families wait for, and then reads the open increase requests, which
// are only shown, so the counts need not wait for them.
func (e *Engine) readLimits(ctx context.Context, clients *awsapi.Clients, region string, defs []quota.Definition, active []quota.Instance, now time.Time, plan *collect.Plan) regionLimits {
	rl := regionLimits{noLimit: map[string]error{}}
	limits, problems := collect.LoadLimits(ctx, clients.ServiceQuotas, defs, active, e.Config.Concurrency)
	rl.limits = limits
	for _, p := range problems {
		rl.errors = append(rl.errors, quota.RunError{Region: region, Scope: "limits", Message: p.ServiceCode + ": " + awserr.Reason(p.Err)})
	}
	for _, d := range limits.VerifiedCodes(defs) {
		rl.verified = append(rl.verified, d.Key)
	}
	for _, d := range limits.UnknownCodes(defs) {
		rl.unknown = append(rl.unknown, d.Key)
		rl.errors = append(rl.errors, quota.RunError{Region: region, Scope: "catalog",
			Message: fmt.Sprintf("Service Quotas does not know %s for %q; its documented default is used", d.Code, d.Name)})
	}
	e.paceFromAppliedRates(region, defs, limits)
	// A quota whose limit cannot be known anywhere is not measured where
	// that saves calls: its usage alone would say nothing.
	needed := map[string]bool{}
	var wanted []quota.Definition
	for _, d := range defs {
		if err := limitUnknowable(d, limits, active); err != nil {
			rl.noLimit[d.Key] = err
			continue
		}
		wanted = append(wanted, d)
		needed[d.Usage.Measure] = true
	}
	plan.Decide(limits, needed, e.safelyUnder(wanted, limits, active))

	requests, requestProblems := collect.LoadRequests(ctx, clients.ServiceQuotas, limits.Answered(quota.ServiceCodes(defs)), now)
	rl.requests = requests
	for _, p := range requestProblems {
		rl.errors = append(rl.errors, quota.RunError{Region: region, Scope: "increase requests", Message: p.ServiceCode + ": " + awserr.Reason(p.Err)})
	}
	return rl
}

// collect runs every family that a measured definition needs: instance
// families once per active instance, Region families once, all fanned out
// under the configured concurrency. The pacer inside the clients keeps
// each operation under its rate.
func (e *Engine) collect(ctx context.Context, env *collect.Env, defs []quota.Definition, active []quota.Instance) map[collect.Target]quota.Measurement {
	byMeasure, err := collect.ByMeasure()
	if err != nil {
		panic(err) // the registry is static; its tests rule this out
	}
	needed := map[string]bool{}
	for _, d := range defs {
		if name, ok := collect.FamilyFor(byMeasure, d.Usage.Measure); ok {
			needed[name] = true
		}
	}
	var mu sync.Mutex
	got := map[collect.Target]quota.Measurement{}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.Config.Concurrency)
	// Region families spend most of their time waiting for the limits
	// before their fan-outs: in a group of their own they never hold the
	// instance families' places.
	rg, rctx := errgroup.WithContext(ctx)
	rg.SetLimit(e.Config.Concurrency)
	done := 0
	var perInstance []collect.Family
	for _, name := range collect.FamilyNames() {
		if !needed[name] {
			continue
		}
		f := collect.Families[name]
		if f.Instance != nil {
			perInstance = append(perInstance, f)
			continue
		}
		gctx := rctx
		rg.Go(func() error {
			res := f.Region(gctx, env, active)
			mu.Lock()
			defer mu.Unlock()
			for t, m := range res {
				got[t] = m
			}
			return nil
		})
	}
	// Instances outside, families inside: the calls in flight at any time
	// belong to different operations, each with its own rate budget.
	for _, in := range active {
		for _, f := range perInstance {
			g.Go(func() error {
				res := f.Instance(gctx, env, in)
				mu.Lock()
				defer mu.Unlock()
				for measure, m := range res {
					got[collect.Target{InstanceID: in.ID, Measure: measure}] = m
				}
				done++
				if done%50 == 0 {
					e.progress("%s: %d of %d instance collectors done", env.Region, done, len(active)*len(perInstance))
				}
				return nil
			})
		}
	}
	_ = g.Wait()
	_ = rg.Wait()
	return got
}

// fanout runs fn for 0..n-1 with at most Config.Concurrency at once. It is
// the one place, besides collect, that bounds calls in flight.
func (e *Engine) fanout(ctx context.Context, n int, fn func(ctx context.Context, i int)) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.Config.Concurrency)
	for i := range n {
		g.Go(func() error {
			fn(gctx, i)
			return nil
		})
	}
	_ = g.Wait()
}

// paceFromAppliedRates sizes each Connect operation's token bucket from the
// applied "Rate of <Operation> API requests" quota when Service Quotas
// gave one: that quota is the throttle the account really has.
func (e *Engine) paceFromAppliedRates(region string, defs []quota.Definition, limits *collect.Limits) {
	for _, d := range defs {
		op, ok := strings.CutPrefix(d.Usage.Measure, collect.APIRatePrefix)
		if !ok {
			continue
		}
		if l := limits.For(d, nil); l.Err == nil && l.Source != quota.LimitCatalog {
			e.Factory.Pacer().SetRate(region, "Connect", op, l.Value)
		}
	}
}
