package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/monitor"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/report"
	"github.com/cqmon/cqmon/internal/store"
)

// runFlags are the flags shared by scan and demo.
type runFlags struct {
	cfg         engine.Config
	threshold   numberFlag
	margin      numberFlag
	share       numberFlag
	shareMax    numberFlag
	verbose     bool
	output      outputFlag
	quiet       bool
	lookback    durationFlag
	stores      multiFlag
	retention   durationFlag
	kmsKey      string
	notify      multiFlag
	remindAfter durationFlag
	hysteresis  numberFlag
	mutes       multiFlag
	timeout     durationFlag
	horizon     durationFlag
	thresholds  multiFlag
	singletons  bool
	failOn      failOnFlag
	html        string
	// table is set for the commands that print the report (scan, demo).
	table *tableFlags
	// accounts are the accounts to scan (scan, serve and demo --org).
	accounts monitor.Accounts
	// storeSpecs, storeOpts and notifySpecs name the run's stores and
	// alert channels, which openStores and channels open and build.
	storeSpecs  []string
	storeOpts   store.Options
	notifySpecs []alert.Spec
}

// multiFlag is a flag that may be given several times; each value may
// also be a comma-separated list.
type multiFlag []string

func (m *multiFlag) String() string { return fmt.Sprint([]string(*m)) }

func (m *multiFlag) Set(v string) error {
	if strings.Trim(v, ", \t\n") == "" {
		// Most often a variable that expanded to nothing: never read as
		// "no store" or "no channel" (those are said with none).
		return fmt.Errorf("%q names nothing", v)
	}
	*m = append(*m, v)
	return nil
}

func addRunFlags(fs *flag.FlagSet, defaultStore string) *runFlags {
	rf := &runFlags{
		share: awsapi.DefaultShare, shareMax: awsapi.DefaultShareMax, output: "table",
		lookback: durationFlag(engine.DefaultLookback), retention: durationFlag(store.DefaultRetention),
		remindAfter: durationFlag(alert.DefaultRemindAfter), hysteresis: alert.DefaultHysteresis,
		timeout: durationFlag(defaultTimeout), horizon: durationFlag(alert.DefaultHorizon),
	}
	cfg := engine.DefaultConfig()
	rf.threshold, rf.margin = numberFlag(cfg.Threshold), numberFlag(cfg.Margin)
	rf.cfg = cfg
	fs.Var(&rf.threshold, "threshold", "violation threshold in percent of the limit (1-99)")
	fs.Var(&rf.lookback, "lookback", "window for peak metrics such as concurrent calls (e.g. 1h, 90m, 7d)")
	fs.IntVar(&rf.cfg.Concurrency, "concurrency", rf.cfg.Concurrency, "AWS calls in flight at once (1-64)")
	fs.IntVar(&rf.cfg.MaxParents, "max-parents", rf.cfg.MaxParents, "most parents (users, queues...) a per-parent quota may make one call each for, per instance; 0 = no bound")
	fs.Var(&rf.margin, "margin", "points under the threshold below which a cheap upper bound replaces an exact per-parent count (0-50)")
	fs.Var((*listFlag)(&rf.cfg.SkipServices), "skip-service", "comma-separated related services not to measure at all (voiceid, cases, profile, wisdom, app-integrations, connect-campaigns): their quotas are reported unknown, skipped, and never alerted")
	fs.Var(&rf.share, "rate-share", "share of each API's rate limit cqmon may use (0.05-1)")
	fs.Var(&rf.shareMax, "rate-share-max", "most of an API's rate limit cqmon may use when CloudWatch shows the account's own recent calls leave it idle (rate-share-1)")
	fs.BoolVar(&rf.verbose, "verbose", false, "print each API operation's calls and the rate it was paced at on stderr")
	fs.Var(&rf.output, "output", "report format: table or json")
	fs.BoolVar(&rf.quiet, "quiet", false, "no progress lines on stderr")
	fs.Var(&rf.stores, "store", "history and alert memory: local, local:<path>, dynamodb:<table>, s3://<bucket>/<prefix>, or none; repeatable (default "+defaultStore+")")
	fs.Var(&rf.retention, "retention", "how long stored history is kept (e.g. 90d)")
	fs.StringVar(&rf.kmsKey, "kms-key", "", "KMS key id or ARN for SSE-KMS on S3 history objects")
	fs.Var(&rf.notify, "notify", "alert channel: stdout (stderr with --output json), sns:<topic-arn>, chatbot:<topic-arn>, webhook:<url>; repeatable (default stdout with --output table, none with json)")
	fs.Var(&rf.remindAfter, "remind-after", "least time between two alerts about a quota that stays high")
	fs.Var(&rf.hysteresis, "hysteresis", "points below the threshold a quota must fall to count as recovered")
	fs.Func("horizon", "alert for a quota under the threshold whose trend reaches its limit within this time, 1d-365d (default 14d; 0 = off)", func(v string) error {
		if v == "0" {
			rf.horizon = 0
			return nil
		}
		return rf.horizon.Set(v)
	})
	fs.Var(&rf.mutes, "mute", "never alert for: code:L-XXXXXXXX, name:<glob>, instance:<id or alias>; repeatable")
	fs.Var(&rf.timeout, "timeout", "deadline of the whole run: what is measured by then is reported, the rest is unknown, and the exit status is 1")
	fs.Var(&rf.thresholds, "threshold-for", "threshold of some quotas: code:L-XXXXXXXX=N, name:<glob>=N or instance:<id or alias>/code:L-XXXXXXXX=N; repeatable (instance beats code beats name beats --threshold)")
	fs.BoolVar(&rf.singletons, "alert-singletons", false, "alert about quotas whose limit is 1 and whose one item fills it (reported either way)")
	fs.Var(&rf.failOn, "fail-on", "exit 4 after printing and storing when a row is a violation, forecast or unknown; repeatable")
	fs.StringVar(&rf.html, "html", "", "also write the run's HTML dashboard to this file (serve: after every scan, and serves it at /report)")
	return rf
}

