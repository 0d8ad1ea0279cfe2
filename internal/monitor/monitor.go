// Package monitor is one monitoring run from end to end, the same for the
// CLI and the Lambda: scan, keep the report in every store, then send the
// alerts the run's news calls for. The stores and alert channels come
// opened and built from the program (cmd), once for all its runs.
// Whatever was measured is kept even when a store or a channel fails;
// those failures are added to the report's errors and end the run with
// ErrDelivery.
package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// ErrDelivery is returned, with the report, when the run completed but a
// store could not be written or an alert could not be delivered.
var ErrDelivery = errors.New("the run completed, but storing or alerting failed")

// Options configures a run beyond the scan itself.
type Options struct {
	Engine engine.Config
	Alert  alert.Config
	// Accounts chooses the accounts to scan; the zero value is the
	// account of the run's own credentials.
	Accounts Accounts
	// HTML, when set, receives the run's dashboard, the page S3 stores
	// also get, in one Write.
	HTML io.Writer
	// Progress, when set, receives progress lines.
	Progress func(format string, args ...any)
	Log      *slog.Logger
	// Now replaces the clock (tests).
	Now func() time.Time
}

// Summary is what a run did, for the Lambda's result and the CLI's last
// progress line.
type Summary struct {
	RunID     string `json:"run_id"`
	Instances int    `json:"instances"`
	Quotas    int    `json:"quotas"`
	// Violations counts the violations that alert: singletons (a limit
	// of 1 that its one item fills) only with AlertSingletons.
	Violations int `json:"violations"`
	// Singletons counts the violations that are singletons, alerted or
	// not.
	Singletons int `json:"singletons"`
	Unknown    int `json:"unknown"`
	// Forecasts counts the quotas whose trend gives a time to the limit.
	Forecasts    int            `json:"forecasts"`
	AlertsSent   map[string]int `json:"alerts_sent"`
	SinksWritten []string       `json:"sinks_written"`
	Errors       []string       `json:"errors"`
	APICalls     int            `json:"api_calls"`
	Throttled    int            `json:"throttled"`
	DurationMS   int64          `json:"duration_ms"`
	// Alerts is what the alerting step did, message by message, for the
	// CLI's report; it is not part of the Lambda's result.
	Alerts alert.Outcome `json:"-"`
	// Dashboards are the S3 URIs of the dashboards the run wrote.
	Dashboards []string `json:"dashboards,omitempty"`
}

// Runner holds what stays the same between runs (the Lambda builds it once
// at cold start).
type Runner struct {
	Factory *awsapi.Factory
	Catalog *catalog.Catalog
	// Stores keep history and alert memory; nil means none. The program
	// opens them (store.OpenAll) and closes them.
	Stores *store.Multi
	// StoreErr is why some stores could not be opened: each run reports
	// it as store errors, keeps writing the stores that opened, and ends
	// with ErrDelivery.
	StoreErr error
	// Channels receive the alerts; none means no alerts.
	Channels []alert.Channel
	Options  Options
}

// Validate checks the options that can be checked before any call.
func (o Options) Validate() error {
	if err := o.Engine.Validate(); err != nil {
		return err
	}
	if err := o.Accounts.Validate(); err != nil {
		return err
	}
	for _, t := range o.Engine.ThresholdRules {
		if t.Percent <= o.Alert.Hysteresis {
			return fmt.Errorf("threshold-for: %s: the threshold is not above the hysteresis %v, so the quota could never recover", t, o.Alert.Hysteresis)
		}
	}
	return o.Alert.Validate()
}

// Run performs one monitoring run. It returns the report whenever the scan
// produced one, with engine.ErrIncomplete when no Region could be scanned
// and ErrDelivery when storing or alerting failed.
func (r *Runner) Run(ctx context.Context) (*quota.Report, Summary, error) {
	start := time.Now()
	runID := engine.NewRunID(start)
	targets := []engine.Target{{Factory: r.Factory}}
	caller := ""
	if r.Options.Accounts.Many() {
		var err error
		targets, caller, err = r.Options.Accounts.Targets(ctx, r.Factory, runID)
		if err != nil {
			return nil, Summary{}, err
		}
	}
	return r.run(ctx, start, runID, caller, "", targets)
}

