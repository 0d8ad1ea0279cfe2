package store

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// Reports rebuilds the reports of the runs that records come from, newest
// first: each run's instances (by Region, then alias) and its
// account-level quotas. What records do not keep (instance ARNs, the run's
// errors and coverage, when it finished) stays empty; so do the threshold
// and lookback of records written before they were recorded.
func Reports(runs []Run) []*quota.Report {
	byRun := map[string]*quota.Report{}
	var order []*quota.Report
	for _, r := range runs {
		id := r.RunID
		if id == "" {
			// Legacy records carry no run ID; its runs are told by
			// their start.
			id = r.Time.UTC().Format(time.RFC3339)
		}
		rep := byRun[id]
		if rep == nil {
			rep = &quota.Report{
				SchemaVersion: quota.SchemaVersion, RunID: id, StartedAt: r.Time, AccountID: r.AccountID,
				Threshold: r.Threshold, Lookback: r.Lookback, Account: quota.AccountReport{Metrics: []quota.Result{}},
				Errors: []quota.RunError{},
			}
			byRun[id] = rep
			order = append(order, rep)
		}
		if r.Threshold != 0 {
			rep.Threshold, rep.Lookback = r.Threshold, r.Lookback
		}
		if r.InstanceID == AccountInstanceID {
			// A run of several accounts keeps one account record each.
			rep.Account.Metrics = append(rep.Account.Metrics, r.Metrics...)
			rep.Account.Summary = quota.Summarize(rep.Account.Metrics)
			for _, region := range strings.Split(r.Region, ",") {
				if !slices.Contains(rep.Regions, region) {
					rep.Regions = append(rep.Regions, region)
				}
			}
			continue
		}
		rep.Instances = append(rep.Instances, quota.InstanceReport{
			InstanceID: r.InstanceID, InstanceAlias: r.InstanceAlias, Region: r.Region,
			InstanceStatus: r.InstanceStatus, Metrics: r.Metrics, Summary: r.Summary,
		})
	}
	for _, rep := range order {
		sort.Slice(rep.Instances, func(i, j int) bool {
			a, b := rep.Instances[i], rep.Instances[j]
			if a.Region != b.Region {
				return a.Region < b.Region
			}
			if a.InstanceAlias != b.InstanceAlias {
				return a.InstanceAlias < b.InstanceAlias
			}
			return a.InstanceID < b.InstanceID
		})
		for _, in := range rep.Instances {
			if !slices.Contains(rep.Regions, in.Region) {
				rep.Regions = append(rep.Regions, in.Region)
			}
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].StartedAt.After(order[j].StartedAt) })
	return order
}
