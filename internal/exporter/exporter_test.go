package exporter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
)

func num(f float64) *float64 { return &f }
func str(s string) *string   { return &s }

var finished = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// sample is a scan of one instance and the account, with known and
// unknown quotas.
func sample(users float64) Snapshot {
	return Snapshot{Duration: 12500 * time.Millisecond, Finished: finished, Report: &quota.Report{
		AccountID: "123456789012", Threshold: 80,
		Instances: []quota.InstanceReport{{
			InstanceID: "11111111-2222-3333-4444-555555555555", InstanceAlias: "support", Region: "us-east-1", InstanceStatus: "ACTIVE",
			Metrics: []quota.Result{
				{ServiceCode: "connect", QuotaCode: str("L-9A46857E"), QuotaName: "Users per instance", Key: "connect.users",
					Usage: num(users), Limit: num(500), LimitSource: quota.LimitInstance, Utilization: num(users / 5), Status: quota.StatusViolation,
					Threshold: 70, Forecast: &quota.Forecast{DaysToLimit: 9.5, DaysLow: 7.5, DaysHigh: 12, SlopePerDay: 4.2, Points: 20, Method: quota.ForecastMethod}},
				{ServiceCode: "connect", QuotaCode: str("L-19A87C94"), QuotaName: "Queues per instance", Key: "connect.queues",
					Status: quota.StatusUnknown, Reason: "usage: access denied: connect:ListQueues (AccessDeniedException)", Threshold: 80},
				{ServiceCode: "connect", QuotaName: "Additional email addresses per queue", Key: "connect.queue_email_addresses",
					Usage: num(3), Status: quota.StatusUnknown, Reason: "limit: no limit: AWS documents none", Threshold: 80},
				{ServiceCode: "connect", QuotaCode: str("L-C7548958"), QuotaName: "Amazon Pinpoint application integration associations per instance", Key: "connect.pinpoint",
					Usage: num(1), Limit: num(1), LimitSource: quota.LimitAccount, Utilization: num(100), Status: quota.StatusViolation, Threshold: 80, Singleton: true},
			},
		}},
		Account: quota.AccountReport{Metrics: []quota.Result{
			{ServiceCode: "connect", QuotaCode: str("L-AA17A6B9"), QuotaName: "Amazon Connect instance count", Key: "connect.instances",
				Region: "us-east-1", Usage: num(4), Limit: num(100), LimitSource: quota.LimitAccount, Utilization: num(4), Status: quota.StatusOK},
		}},
	}}
}

var ops = []OpCount{
	{Service: "Connect", Operation: "ListUsers", Calls: 3},
	{Service: "Service Quotas", Operation: "ListServiceQuotas", Calls: 4, Throttled: 1},
}