// options turns the flags into the run's options, naming the first bad
// flag and its value.
func (rf *runFlags) options(defaultStore string, stdout io.Writer, stderr io.Writer) (monitor.Options, error) {
	rf.cfg.Lookback = time.Duration(rf.lookback)
	rf.cfg.Threshold, rf.cfg.Margin = float64(rf.threshold), float64(rf.margin)
	for _, v := range rf.thresholds {
		t, err := quota.ParseThreshold(v)
		if err != nil {
			return monitor.Options{}, usagef("threshold-for: %v", err)
		}
		rf.cfg.ThresholdRules = append(rf.cfg.ThresholdRules, t)
	}
	if err := awsapi.CheckShare(float64(rf.share)); err != nil {
		return monitor.Options{}, usagef("rate-share: %v", err)
	}
	if rf.table != nil {
		if err := rf.table.check(rf.output); err != nil {
			return monitor.Options{}, err
		}
	}
	if rf.shareMax == awsapi.DefaultShareMax && rf.share > rf.shareMax {
		// A base share above the default maximum is its own maximum.
		rf.shareMax = rf.share
	}
	if !quota.InRange(float64(rf.shareMax), float64(rf.share), 1) {
		return monitor.Options{}, usagef("rate-share-max: %v is outside %v (rate-share) to 1", rf.shareMax, rf.share)
	}
	o := monitor.Options{Engine: rf.cfg, Accounts: rf.accounts}
	stores := rf.stores
	if len(stores) == 0 {
		stores = []string{defaultStore}
	}
	rf.storeSpecs, rf.notifySpecs = nil, nil
	for _, s := range splitAll(stores) {
		if s != "none" {
			rf.storeSpecs = append(rf.storeSpecs, s)
		}
	}
	rf.storeOpts = store.Options{Retention: time.Duration(rf.retention), KMSKeyID: rf.kmsKey}
	notify := splitAll(rf.notify)
	if len(notify) == 0 && rf.output == "table" {
		notify = []string{"stdout"}
	}
	for _, n := range notify {
		spec, err := alert.ParseSpec(n)
		if err != nil {
			return o, usagef("notify: %v", err)
		}
		rf.notifySpecs = append(rf.notifySpecs, spec)
	}
	o.Alert = alert.DefaultConfig()
	o.Alert.RemindAfter, o.Alert.Hysteresis = time.Duration(rf.remindAfter), float64(rf.hysteresis)
	o.Alert.Horizon = time.Duration(rf.horizon)
	o.Alert.AlertSingletons = rf.singletons
	for _, m := range rf.mutes {
		ms, err := alert.ParseMutes(m)
		if err != nil {
			return o, usagef("mute: %v", err)
		}
		o.Alert.Mutes = append(o.Alert.Mutes, ms...)
	}
	if err := o.Validate(); err != nil {
		return o, usageError{err}
	}
	for _, spec := range rf.storeSpecs {
		if _, err := store.ParseSpec(spec); err != nil {
			return o, usageError{err}
		}
	}
	if err := rf.storeOpts.Validate(); err != nil {
		return o, usageError{err}
	}
	if !rf.quiet {
		start := time.Now()
		o.Progress = func(format string, args ...any) {
			fmt.Fprintf(stderr, "[%5.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
		}
		if len(rf.notifySpecs) > 0 && len(rf.storeSpecs) == 0 {
			fmt.Fprintln(stderr, alert.NoStoreWarning)
		}
	}
	return o, nil
}

// openStores opens the run's stores into r: those that open are written
// even when another does not, which each run then reports as a store
// error (monitor.Runner.StoreErr). The returned function closes them.
func (rf *runFlags) openStores(ctx context.Context, r *monitor.Runner) (closeStores func()) {
	if len(rf.storeSpecs) == 0 {
		return func() {}
	}
	r.Stores, r.StoreErr = store.OpenAll(ctx, rf.storeSpecs, r.Factory, rf.storeOpts)
	return func() {
		if r.Stores != nil {
			r.Stores.Close()
		}
	}
}

func splitAll(values []string) []string {
	var out []string
	for _, v := range values {
		var l listFlag
		if err := l.Set(v); err == nil {
			out = append(out, l...)
		}
	}
	return out
}

// scanFlags are the flags of a scan of a real account: the run's flags,
// and which Regions to scan with which credentials. scan and serve share
// them.
type scanFlags struct {
	*runFlags
	regions  listFlag
	profile  string
	accounts *accountFlags
}

func addScanFlags(fs *flag.FlagSet) *scanFlags {
	sf := &scanFlags{runFlags: addRunFlags(fs, "local")}
	fs.Var(&sf.regions, "regions", "comma-separated Regions to scan (default: the SDK's configured Region)")
	fs.StringVar(&sf.profile, "profile", "", "shared-config profile (default: the standard credential chain)")
	sf.accounts = addAccountFlags(fs)
	return sf
}

// prepare checks the flags, builds the run's options and the client
// factory, and makes sure there are credentials to call AWS with.
func (sf *scanFlags) prepare(ctx context.Context, stdout, stderr io.Writer) (monitor.Options, *awsapi.Factory, error) {
	sf.cfg.Regions = sf.regions
	var err error
	if sf.runFlags.accounts, err = sf.accounts.options(); err != nil {
		return monitor.Options{}, nil, err
	}
	limitMemory(sf.runFlags.accounts)
	opts, err := sf.options("local", stdout, stderr)
	if err != nil {
		return opts, nil, err
	}
	f, err := awsapi.NewFactory(ctx, awsapi.Options{Profile: sf.profile, Share: float64(sf.share), ShareMax: float64(sf.shareMax)})
	if err != nil {
		return opts, nil, err
	}
	return opts, f, f.CheckCredentials(ctx)
}

func cmdScan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("scan", stdout)
	sf := addScanFlags(fs)
	sf.table = addTableFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, f, err := sf.prepare(ctx, stdout, stderr)
	if err != nil {
		return err
	}
	return runAndPrint(ctx, f, opts, sf.runFlags, stdout, stderr)
}

