package main

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

// simCalls is the simulator's count of every request it was sent.
func simCalls(s *sim.Server) int {
	n := 0
	for _, st := range s.Stats() {
		n += st.Calls
	}
	return n
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// series indexes a family's samples by instance_id and quota_name.
func series(f *dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	for _, m := range f.GetMetric() {
		l := map[string]string{}
		for _, p := range m.GetLabel() {
			l[p.GetName()] = p.GetValue()
		}
		out[l["region"]+"|"+l["instance_id"]+"|"+l["quota_name"]] = m.GetGauge().GetValue()
	}
	return out
}

// cqmon serve against the simulator: /metrics parses with Prometheus's
// text parser and holds, for each violation a scan of the same account
// reports, its usage, limit and utilization; scrapes make no AWS call;
// SIGTERM stops the process cleanly.
func TestServeAgainstTheSimulator(t *testing.T) {
	sc := sim.DemoScenario()
	env, srv := startSim(t, sc, sim.WithoutLatency())
	flags := []string{"--regions", strings.Join(sc.Regions, ","), "--store", "none", "--quiet", "--rate-share", "1"}

	stdout, stderr, code := cqmon(t, env, append([]string{"scan", "--output", "json"}, flags...)...)
	if code != 0 {
		t.Fatalf("scan exit %d\n%s", code, stderr)
	}
	rep := decodeReport(t, stdout)

	page := filepath.Join(t.TempDir(), "dashboard.html")
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0", "--html", page}, flags...)...)
	cmd.Env = append([]string{"HOME=" + t.TempDir()}, env...)
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := false
	t.Cleanup(func() {
		if !exited {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := bufio.NewScanner(errPipe)
	base := ""
	for base == "" && lines.Scan() {
		if _, addr, ok := strings.Cut(lines.Text(), "listening on "); ok {
			base, _, _ = strings.Cut(addr, " ")
		}
	}
	if base == "" {
		t.Fatal("serve printed no listening line")
	}
	go func() { _, _ = io.Copy(io.Discard, errPipe) }()

	// The first scan starts at once; /healthz says when it completed.
	for {
		if code, _ := httpGet(t, base+"/healthz"); code == http.StatusOK {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Each scan rewrites the dashboard, which /report serves.
	if code, body := httpGet(t, base+"/report"); code != http.StatusOK || !strings.Contains(body, "acme-prod") || !strings.Contains(body, rep.Instances[0].InstanceID) {
		t.Errorf("/report: %d, want the scan's dashboard", code)
	}

	before := simCalls(srv)
	if before == 0 {
		t.Fatal("the simulator counted no call for the first scan")
	}
	_, first := httpGet(t, base+"/metrics")
	time.Sleep(time.Second)
	_, second := httpGet(t, base+"/metrics")
	if after := simCalls(srv); after != before {
		t.Errorf("two scrapes made %d AWS calls, want 0", after-before)
	}

	for i, body := range []string{first, second} {
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(strings.NewReader(body))
		if err != nil {
			t.Fatalf("scrape %d does not parse: %v", i+1, err)
		}
		usage, limit := series(fams["cqmon_quota_usage"]), series(fams["cqmon_quota_limit"])
		ratio, unknown := series(fams["cqmon_quota_utilization_ratio"]), series(fams["cqmon_quota_unknown"])
		violations := 0
		check := func(region, id string, r quota.Result) {
			key := region + "|" + id + "|" + r.QuotaName
			if r.Status == quota.StatusUnknown {
				if unknown[key] != 1 {
					t.Errorf("%s: unknown in the scan, cqmon_quota_unknown = %v", key, unknown[key])
				}
				if _, ok := ratio[key]; ok {
					t.Errorf("%s: unknown in the scan, but has a utilization", key)
				}
				return
			}
			if r.Status != quota.StatusViolation {
				return
			}
			violations++
			got := []float64{usage[key], limit[key], ratio[key]}
			want := []float64{*r.Usage, *r.Limit, *r.Utilization / 100}
			for j := range got {
				if got[j] != want[j] {
					t.Errorf("%s: usage, limit, ratio = %v, want %v", key, got, want)
					break
				}
			}
		}
		for _, in := range rep.Instances {
			for _, r := range in.Metrics {
				check(in.Region, in.InstanceID, r)
			}
		}
		for _, r := range rep.Account.Metrics {
			check(r.Region, "", r)
		}
		if violations != rep.Totals().ViolationsCount || violations == 0 {
			t.Errorf("checked %d violations, the scan reports %d", violations, rep.Totals().ViolationsCount)
		}
		if n := len(unknown); n != rep.Totals().UnknownCount {
			t.Errorf("%d unknown series, the scan reports %d unknown quotas", n, rep.Totals().UnknownCount)
		}
		if calls := fams["cqmon_api_calls_total"]; calls == nil || len(calls.GetMetric()) == 0 {
			t.Errorf("no cqmon_api_calls_total series")
		}
	}

	if code, body := httpGet(t, base+"/"); code != http.StatusOK || !strings.Contains(body, `href="metrics"`) {
		t.Errorf("/ = %d\n%s", code, body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	exited = true
	if err != nil {
		t.Errorf("serve after SIGTERM: %v, want exit status 0", err)
	}
}

func TestServeBadInterval(t *testing.T) {
	_, stderr, code := cqmon(t, nil, "serve", "--interval", "30s")
	if code != exitUsage || !strings.Contains(stderr, "cqmon serve: interval: 30s is shorter than 1m") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