// RunItem scans, stores and alerts for one (account, Region) item exactly
// as a run of that account alone would: the organization mode's worker.
func (r *Runner) RunItem(ctx context.Context, item Item) (*quota.Report, Summary, error) {
	if err := item.Validate(); err != nil {
		return nil, Summary{}, err
	}
	start := time.Now()
	runID := engine.NewRunID(start)
	caller, err := r.Factory.Caller(ctx)
	if err != nil {
		return nil, Summary{}, err
	}
	target := item.Target(r.Factory, caller, runID)
	if target.Factory != r.Factory {
		// Another account: its role is tried before anything runs, so an
		// item that cannot be scanned stores nothing and alerts no one.
		if _, err := target.Factory.Caller(ctx); err != nil {
			return nil, Summary{}, fmt.Errorf("%w: AssumeRole %s: %w", engine.ErrIncomplete,
				awsapi.RoleARN(caller.Partition, item.AccountID, Accounts{RoleName: item.RoleName}.roleName()), err)
		}
	}
	sub := *r
	sub.Options.Engine.Regions = []string{item.Region}
	return sub.run(ctx, start, runID, caller.Account, item.Region, []engine.Target{target})
}

// run scans targets and stores and alerts on each account's part. item
// is the Region of an organization item, else "".
func (r *Runner) run(ctx context.Context, start time.Time, runID, caller, item string, targets []engine.Target) (*quota.Report, Summary, error) {
	pacers := map[*awsapi.Pacer]bool{}
	for _, t := range targets {
		if t.Factory != nil {
			pacers[t.Factory.Pacer()] = true
		}
	}
	totals := func() (calls, throttled int) {
		for p := range pacers {
			c, t := p.Totals()
			calls, throttled = calls+c, throttled+t
		}
		return calls, throttled
	}
	for p := range pacers {
		p.Rearm()
	}
	callsBefore, throttledBefore := totals()
	e := &engine.Engine{Factory: r.Factory, Catalog: r.Catalog, Config: r.Options.Engine, Progress: r.Options.Progress, Now: r.Options.Now,
		RunID: runID, CallerAccount: caller}
	rep, scanErr := e.RunAccounts(ctx, targets, r.Options.Accounts.concurrency())
	if rep == nil {
		return nil, Summary{}, scanErr
	}
	sum := Summary{RunID: rep.RunID, AlertsSent: map[string]int{}, SinksWritten: []string{}, Errors: []string{}}
	delivered := true
	// History, forecasts and alert memory are kept per account: each
	// account's part of the report is stored and alerted on as a run of
	// its own.
	parts := rep.ByAccount()
	for _, part := range parts {
		part.Part = partOf(part, caller, item, len(rep.Accounts) > 1)
	}
	if len(parts) == 1 {
		// One account: its dashboard goes beside its latest report.
		rep.Part = parts[0].Part
	}

	var states alert.Store
	if r.StoreErr != nil {
		// A store that could not be opened is a store error of every run;
		// the others are still written and still hold the alert memory.
		for _, e := range splitJoined(r.StoreErr) {
			rep.Errors = append(rep.Errors, quota.RunError{Scope: "store", Message: e.Error()})
		}
		delivered = false
	}
	if multi := r.Stores; multi != nil {
		var errs []error
		for _, part := range parts {
			// History is read before this run is added to it.
			if err := Forecast(ctx, multi.Stores(), r.Catalog, part); err != nil {
				fe := quota.RunError{Scope: "forecast", Message: err.Error()}
				if len(parts) > 1 {
					fe.AccountID = part.AccountID
				}
				rep.Errors = append(rep.Errors, fe)
			}
			errs = append(errs, multi.WriteRun(ctx, part))
		}
		rep.MergeAccountMetrics(parts)
		err := errors.Join(errs...)
		if err != nil {
			rep.Errors = append(rep.Errors, quota.RunError{Scope: "store", Message: err.Error()})
			delivered = false
		}
		failed := store.FailedSinks(err)
		for _, s := range multi.Stores() {
			if !failed[s.String()] {
				sum.SinksWritten = append(sum.SinksWritten, s.String())
			}
		}
		states = multi
	}
	if err := r.writeDashboards(ctx, rep, &sum); err != nil {
		rep.Errors = append(rep.Errors, quota.RunError{Scope: "dashboard", Message: err.Error()})
		delivered = false
	}

	if len(r.Channels) > 0 {
		var errs []error
		for _, part := range parts {
			out, err := r.notify(ctx, part, states, len(rep.Accounts) > 1)
			if sum.Alerts.Sent == nil {
				sum.Alerts.Sent = map[alert.Kind]int{}
			}
			for k, n := range out.Sent {
				sum.Alerts.Sent[k] += n
				sum.AlertsSent[string(k)] += n
			}
			sum.Alerts.Delivered = append(sum.Alerts.Delivered, out.Delivered...)
			sum.Alerts.Failures = append(sum.Alerts.Failures, out.Failures...)
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			rep.Errors = append(rep.Errors, quota.RunError{Scope: "alerts", Message: err.Error()})
			delivered = false
		}
	}

	t := rep.Totals()
	sum.Instances, sum.Quotas, sum.Unknown = len(rep.Instances), t.MetricsCount, t.UnknownCount
	sum.Violations, sum.Singletons = t.Violations(r.Options.Alert.AlertSingletons), t.SingletonsCount
	sum.Forecasts = forecasts(rep)
	calls, throttled := totals()
	sum.APICalls, sum.Throttled = calls-callsBefore, throttled-throttledBefore
	for _, a := range rep.Accounts {
		if a.Status == quota.AccountError {
			sum.Errors = append(sum.Errors, "account "+a.AccountID+": "+a.Reason)
		}
	}
	for _, e := range rep.Errors {
		sum.Errors = append(sum.Errors, e.Scope+": "+e.Message)
	}
	sum.DurationMS = time.Since(start).Milliseconds()
	switch {
	case scanErr != nil:
		return rep, sum, scanErr
	case !delivered:
		return rep, sum, ErrDelivery
	}
	return rep, sum, nil
}