// exposition renders what the collector alone exposes.
func exposition(t *testing.T, c *Collector) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range fams {
		if err := enc.Encode(f); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

// What a scrape after one completed scan exposes: golden. Unknown values
// are absent; the unknown marker names the class of the reason.
func TestCollectorExposition(t *testing.T) {
	c := NewCollector()
	c.Completed(sample(460), ops)
	golden.Check(t, "metrics.txt", []byte(exposition(t, c)))
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
}

// Each quota carries its own threshold (a report without one, from
// before per-quota thresholds, the run's), and only a quota with a
// forecast has a time to its limit.
func TestPerQuotaThresholdAndForecast(t *testing.T) {
	c := NewCollector()
	c.Completed(sample(460), ops)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	got, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]map[string]float64{}
	for _, f := range got {
		for _, m := range f.GetMetric() {
			name := ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "quota_name" {
					name = l.GetValue()
				}
			}
			if values[f.GetName()] == nil {
				values[f.GetName()] = map[string]float64{}
			}
			values[f.GetName()][name] = m.GetGauge().GetValue()
		}
	}
	wantThreshold := map[string]float64{
		"Users per instance": 0.7, "Queues per instance": 0.8, "Additional email addresses per queue": 0.8,
		"Amazon Pinpoint application integration associations per instance": 0.8, "Amazon Connect instance count": 0.8,
	}
	if diff := cmp.Diff(wantThreshold, values["cqmon_quota_threshold_ratio"]); diff != "" {
		t.Errorf("cqmon_quota_threshold_ratio (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]float64{"Users per instance": 9.5 * 86400}, values["cqmon_quota_time_to_limit_seconds"]); diff != "" {
		t.Errorf("cqmon_quota_time_to_limit_seconds (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]float64{"Amazon Pinpoint application integration associations per instance": 1}, values["cqmon_quota_singleton"]); diff != "" {
		t.Errorf("cqmon_quota_singleton (-want +got):\n%s", diff)
	}
}

// A failed scan keeps the last good values and raises the error counter.
func TestFailedScanKeepsTheLastValues(t *testing.T) {
	c := NewCollector()
	c.Completed(sample(460), ops)
	before := exposition(t, c)
	more := append([]OpCount(nil), ops...)
	more[0].Calls = 9
	c.Failed(more)
	after := exposition(t, c)
	want := strings.Replace(before, "cqmon_scan_errors_total 0", "cqmon_scan_errors_total 1", 1)
	want = strings.Replace(want, `operation="ListUsers",service="Connect"} 3`, `operation="ListUsers",service="Connect"} 9`, 1)
	if after != want {
		t.Errorf("after a failed scan:\n%s\nwant:\n%s", after, want)
	}
	if got := c.LastSuccess(); !got.Equal(finished) {
		t.Errorf("LastSuccess = %v, want %v", got, finished)
	}
}

func TestReasonKind(t *testing.T) {
	for reason, want := range map[string]string{
		"usage: access denied: connect:ListRules (AccessDeniedException)": "usage: access denied",
		"usage: not measured, to save calls: no limit":                    "usage: not measured",
		"limit: no limit: Service Quotas does not list L-DFA239E1":        "limit: no limit",
		"usage: not in region: voiceid:ListDomains":                       "usage: not in region",
		"something else": "other",
	} {
		if got := ReasonKind(reason); got != want {
			t.Errorf("ReasonKind(%q) = %q, want %q", reason, got, want)
		}
	}
}

func newServer(t *testing.T, s Server) *Server {
	t.Helper()
	if s.Interval == 0 {
		s.Interval = 15 * time.Minute
	}
	srv, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

// A scrape while a scan is in progress answers at once, with the last
// completed scan, and makes no scan of its own.
func TestScrapeDuringScan(t *testing.T) {
	var scans atomic.Int32
	release := make(chan struct{})
	srv := newServer(t, Server{Scan: func(ctx context.Context) (Snapshot, error) {
		if scans.Add(1) == 1 {
			return sample(460), nil
		}
		<-release
		return sample(480), nil
	}})
	if err := srv.ScanOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = srv.ScanOnce(context.Background()); close(done) }()
	for scans.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	code, body := get(t, srv.Handler(), "/metrics")
	if code != http.StatusOK || !strings.Contains(body, `quota_code="L-9A46857E",quota_name="Users per instance",region="us-east-1",service="connect"} 460`) {
		t.Errorf("scrape during a scan = %d, want the first scan's users (460):\n%s", code, body)
	}
	close(release)
	<-done
	if _, body := get(t, srv.Handler(), "/metrics"); !strings.Contains(body, `} 480`) {
		t.Errorf("scrape after the second scan lacks its value 480")
	}
	if n := scans.Load(); n != 2 {
		t.Errorf("%d scans, want 2 (scrapes never scan)", n)
	}
}

// /metrics parses as the Prometheus text format and holds the runtime's
// metrics beside cqmon's.
func TestMetricsEndpointParses(t *testing.T) {
	srv := newServer(t, Server{Scan: func(context.Context) (Snapshot, error) { return sample(460), nil }, Ops: func() []OpCount { return ops }})
	if err := srv.ScanOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, srv.Handler(), "/metrics")
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cqmon_quota_utilization_ratio", "cqmon_api_calls_total", "go_goroutines"} {
		if fams[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	var got []string
	for _, m := range fams["cqmon_quota_utilization_ratio"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "instance_alias" {
				got = append(got, fmt.Sprintf("%s=%v", l.GetValue(), m.GetGauge().GetValue()))
			}
		}
	}
	if want := "=0.04 support=1 support=0.92"; strings.Join(got, " ") != want {
		t.Errorf("utilization ratios %q, want %q", got, want)
	}
}

func TestHealthz(t *testing.T) {
	now := finished
	fail := false
	srv := newServer(t, Server{
		Scan: func(context.Context) (Snapshot, error) {
			if fail {
				return Snapshot{}, errors.New("no Region could be scanned")
			}
			return sample(460), nil
		},
		Now: func() time.Time { return now },
	})
	if code, body := get(t, srv.Handler(), "/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "no scan has completed yet") {
		t.Errorf("before a scan: %d %q", code, body)
	}
	_ = srv.ScanOnce(context.Background())
	now = finished.Add(30 * time.Minute)
	if code, _ := get(t, srv.Handler(), "/healthz"); code != http.StatusOK {
		t.Errorf("two intervals after a scan: %d, want 200", code)
	}
	fail = true
	if err := srv.ScanOnce(context.Background()); err == nil {
		t.Error("a failed scan returned no error")
	}
	now = finished.Add(30*time.Minute + time.Second)
	if code, body := get(t, srv.Handler(), "/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "more than two intervals (30m)") {
		t.Errorf("past two intervals: %d %q", code, body)
	}
}

