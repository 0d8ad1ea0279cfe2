package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/emf"
	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/lambdaconfig"
	"github.com/cqmon/cqmon/internal/monitor"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// deadlineMargin is kept free before the function's timeout so a run that
// overruns still ends with its outcome logged and returned, rather than
// being killed mid-write: the alert state of delivered messages may be
// saved for alert.SaveGrace past the run's deadline, and a second is left
// after that to log and return.
const deadlineMargin = alert.SaveGrace + time.Second

// Handler runs one monitoring run per invocation. Its clients are built
// once, at cold start, and reused by every invocation of the execution
// environment.
type Handler struct {
	runner *monitor.Runner
	log    *slog.Logger
	// metrics receives each run's Embedded Metric Format records: the
	// function's stdout, which Lambda sends to its log group, where
	// CloudWatch extracts the metrics.
	metrics   io.Writer
	namespace string
	selection emf.Selection
	// org holds what the organization mode's steps need (org.go).
	org orgSetup
}

// setup is what differs between the Lambda and the tests: the clients'
// endpoints, credentials and pacing.
type setup struct {
	AWS awsapi.Options
	// StoreClients, when set, replace the factory's clients of the
	// stores (tests).
	StoreClients store.Clients
	// Out receives the metric records (stdout in Lambda); nil discards
	// them.
	Out io.Writer
}

// newHandler builds, once at cold start, the client factory, the stores
// and the alert channels from cfg, and the runner every invocation of the
// execution environment shares; it logs the configuration the function
// runs with.
func newHandler(ctx context.Context, cfg lambdaconfig.Config, s setup, log *slog.Logger) (*Handler, error) {
	s.AWS.Share, s.AWS.ShareMax = cfg.RateShare, cfg.RateShareMax
	f, err := awsapi.NewFactory(ctx, s.AWS)
	if err != nil {
		return nil, err
	}
	opts := runOptions(cfg)
	opts.Log = log
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	regions := cfg.Regions
	if len(regions) == 0 {
		regions = []string{f.Region()}
	}
	specs := cfg.Stores()
	log.Info("cold start",
		"regions", regions, "threshold", cfg.Threshold, "lookback", quota.FormatDuration(cfg.Lookback),
		"stores", specs, "alert_topic", cfg.TopicARN, "mutes", len(cfg.Mutes),
		"retention_days", cfg.RetentionDays, "rate_share", cfg.RateShare, "max_parents", cfg.MaxParents,
		"metrics_namespace", cfg.MetricsNamespace, "metrics", cfg.Metrics.String())
	if cfg.TopicARN == "" {
		log.Warn("no " + lambdaconfig.EnvTopicARN + " set: runs are recorded but no alert is sent")
	} else if len(specs) == 0 {
		log.Warn(alert.NoStoreWarning)
	}
	runner := &monitor.Runner{Factory: f, Catalog: catalog.Default(), Options: opts}
	if len(specs) > 0 {
		clients := s.StoreClients
		if clients == nil {
			clients = f
		}
		// A store that cannot be opened fails every run, as one that
		// cannot be written does, rather than the cold start.
		runner.Stores, runner.StoreErr = store.OpenAll(ctx, specs, clients, storeOptions(cfg))
	}
	// The function's stdout is its log: the stdout channel is not one of
	// its channels.
	if runner.Channels, err = monitor.Channels(f, notifySpecs(cfg), io.Discard); err != nil {
		return nil, err
	}
	out := s.Out
	if out == nil {
		out = io.Discard
	}
	return &Handler{
		runner: runner, log: log,
		metrics: out, namespace: cfg.MetricsNamespace, selection: cfg.Metrics,
		org: newOrgSetup(f, cfg, runner.Stores, runner.StoreErr),
	}, nil
}

// trigger is what the handler reads of its event: an EventBridge
// scheduled event, or anything else (a manual "{}") as a manual run.
type trigger struct {
	ID         string `json:"id"`
	Source     string `json:"source"`
	DetailType string `json:"detail-type"`
	// Step and AccountID mark the organization mode's events.
	Step      string  `json:"step"`
	AccountID *string `json:"account_id"`
}

func (t trigger) kind() string {
	if t.Source == "aws.events" || t.DetailType == "Scheduled Event" {
		return "schedule"
	}
	return "manual"
}

