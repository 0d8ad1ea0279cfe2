package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/collect"
	"github.com/cqmon/cqmon/internal/quota"
)

type regionResult struct {
	discovered bool
	instances  []quota.InstanceReport
	account    []quota.Result
	errors     []quota.RunError
}

func (e *Engine) scanRegion(ctx context.Context, region string, now time.Time) regionResult {
	var rr regionResult
	clients := e.Factory.For(region)
	defs := e.Catalog.Measured()

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

	limits, problems := collect.LoadLimits(ctx, clients.ServiceQuotas, defs, active, e.Config.Concurrency)
	for _, p := range problems {
		rr.errors = append(rr.errors, quota.RunError{Region: region, Scope: "limits", Message: p.ServiceCode + ": " + awsapi.Reason(p.Err)})
	}
	for _, d := range limits.UnknownCodes(defs) {
		rr.errors = append(rr.errors, quota.RunError{Region: region, Scope: "catalog",
			Message: fmt.Sprintf("Service Quotas does not know %s for %q; its documented default is used", d.Code, d.Name)})
	}

	env := &collect.Env{
		Region: region, Connect: clients.Connect, Metrics: clients.CloudWatch,
		Lookback: e.Config.Lookback, Now: now, Instances: all,
	}
	got := e.collect(ctx, env, defs, active)

	for _, d := range defs {
		if d.Scope == quota.ScopeAccount {
			r := quota.Evaluate(d, measurement(got, collect.Target{Measure: d.Usage.Measure}), limits.For(d, nil), e.Config.Threshold)
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
			for _, d := range defs {
				if d.Scope == quota.ScopeAccount {
					continue
				}
				m := measurement(got, collect.Target{InstanceID: in.ID, Measure: d.Usage.Measure})
				ir.Metrics = append(ir.Metrics, quota.Evaluate(d, m, limits.For(d, &in), e.Config.Threshold))
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
		if name, ok := byMeasure[d.Usage.Measure]; ok {
			needed[name] = true
		}
	}
	var mu sync.Mutex
	got := map[collect.Target]quota.Measurement{}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.Config.Concurrency)
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
		g.Go(func() error {
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
	return got
}
