package engine

import (
	"errors"
	"fmt"

	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/collect"
	"github.com/cqmon/cqmon/internal/quota"
)

// evaluate judges every quota of the catalog in one Region from what the
// families measured and what the limits phase read: account-level quotas
// once, per-instance quotas for each active instance. Quotas of skipped
// services are reported skipped.
func (e *Engine) evaluate(region string, defs []quota.Definition, all []quota.Instance, got map[collect.Target]quota.Measurement, rl regionLimits) regionResult {
	rr := regionResult{discovered: true, verified: rl.verified, unknown: rl.unknown, errors: rl.errors}
	thresholds := e.Config.Thresholds()
	judge := func(d quota.Definition, in *quota.Instance) quota.Result {
		if e.Config.skips(d) {
			return e.Config.skippedResult(d)
		}
		id := ""
		if in != nil {
			id = in.ID
		}
		l := rl.limits.For(d, in)
		r := quota.Evaluate(d, measure(got, rl.noLimit, d, id), l, thresholds.For(d, l.Name, in))
		r.IncreaseRequest = rl.requests.For(d, in)
		return expectedUnknown(d, r)
	}
	for _, d := range defs {
		if !d.PerInstance() {
			r := judge(d, nil)
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
				if d.PerInstance() {
					ir.Metrics = append(ir.Metrics, judge(d, &in))
				}
			}
		}
		SortResults(ir.Metrics)
		ir.Summary = quota.Summarize(ir.Metrics)
		rr.instances = append(rr.instances, ir)
	}
	return rr
}

// measure is d's measurement on the instance (or the Region when
// instanceID is empty). A quota left unmeasured because no limit can be
// known for it says so.
func measure(got map[collect.Target]quota.Measurement, noLimit map[string]error, d quota.Definition, instanceID string) quota.Measurement {
	t := collect.Target{InstanceID: instanceID, Measure: d.Usage.Measure}
	if _, ok := got[t]; !ok {
		if err, ok := noLimit[d.Key]; ok {
			return quota.Measurement{Err: fmt.Errorf("not measured, to save calls: %w", err)}
		}
	}
	return measurement(got, t)
}

// measurement looks a target up and turns a failed call into the
// user-facing reason of its kind.
func measurement(got map[collect.Target]quota.Measurement, t collect.Target) quota.Measurement {
	m, ok := got[t]
	if !ok {
		return quota.Measurement{Err: fmt.Errorf("no collector produced %s", t.Measure)}
	}
	if m.Err != nil {
		m.Err = errors.New(awserr.Reason(m.Err))
	}
	return m
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

// safelyUnder is the plan's test (collect.Plan.Decide) of whether a value
// of a measure on an instance is more than Config.Margin points under the
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
