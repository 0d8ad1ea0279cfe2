package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cqmon/cqmon/internal/awsapi"
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

func (e *Engine) scanRegion(ctx context.Context, region string, now time.Time) regionResult {
	var rr regionResult
	clients := e.Factory.For(region)
	// defs are the quotas measured this run; the quotas of skipped
	// services are reported, but no call is made for them.
	catalogDefs := e.Catalog.Measured()
	defs := slices.DeleteFunc(slices.Clone(catalogDefs), e.Config.skips)

	all, err := collect.DiscoverInstances(ctx, clients.Connect, region)
	if err != nil {
		rr.errors = append(rr.errors, quota.RunError{Region: region, Scope: "discovery", Message: "list instances: " + awsapi.Reason(err)})
		return rr
	}
	rr.discovered = true
	var active []quota.Instance
	for _, in := range all {
		if in.Active() {
			active = append(active, in)
		}
	}
	e.progress("%s: found %d instance(s), %d active", region, len(all), len(active))

	ready := make(chan struct{})
	env := &collect.Env{
		Region: region, Connect: clients.Connect, Metrics: clients.CloudWatch,
		Lookback: e.Config.Lookback, Now: now, Instances: all,
		Definitions: defs, Ready: ready,
		Fanout: e.fanout, MaxParents: e.Config.MaxParents,
		// The customer's recent use of each operation sizes its budget.
		Pace:  func(op string, peakRPS float64) { e.Factory.Pacer().SpendIdle(region, "Connect", op, peakRPS) },
		Cases: clients.Cases, Profiles: clients.Profiles, QConnect: clients.QConnect,
		VoiceID: clients.VoiceID, AppIntegrations: clients.AppIntegrations, Campaigns: clients.Campaigns,
	}
	// Service Quotas is read while the counts run; the decisions that need
	// a limit (per-parent calls, bounds, usage metrics) wait for it.
	var limits *collect.Limits
	var requests quota.Requests
	var requestProblems []collect.LimitProblem
	requestsDone := make(chan struct{})
	noLimit := map[string]error{}
	go func() {
		defer close(ready)
		var problems []collect.LimitProblem
		limits, problems = collect.LoadLimits(ctx, clients.ServiceQuotas, defs, active, e.Config.Concurrency)
		for _, p := range problems {
			rr.errors = append(rr.errors, quota.RunError{Region: region, Scope: "limits", Message: p.ServiceCode + ": " + awsapi.Reason(p.Err)})
		}
		for _, d := range limits.VerifiedCodes(defs) {
			rr.verified = append(rr.verified, d.Key)
		}
		for _, d := range limits.UnknownCodes(defs) {
			rr.unknown = append(rr.unknown, d.Key)
			rr.errors = append(rr.errors, quota.RunError{Region: region, Scope: "catalog",
				Message: fmt.Sprintf("Service Quotas does not know %s for %q; its documented default is used", d.Code, d.Name)})
		}
		// Increase requests are only shown, so the counts need not wait
		// for them.
		go func() {
			defer close(requestsDone)
			requests, requestProblems = collect.LoadRequests(ctx, clients.ServiceQuotas, limits.Answered(quota.ServiceCodes(defs)), now)
		}()
		e.paceFromAppliedRates(region, defs, limits)
		// A quota whose limit cannot be known anywhere is not measured
		// where that saves calls: its usage alone would say nothing.
		env.Needed = map[string]bool{}
		var wanted []quota.Definition
		for _, d := range defs {
			if err := limitUnknowable(d, limits, active); err != nil {
				noLimit[d.Key] = err
				continue
			}
			wanted = append(wanted, d)
			env.Needed[d.Usage.Measure] = true
		}
		env.Limits = limits
		env.SafelyUnder = e.safelyUnder(wanted, limits, active)
	}()
	got := e.collect(ctx, env, defs, active)
	<-ready
	<-requestsDone
	for _, p := range requestProblems {
		rr.errors = append(rr.errors, quota.RunError{Region: region, Scope: "increase requests", Message: p.ServiceCode + ": " + awsapi.Reason(p.Err)})
	}
	measure := func(d quota.Definition, instanceID string) quota.Measurement {
		t := collect.Target{InstanceID: instanceID, Measure: d.Usage.Measure}
		if _, ok := got[t]; !ok {
			if err, ok := noLimit[d.Key]; ok {
				return quota.Measurement{Err: fmt.Errorf("not measured, to save calls: %w", err)}
			}
		}
		return measurement(got, t)
	}

	thresholds := e.Config.Thresholds()
	evaluate := func(d quota.Definition, in *quota.Instance) quota.Result {
		if e.Config.skips(d) {
			return e.Config.skippedResult(d)
		}
		id := ""
		if in != nil {
			id = in.ID
		}
		l := limits.For(d, in)
		r := quota.Evaluate(d, measure(d, id), l, thresholds.For(d, l.Name, in))
		r.IncreaseRequest = requests.For(d, in)
		return expectedUnknown(d, r)
	}
	for _, d := range catalogDefs {
		if !d.PerInstance() {
			r := evaluate(d, nil)
			r.Region = region
			rr.account = append(rr.account, r)
		}
	}
	for _, in := range all {
		ir := quota.InstanceReport{
			InstanceID: in.ID, InstanceARN: in.ARN, InstanceAlias: in.Alias,
			Region: region, InstanceStatus: in.Status, Metrics: []quota.Result{},
		}
		if in.Active() {
			for _, d := range catalogDefs {
				if d.PerInstance() {
					ir.Metrics = append(ir.Metrics, evaluate(d, &in))
				}
			}
		}
		SortResults(ir.Metrics)
		ir.Summary = quota.Summarize(ir.Metrics)
		rr.instances = append(rr.instances, ir)
	}
	return rr
}

// measurement looks a target up and turns a failed call into the
// user-facing reason of its kind.
func measurement(got map[collect.Target]quota.Measurement, t collect.Target) quota.Measurement {
	m, ok := got[t]
	if !ok {
		return quota.Measurement{Err: fmt.Errorf("no collector produced %s", t.Measure)}
	}
	if m.Err != nil {
		m.Err = errors.New(awsapi.Reason(m.Err))
	}
	return m
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

// limitUnknowable returns why no limit can be found for d in this Region
// (for no instance, or for the account), or nil when one can.
func limitUnknowable(d quota.Definition, limits *collect.Limits, active []quota.Instance) error {
	if !d.PerInstance() {
		return limits.For(d, nil).Err
	}
	var err error
	for _, in := range active {
		if err = limits.For(d, &in).Err; err == nil {
			return nil
		}
	}
	return err
}

// safelyUnder answers collect.Env.SafelyUnder: whether a value of a
// measure on an instance is more than Config.Margin points under the
// threshold of that instance's limit.
func (e *Engine) safelyUnder(defs []quota.Definition, limits *collect.Limits, active []quota.Instance) func(string, string, float64) bool {
	byMeasure := map[string]quota.Definition{}
	for _, d := range defs {
		byMeasure[d.Usage.Measure] = d
	}
	thresholds := e.Config.Thresholds()
	byID := map[string]*quota.Instance{}
	for i := range active {
		byID[active[i].ID] = &active[i]
	}
	return func(measure, instanceID string, v float64) bool {
		d, ok := byMeasure[measure]
		if !ok {
			return false
		}
		in := byID[instanceID]
		l := limits.For(d, in)
		if l.Err != nil || l.Value <= 0 {
			return false
		}
		return v/l.Value*100 < thresholds.For(d, l.Name, in)-e.Config.Margin
	}
}
