package monitor

import (
	"context"
	"errors"
	"fmt"

	"github.com/cqmon/cqmon/internal/dashboard"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// dashboardStore is a store that keeps the dashboard beside its history
// (S3, as connect-reports/dashboard.html beside latest.json) and returns
// where it put it.
type dashboardStore interface {
	WriteDashboard(ctx context.Context, rep *quota.Report, page []byte) (string, error)
	String() string
}

// writeDashboards renders the run's dashboard, with the trend lines of the
// stores' history, when a store keeps one or Options.HTML asks for it, and
// writes it there. A history that cannot be read leaves the page without
// trend lines and is reported with the rest.
func (r *Runner) writeDashboards(ctx context.Context, rep *quota.Report, sum *Summary) error {
	stores := r.Stores
	var targets []dashboardStore
	if stores != nil {
		for _, s := range stores.Stores() {
			if d, ok := s.(dashboardStore); ok {
				targets = append(targets, d)
			}
		}
	}
	if len(targets) == 0 && r.Options.HTML == nil {
		return nil
	}
	var errs []error
	var past []*quota.Report
	if stores != nil {
		var err error
		if past, err = History(ctx, stores, rep); err != nil {
			errs = append(errs, err)
		}
	}
	page, err := dashboard.Bytes(dashboard.Input{Report: rep, History: past})
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, t := range targets {
		uri, err := t.WriteDashboard(ctx, rep, page)
		if err != nil {
			errs = append(errs, fmt.Errorf("write the dashboard to %s: %w", t, err))
			continue
		}
		sum.Dashboards = append(sum.Dashboards, uri)
		if r.Options.Progress != nil {
			r.Options.Progress("dashboard written to %s", uri)
		}
	}
	if r.Options.HTML != nil {
		if _, err := r.Options.HTML.Write(page); err != nil {
			errs = append(errs, fmt.Errorf("write the dashboard: %w", err))
		}
	}
	return errors.Join(errs...)
}

// History reads the runs a dashboard of rep draws its trend lines from:
// at most dashboard.TrendRuns runs of the last dashboard.TrendWindow up to
// rep's start. A run is one record per instance and one per scanned
// account (its account-level quotas).
func History(ctx context.Context, st store.Store, rep *quota.Report) ([]*quota.Report, error) {
	runs, err := st.Runs(ctx, store.Query{
		Since: rep.StartedAt.Add(-dashboard.TrendWindow),
		Limit: dashboard.TrendRuns * (len(rep.Instances) + max(1, rep.Scanned())),
	})
	if err != nil {
		return nil, fmt.Errorf("read the history of the trend lines from %s: %w", st, err)
	}
	return store.Reports(runs), nil
}