// splitJoined returns the errors errors.Join put together, or err alone.
func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func (r *Runner) notify(ctx context.Context, rep *quota.Report, states alert.Store, nameAccount bool) (alert.Outcome, error) {
	cfg := r.Options.Alert
	cfg.NameAccount = nameAccount
	n := &alert.Notifier{Store: states, Channels: r.Channels, Config: cfg, Log: r.Options.Log}
	return n.Run(ctx, rep)
}

// Channels builds the alert channels specs name, once for all the runs of
// a program: SNS topics are published to with f's clients of the topic's
// Region, webhooks with an HTTP client of their own, and the stdout
// channel writes to stdout.
func Channels(f *awsapi.Factory, specs []alert.Spec, stdout io.Writer) ([]alert.Channel, error) {
	deps := alert.Deps{
		SNS:    func(region string) alert.Publisher { return f.For(region).SNS },
		HTTP:   &http.Client{Timeout: 10 * time.Second},
		Stdout: stdout,
	}
	var channels []alert.Channel
	for _, spec := range specs {
		ch, err := spec.Build(deps)
		if err != nil {
			return nil, err
		}
		channels = append(channels, ch)
	}
	return channels, nil
}

// partOf is the part of a larger run an account's report is, by which the
// stores key it (quota.Report.Part): nil for a run of the caller's own
// account alone, which keeps the single-account layout; the account for
// a run of several accounts or of another one; the account and Region for
// an organization item, since many items of one account run at once.
func partOf(part *quota.Report, caller, item string, many bool) *quota.Part {
	switch {
	case item != "":
		return &quota.Part{AccountID: part.AccountID, Region: item}
	case many || caller != "" && part.AccountID != caller:
		return &quota.Part{AccountID: part.AccountID}
	}
	return nil
}