// runAndPrint runs the monitor and prints the report. A report that was
// produced is printed even when the run also reports an error.
func runAndPrint(ctx context.Context, f *awsapi.Factory, opts monitor.Options, rf *runFlags, stdout, stderr io.Writer) error {
	r := &monitor.Runner{Factory: f, Catalog: catalog.Default(), Options: opts}
	// Alert text on stdout follows the report, so collect it first. With
	// --output json stdout carries the JSON document alone: the stdout
	// channel then writes to stderr.
	var alerts bytes.Buffer
	var err error
	if r.Channels, err = monitor.Channels(f, rf.notifySpecs, &alerts); err != nil {
		return err
	}
	closeStores := rf.openStores(ctx, r)
	defer closeStores()
	ctx, cancel := withRunTimeout(ctx, time.Duration(rf.timeout))
	defer cancel()
	var page *pageFile
	if rf.html != "" {
		page = &pageFile{path: rf.html}
		r.Options.HTML = page
	}
	rep, sum, runErr := r.Run(ctx)
	if rep == nil {
		if err := timedOut(ctx, time.Duration(rf.timeout)); err != nil {
			return err
		}
		if runErr != nil && !errors.Is(runErr, engine.ErrIncomplete) {
			return usageError{runErr}
		}
		return runErr
	}
	if !rf.quiet {
		fmt.Fprintln(stderr, doneLine(sum))
	}
	if page != nil && page.size > 0 && !rf.quiet {
		fmt.Fprintf(stderr, "dashboard written to %s (%d KB)\n", page.path, (page.size+1023)/1024)
	}
	if rf.verbose {
		printPace(stderr, f.Pacer().Stats())
	}
	if rf.output == "json" {
		if err := report.JSON(stdout, rep); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		if alerts.Len() > 0 {
			// stdout holds the JSON document alone: jq and json.load
			// read it; the stdout channel's text goes to stderr.
			fmt.Fprintf(stderr, "\nALERTS\n\n%s", alerts.String())
		}
		return finish(ctx, rf, runErr, rep, opts)
	}
	to := report.Options{All: int(rf.table.all), Near: rf.cfg.Margin, Filter: rf.table.filter,
		Horizon: opts.Alert.Horizon, AlertSingletons: opts.Alert.AlertSingletons}
	filterErr := to.Filter.Check(rep)
	if filterErr != nil {
		// The run is kept: the summary is printed, and the error names
		// the instances the filter could have named.
		to.Filter = report.Filter{}
	}
	// The stdout channel's messages are printed in full after the full
	// listing, or when asked for by name; the summary lists them.
	fullText := (to.All > 0 && to.Filter.Empty()) || stdoutNamed(rf.notify)
	if len(rf.notifySpecs) > 0 {
		to.Alerts = alertsOf(rf.notifySpecs, sum.Alerts, rep)
		if alerts.Len() > 0 {
			to.Alerts.FullText = "--all"
			if fullText {
				to.Alerts.FullText = "below"
			}
		}
	}
	if err := report.Table(stdout, rep, to); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if alerts.Len() > 0 && fullText {
		fmt.Fprintf(stdout, "\nALERTS\n\n%s", alerts.String())
	}
	if filterErr != nil {
		return usageError{filterErr}
	}
	return finish(ctx, rf, runErr, rep, opts)
}

