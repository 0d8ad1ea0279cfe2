package exporter

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cqmon/cqmon/internal/quota"
)

// ShutdownGrace bounds how long a stop waits for scrapes in flight; a
// scan in progress is cancelled at once. Container runtimes send SIGKILL
// 10 s after SIGTERM by default, and the process should be gone in half.
const ShutdownGrace = 4 * time.Second

// Server scans on its own schedule and serves the results.
type Server struct {
	// Scan performs one scan. It returns the snapshot of a completed scan,
	// or an error when the scan did not complete.
	Scan func(ctx context.Context) (Snapshot, error)
	// Ops returns the AWS calls made so far, per operation.
	Ops func() []OpCount
	// Interval is the time between the starts of two scans.
	Interval time.Duration
	// HTML, when set, is an HTML report file that / links to and /report
	// serves.
	HTML string
	Log  *slog.Logger
	// Now replaces the clock (tests).
	Now func() time.Time

	collector *Collector
	registry  *prometheus.Registry
}

// New returns a server whose collector is registered in a registry of its
// own (not the process-wide default), with the Go runtime's and the
// process's collectors beside it.
func New(s Server) (*Server, error) {
	if s.Interval <= 0 {
		return nil, fmt.Errorf("interval: %s is not positive", s.Interval)
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Ops == nil {
		s.Ops = func() []OpCount { return nil }
	}
	s.collector = NewCollector()
	s.registry = prometheus.NewRegistry()
	for _, c := range []prometheus.Collector{s.collector, prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{})} {
		if err := s.registry.Register(c); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// ScanOnce runs one scan and hands its outcome to the collector.
func (s *Server) ScanOnce(ctx context.Context) error {
	snap, err := s.Scan(ctx)
	if err != nil && ctx.Err() != nil {
		// Stopped, not failed.
		return err
	}
	if err != nil {
		s.collector.Failed(s.Ops())
		s.Log.Error("scan failed; serving the last completed scan", "error", err.Error())
		return err
	}
	s.collector.Completed(snap, s.Ops())
	s.Log.Info("scan completed", "duration_seconds", snap.Duration.Seconds())
	return nil
}

// Run serves on ln and scans every Interval, the first time at once,
// until ctx is done; then it cancels a scan in progress, lets scrapes in
// flight finish within ShutdownGrace, and returns.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// The scans stop with ctx, or when serving fails.
	ctx, stopScans := context.WithCancel(ctx)
	defer stopScans()
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		tick := time.NewTicker(s.Interval)
		defer tick.Stop()
		for {
			_ = s.ScanOnce(ctx)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()

	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	stopScans()
	shutdown, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	if serr := srv.Shutdown(shutdown); serr != nil && err == nil {
		err = serr
	}
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	<-scanned
	return err
}

// Handler serves /metrics, /healthz, / and, with an HTML report, /report.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(s.Log.Handler(), slog.LevelError)}))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /{$}", s.index)
	if s.HTML != "" {
		mux.HandleFunc("GET /report", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, s.HTML) })
	}
	return mux
}

// healthz answers 200 once a scan completed within the last two
// intervals, 503 otherwise.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	last := s.collector.LastSuccess()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	switch age := s.Now().Sub(last); {
	case last.IsZero():
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "no scan has completed yet")
	case age > 2*s.Interval:
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "the last completed scan finished %s ago, more than two intervals (%s)\n", age.Round(time.Second), quota.FormatDuration(2*s.Interval))
	default:
		fmt.Fprintf(w, "ok: last completed scan finished %s\n", last.UTC().Format(time.RFC3339))
	}
}

// index is a short page of links.
func (s *Server) index(w http.ResponseWriter, _ *http.Request) {
	link := ""
	if s.HTML != "" {
		if _, err := os.Stat(s.HTML); err == nil {
			link = `<li><a href="report">/report</a>: the latest HTML report</li>`
		}
	}
	last := "no scan has completed yet"
	if t := s.collector.LastSuccess(); !t.IsZero() {
		last = "last completed scan " + t.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Written without html/template: executing a template keeps every
	// method of every interface-converted type in the binary (see package
	// dashboard). The values are a duration and a time the program
	// formats, escaped all the same.
	fmt.Fprintf(w, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cqmon</title></head>
<body>
<h1>cqmon</h1>
<p>Amazon Connect quota monitor: scans every %s; %s.</p>
<ul>
<li><a href="metrics">/metrics</a>: the last completed scan, in the Prometheus text format</li>
<li><a href="healthz">/healthz</a>: 200 once a scan completed within two intervals</li>
%s
</ul>
</body></html>
`, html.EscapeString(quota.FormatDuration(s.Interval)), html.EscapeString(last), link)
}