// Invoke implements lambda.Handler: it accepts any JSON object (or an
// empty payload) and answers with the run's summary. The organization
// mode's state machine sends its own events (see org.go): a step
// ("targets", "summary") or one account-Region item.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var t trigger
	if len(strings.TrimSpace(string(payload))) > 0 {
		if err := json.Unmarshal(payload, &t); err != nil {
			return nil, fmt.Errorf("the event is not a JSON object: %w", err)
		}
	}
	switch {
	case t.Step != "":
		return h.step(ctx, t.Step, payload)
	case t.AccountID != nil:
		return h.item(ctx, payload)
	}
	sum, err := h.Handle(ctx, t)
	if err != nil {
		return nil, err
	}
	return json.Marshal(sum)
}

// Handle performs one run. It returns an error when the run could not
// scan any Region, or when storing history or delivering an alert failed,
// so that Lambda's retries, the dead-letter queue and the Errors alarm see
// it; quotas that could not be measured are reported, not an error.
func (h *Handler) Handle(ctx context.Context, t trigger) (monitor.Summary, error) {
	attrs := []any{"trigger", t.kind()}
	if t.ID != "" {
		attrs = append(attrs, "event_id", t.ID)
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = append(attrs, "request_id", lc.AwsRequestID)
	}
	return h.perform(ctx, h.log.With(attrs...), (*monitor.Runner).Run)
}

// perform runs one monitoring run with run (a run of the configured
// Regions, or of one organization item), logs it and writes its metric
// records.
func (h *Handler) perform(ctx context.Context, log *slog.Logger,
	run func(*monitor.Runner, context.Context) (*quota.Report, monitor.Summary, error)) (monitor.Summary, error) {
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-deadlineMargin))
		defer cancel()
	}
	log.Info("run started")
	// The clients stay shared; the run's own lines carry the invocation's
	// attributes.
	r := *h.runner
	r.Options.Log = log
	r.Options.Progress = func(format string, args ...any) {
		log.Debug("progress", "detail", fmt.Sprintf(format, args...))
	}
	rep, sum, err := run(&r, ctx)
	if rep == nil {
		log.Error("run failed", "error", err.Error())
		return sum, fmt.Errorf("run failed: %w", err)
	}
	for _, in := range rep.Instances {
		log.Info("instance", "run_id", rep.RunID, "instance_id", in.InstanceID, "region", in.Region,
			"status", in.InstanceStatus, "quotas", in.Summary.MetricsCount,
			"violations", in.Summary.Violations(r.Options.Alert.AlertSingletons), "singletons", in.Summary.SingletonsCount,
			"unknown", in.Summary.UnknownCount)
	}
	if errors.Is(err, engine.ErrIncomplete) {
		// No Region was scanned: zero violations would be a claim, not a count.
		log.Warn("no metric records: the run scanned no Region")
	} else {
		h.writeMetrics(log, rep, sum)
	}
	fields := []any{"run_id", sum.RunID, "instances", sum.Instances, "quotas", sum.Quotas,
		"violations", sum.Violations, "singletons", sum.Singletons, "unknown", sum.Unknown, "forecasts", sum.Forecasts, "alerts_sent", sum.AlertsSent,
		"sinks_written", sum.SinksWritten, "dashboards", sum.Dashboards, "api_calls", sum.APICalls, "throttled", sum.Throttled,
		"duration_ms", sum.DurationMS, "errors", sum.Errors}
	if err != nil {
		log.Error("run failed", append(fields, "error", err.Error())...)
		return sum, fmt.Errorf("run %s: %w%s", sum.RunID, err, detail(sum.Errors))
	}
	log.Info("run completed", fields...)
	return sum, nil
}

// writeMetrics writes the run's metrics to the log as Embedded Metric
// Format records. A record that cannot be written is logged; it never
// fails the run, whose report is already stored.
func (h *Handler) writeMetrics(log *slog.Logger, rep *quota.Report, sum monitor.Summary) {
	run := emf.Run{Duration: time.Duration(sum.DurationMS) * time.Millisecond, APICalls: sum.APICalls, Throttled: sum.Throttled,
		AlertSingletons: h.runner.Options.Alert.AlertSingletons}
	n, err := emf.Write(h.metrics, emf.Records(rep, run, h.selection, h.namespace))
	if err != nil {
		log.Error("metric records not written", "written", n, "error", err.Error())
		return
	}
	log.Debug("metric records written", "records", n, "namespace", h.namespace)
}

// detail appends the run's own errors to a returned error, which is all
// that a manual invoke or the dead-letter queue's reader gets to see.
func detail(errs []string) string {
	if len(errs) == 0 {
		return ""
	}
	return ": " + strings.Join(errs, "; ")
}