// finish is the error a run that printed its report ends with.
func finish(ctx context.Context, rf *runFlags, runErr error, rep *quota.Report, opts monitor.Options) error {
	if err := timedOut(ctx, time.Duration(rf.timeout)); err != nil {
		return err
	}
	if errors.Is(runErr, monitor.ErrDelivery) {
		return deliveryError{runErr}
	}
	if runErr != nil {
		return runErr
	}
	return rf.failOn.check(rep, opts.Alert)
}

// doneLine is the last progress line, in words: "stored in local:x.db,
// dynamodb:t; alerts sent: 2 alert, 1 recovery".
func doneLine(sum monitor.Summary) string {
	stored := "not stored"
	if len(sum.SinksWritten) > 0 {
		stored = "stored in " + strings.Join(sum.SinksWritten, ", ")
	}
	var sent []string
	for _, k := range []alert.Kind{alert.KindAlert, alert.KindForecast, alert.KindReminder, alert.KindRecovery} {
		if n := sum.AlertsSent[string(k)]; n > 0 {
			sent = append(sent, fmt.Sprintf("%d %s", n, k))
		}
	}
	alerts := "no alert sent"
	if len(sent) > 0 {
		alerts = "alerts sent: " + strings.Join(sent, ", ")
	}
	return fmt.Sprintf("[done] %s, %s, %s, %d unknown; %s, %d throttled; %s; %s",
		count(sum.Instances, "instance"), count(sum.Quotas, "quota"), count(sum.Violations, "violation"), sum.Unknown,
		count(sum.APICalls, "AWS call"), sum.Throttled, stored, alerts)
}

// count writes n and word, in the plural unless n is 1.
func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// deliveryError marks a run that completed but could not store its
// history or deliver its alerts; it exits with exitDelivery.
type deliveryError struct{ err error }

func (d deliveryError) Error() string { return d.err.Error() }

func cmdCatalog(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("catalog", stdout)
	output := "table"
	fs.Func("output", "format: table, json or markdown (docs/coverage.md)", func(v string) error {
		switch v {
		case "table", "json", "markdown":
			output = v
			return nil
		}
		return fmt.Errorf("%q is not one of table, json, markdown", v)
	})
	measured := fs.Bool("measured", false, "only the quotas cqmon measures")
	coverage := fs.Bool("coverage", false, "per service: how many quotas are measured, and why the others are not")
	if err := parse(fs, args); err != nil {
		return err
	}
	c := catalog.Default()
	if *coverage {
		cov := quota.CoverageOf(c.All())
		if output == "json" {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(cov)
		}
		return report.CoverageTable(stdout, cov)
	}
	defs := c.All()
	if *measured {
		defs = c.Measured()
	}
	switch output {
	case "json":
		return report.CatalogJSON(stdout, defs)
	case "markdown":
		return report.CatalogMarkdown(stdout, defs)
	}
	return report.CatalogTable(stdout, defs)
}

// printPace lists each operation's calls and the rate it was paced at.
func printPace(w io.Writer, stats []awsapi.OpStats) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "service\toperation\tcalls\tthrottled\tpaced at\tshare\t")
	for _, s := range stats {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.2f/s\t%.2f\t\n", s.Service, s.Operation, s.Calls, s.Throttled, s.Rate, s.Share)
	}
	tw.Flush()
}
