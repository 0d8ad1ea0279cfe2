package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/exporter"
	"github.com/cqmon/cqmon/internal/monitor"
	"github.com/cqmon/cqmon/internal/quota"
)

// Bounds of --interval: each scan spends the account's API budget, and a
// scan of a large account takes minutes.
const (
	minServeInterval     = time.Minute
	defaultServeInterval = 15 * time.Minute
)

// cmdServe scans on its own schedule, with scan's flags, and serves the
// last completed scan to Prometheus until interrupted.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stdout)
	sf := addScanFlags(fs)
	listen := fs.String("listen", "127.0.0.1:9752", "address to serve /metrics, /healthz and / on")
	interval := durationFlag(defaultServeInterval)
	fs.Var(&interval, "interval", "time between the starts of two scans (at least 1m)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if len(sf.failOn) > 0 {
		return usagef("fail-on: serve keeps running and never exits on a row; use --fail-on with scan or demo")
	}
	if time.Duration(interval) < minServeInterval {
		return usagef("interval: %s is shorter than %s", interval.String(), quota.FormatDuration(minServeInterval))
	}
	opts, f, err := sf.prepare(ctx, stdout, stderr)
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if sf.quiet {
		level = slog.LevelWarn
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	opts.Log = log
	if sf.html != "" {
		opts.HTML = &pageFile{path: sf.html}
	}
	runner := &monitor.Runner{Factory: f, Catalog: catalog.Default(), Options: opts}
	if runner.Channels, err = monitor.Channels(f, sf.notifySpecs, stdout); err != nil {
		return err
	}
	srv, err := exporter.New(exporter.Server{
		Scan:     scanner(runner, sf.runFlags),
		Ops:      func() []exporter.OpCount { return opCounts(f.Pacer()) },
		Interval: time.Duration(interval),
		HTML:     sf.html,
		Log:      log,
	})
	if err != nil {
		return usageError{err}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return usagef("listen: %v", err)
	}
	fmt.Fprintf(stderr, "cqmon serve: listening on http://%s (scans every %s)\n", ln.Addr(), interval.String())
	return srv.Run(ctx, ln)
}

// scanner turns one monitoring run into the exporter's snapshot. A run
// that scanned no Region failed; one whose history or alerts were not
// delivered still measured everything, and its values are served. The
// stores are opened for each scan, so that between scans the local file
// is free for cqmon history.
func scanner(runner *monitor.Runner, rf *runFlags) func(context.Context) (exporter.Snapshot, error) {
	return func(ctx context.Context) (exporter.Snapshot, error) {
		start := time.Now()
		r := *runner
		closeStores := rf.openStores(ctx, &r)
		defer closeStores()
		rep, sum, err := r.Run(ctx)
		if rep == nil || (err != nil && !errors.Is(err, monitor.ErrDelivery)) {
			if err == nil {
				err = errors.New("the scan produced no report")
			}
			return exporter.Snapshot{}, err
		}
		if err != nil && r.Options.Log != nil {
			r.Options.Log.Error("scan completed, but storing or alerting failed", "errors", sum.Errors)
		}
		return exporter.Snapshot{Report: rep, Duration: time.Since(start), Finished: time.Now()}, nil
	}
}

// opCounts are the pacer's per-operation counts, which grow for the life
// of the process.
func opCounts(p *awsapi.Pacer) []exporter.OpCount {
	var out []exporter.OpCount
	for _, s := range p.Stats() {
		out = append(out, exporter.OpCount{Service: s.Service, Operation: s.Operation, Calls: s.Calls, Throttled: s.Throttled})
	}
	return out
}