func TestIndexLinksTheReport(t *testing.T) {
	dir := t.TempDir()
	html := filepath.Join(dir, "report.html")
	srv := newServer(t, Server{Scan: func(context.Context) (Snapshot, error) { return sample(460), nil }, HTML: html})
	_, body := get(t, srv.Handler(), "/")
	if strings.Contains(body, `href="report"`) || !strings.Contains(body, "no scan has completed yet") {
		t.Errorf("index without a report file links one, or claims a scan:\n%s", body)
	}
	golden.Check(t, "index-before.html", []byte(body))
	if err := os.WriteFile(html, []byte("<p>report</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = srv.ScanOnce(context.Background())
	_, body = get(t, srv.Handler(), "/")
	if !strings.Contains(body, `href="report"`) || !strings.Contains(body, "2026-11-30 12:00:00 UTC") || !strings.Contains(body, "every 15m") {
		t.Errorf("index:\n%s", body)
	}
	golden.Check(t, "index.html", []byte(body))
	if code, body := get(t, srv.Handler(), "/report"); code != http.StatusOK || body != "<p>report</p>" {
		t.Errorf("/report = %d %q", code, body)
	}
	if code, _ := get(t, srv.Handler(), "/nothing"); code != http.StatusNotFound {
		t.Errorf("/nothing = %d, want 404", code)
	}
}

// Stopping cancels a scan in progress and returns.
func TestRunStopsDuringAScan(t *testing.T) {
	started := make(chan struct{})
	var scanErr error
	srv := newServer(t, Server{Scan: func(ctx context.Context) (Snapshot, error) {
		close(started)
		<-ctx.Done()
		scanErr = ctx.Err()
		return Snapshot{}, ctx.Err()
	}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error)
	go func() { ran <- srv.Run(ctx, ln) }()
	<-started
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("healthz during the first scan = %d, want 503", resp.StatusCode)
	}
	cancel()
	if err := <-ran; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if !errors.Is(scanErr, context.Canceled) {
		t.Errorf("the scan in progress saw %v, want it cancelled", scanErr)
	}
}

// A listener that fails ends Run, and the scans with it.
func TestRunEndsWhenServingFails(t *testing.T) {
	scans := make(chan struct{}, 10)
	srv := newServer(t, Server{Scan: func(ctx context.Context) (Snapshot, error) {
		scans <- struct{}{}
		return sample(460), nil
	}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	if err := srv.Run(context.Background(), ln); err == nil {
		t.Error("Run on a closed listener returned no error")
	}
}

// A scan cancelled by a stop is not a failed scan.
func TestStopIsNotAFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv := newServer(t, Server{Scan: func(ctx context.Context) (Snapshot, error) {
		cancel()
		return Snapshot{}, ctx.Err()
	}})
	_ = srv.ScanOnce(ctx)
	if body := exposition(t, srv.collector); !strings.Contains(body, "cqmon_scan_errors_total 0") {
		t.Errorf("a cancelled scan was counted as failed:\n%s", body)
	}
}

// A run of several accounts labels each quota with its own account: two
// accounts' account-level quotas of one Region are two series, and a
// member account's instance is not labelled with the caller's account.
func TestSeveralAccounts(t *testing.T) {
	instanceCount := func(account string, usage float64) quota.Result {
		return quota.Result{ServiceCode: "connect", QuotaCode: str("L-AA17A6B9"), QuotaName: "Amazon Connect instance count", Key: "connect.instances",
			Region: "us-east-1", AccountID: account, Usage: num(usage), Limit: num(100), LimitSource: quota.LimitAccount, Utilization: num(usage), Status: quota.StatusOK}
	}
	c := NewCollector()
	c.Completed(Snapshot{Finished: finished, Report: &quota.Report{
		AccountID: "111111111111", Threshold: 80,
		Instances: []quota.InstanceReport{{
			AccountID: "222222222222", InstanceID: "i-member", InstanceAlias: "member", Region: "us-east-1", InstanceStatus: "ACTIVE",
			Metrics: []quota.Result{{ServiceCode: "connect", QuotaCode: str("L-9A46857E"), QuotaName: "Users per instance", Key: "connect.users",
				Usage: num(10), Limit: num(500), LimitSource: quota.LimitAccount, Utilization: num(2), Status: quota.StatusOK}},
		}},
		Account: quota.AccountReport{Metrics: []quota.Result{instanceCount("111111111111", 4), instanceCount("222222222222", 7)}},
	}}, nil)
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != "cqmon_quota_usage" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			got[labels["account"]+" "+labels["quota_code"]] = m.GetGauge().GetValue()
		}
	}
	want := map[string]float64{"111111111111 L-AA17A6B9": 4, "222222222222 L-AA17A6B9": 7, "222222222222 L-9A46857E": 10}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cqmon_quota_usage by account and code (-want +got):\n%s", diff)
	}
}
