package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

// screenshotEnv, set to 1, makes TestReportDashboardInBrowser rewrite the
// README's screenshot, docs/dashboard.png.
const screenshotEnv = "CQMON_DOCS_SCREENSHOT"

// maxDemoPage is the most the demo account's dashboard may weigh.
const maxDemoPage = 1 << 20

// chromium finds Debian's chromium. Outside CI a machine without it skips
// the browser tests; in CI (CI set) a missing browser fails them, since
// .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "" {
		t.Skip("chromium is not installed (apt-get install chromium): the dashboard's browser test is skipped; in CI it fails")
	}
	t.Fatal("chromium is not installed, and CI is set: .ci/run installs it (apt-get install chromium)")
	return ""
}

// browserPage is a dashboard open in headless Chromium, with what the page
// wrote to its console and every request it made.
type browserPage struct {
	ctx      context.Context
	url      string
	mu       sync.Mutex
	console  []string
	requests []string
}

func openPage(t *testing.T, file string) *browserPage {
	t.Helper()
	exe := chromium(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1360, 1100),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	p := &browserPage{ctx: ctx, url: (&url.URL{Scheme: "file", Path: abs}).String()}
	if err := chromedp.Listen(ctx, p.observe); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	for _, enable := range []func() error{
		func() error { _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); return err },
		func() error { _, err := chromedp.Call(ctx, log.Enable, struct{}{}); return err },
		func() error { _, err := chromedp.Call(ctx, runtime.Enable, struct{}{}); return err },
	} {
		if err := enable(); err != nil {
			t.Fatalf("enable DevTools domain: %v", err)
		}
	}
	p.do(t, chromedp.EmulateViewport(1360, 1100), chromedp.Navigate(p.url), chromedp.WaitVisible(chromedp.CSS("#q")))
	return p
}

// observe runs on chromedp's reading goroutine: it only records.
func (p *browserPage) observe(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			p.console = append(p.console, fmt.Sprintf("console.%s: %d argument(s)", ev.Type, len(ev.Args)))
		}
	case *runtime.EventExceptionThrown:
		p.console = append(p.console, "exception: "+ev.ExceptionDetails.Text+" "+exceptionText(ev.ExceptionDetails))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			p.console = append(p.console, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, ev.Request.URL)
	}
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

func (p *browserPage) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("chromium: %v", err)
	}
}

func eval[T any](t *testing.T, p *browserPage, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return v
}

// checkSelfContained fails on any console error and on any request other
// than the page's own file.
func (p *browserPage) checkSelfContained(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.console {
		t.Errorf("console error: %s", c)
	}
	if len(p.requests) == 0 {
		t.Errorf("no request seen at all: is the Network domain observed?")
	}
	for _, r := range p.requests {
		if r != p.url {
			t.Errorf("the page requested %s", r)
		}
	}
}

// shownRow is a quota row as the browser lays it out.
type shownRow struct {
	Status string `json:"status"`
	Group  string `json:"group"`
	Text   string `json:"text"`
}

// rows lists the quota rows the browser shows (laid out, not hidden), with
// the data-name of their instance or Region, or "needs-action".
func (p *browserPage) rows(t *testing.T) []shownRow {
	t.Helper()
	return eval(t, p, chromedp.Evaluate[[]shownRow](`Array.from(document.querySelectorAll("tr[data-status]"))
		.filter(r => r.getClientRects().length > 0)
		.map(r => ({status: r.dataset.status,
			group: r.closest("#needs-action") ? "needs-action" : (r.closest("[data-name]") || {dataset: {name: ""}}).dataset.name,
			text: r.innerText.replace(/\s+/g, " ")}))`))
}

// checkShows fails unless every instance of rep is named on the page and
// every violation is shown, in its instance's or Region's table and in
// the needs-action table.
func (p *browserPage) checkShows(t *testing.T, rep *quota.Report) {
	t.Helper()
	text := eval(t, p, chromedp.Evaluate[string](`document.body.innerText`))
	rows := p.rows(t)
	shown := func(group, name string) bool {
		for _, r := range rows {
			if r.Status == "violation" && strings.HasPrefix(r.Group, group) && strings.Contains(r.Text, name) {
				return true
			}
		}
		return false
	}
	inAction := func(where, name string) bool {
		for _, r := range rows {
			if r.Group == "needs-action" && strings.Contains(r.Text, name) && strings.Contains(r.Text, where) {
				return true
			}
		}
		return false
	}
	violations := 0
	for _, in := range rep.Instances {
		for _, want := range []string{in.InstanceAlias, in.InstanceID} {
			if !strings.Contains(text, want) {
				t.Errorf("instance %s: the page does not show %q", in.InstanceID, want)
			}
		}
		for _, r := range in.Metrics {
			if r.Status != quota.StatusViolation {
				continue
			}
			violations++
			if !shown(in.InstanceAlias+" "+in.InstanceID, r.QuotaName) {
				t.Errorf("violation %q of %s is not shown in the instance's table", r.QuotaName, in.InstanceAlias)
			}
			// A singleton (by design) is listed, but never needs action.
			if inAction(in.InstanceAlias, r.QuotaName) == r.Singleton {
				t.Errorf("violation %q of %s (singleton %v): under Needs action %v", r.QuotaName, in.InstanceAlias, r.Singleton, r.Singleton)
			}
		}
	}
	for _, r := range rep.Account.Metrics {
		if r.Status != quota.StatusViolation {
			continue
		}
		violations++
		if !shown("account "+r.Region, r.QuotaName) {
			t.Errorf("account violation %q in %s is not shown in the Region's table", r.QuotaName, r.Region)
		}
		if inAction(r.Region, r.QuotaName) == r.Singleton {
			t.Errorf("account violation %q in %s (singleton %v): under Needs action %v", r.QuotaName, r.Region, r.Singleton, r.Singleton)
		}
	}
	if violations == 0 {
		t.Fatal("the run has no violation: the demo account should have some")
	}
	got := 0
	for _, r := range rows {
		if r.Status == "violation" && r.Group != "needs-action" {
			got++
		}
	}
	if got != violations {
		t.Errorf("the page shows %d violation rows, the run has %d violations", got, violations)
	}
}

// checkSearch types into the search box and checks that only matching rows
// stay, clears it with Escape, then checks that the status filter keeps
// one status and that going back to all brings every row back.
func (p *browserPage) checkSearch(t *testing.T) {
	t.Helper()
	before := len(p.rows(t))
	const term = "Users per instance"
	p.do(t, chromedp.SendKeys(chromedp.CSS("#q"), term))
	matched := p.rows(t)
	if len(matched) == 0 || len(matched) >= before {
		t.Fatalf("searching %q shows %d of %d rows", term, len(matched), before)
	}
	for _, r := range matched {
		if !strings.Contains(strings.ToLower(r.Group+" "+r.Text), strings.ToLower(term)) {
			t.Errorf("searching %q still shows %q", term, r.Text)
		}
	}
	p.do(t, chromedp.SendKeys(chromedp.CSS("#q"), kb.Escape), chromedp.Click(chromedp.CSS(`input[name=status][value=violation]`)))
	violations := p.rows(t)
	if len(violations) == 0 {
		t.Fatal("the violation filter shows no row")
	}
	for _, r := range violations {
		if r.Status != "violation" {
			t.Errorf("the violation filter shows a %s row: %q", r.Status, r.Text)
		}
	}
	p.do(t, chromedp.Click(chromedp.CSS(`input[name=status][value=all]`)))
	if after := len(p.rows(t)); after != before {
		t.Errorf("after clearing the filters %d rows are shown, before %d", after, before)
	}
}

// screenshot writes the viewport as a PNG into the test's output folder
// (go test -artifacts keeps it) and returns it.
func (p *browserPage) screenshot(t *testing.T, name string) []byte {
	t.Helper()
	p.do(t, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	png := eval(t, p, chromedp.CaptureScreenshot())
	path := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return png
}

// scaledDemo writes the demo account with every resource count scaled by
// f, and without the simulated latency, as a scenario file.
func scaledDemo(t *testing.T, f float64, path string) string {
	t.Helper()
	sc := sim.DemoScenario()
	sc.Latency = nil
	for i := range sc.Instances {
		for k, v := range sc.Instances[i].Counts {
			sc.Instances[i].Counts[k] = int(math.Max(1, math.Round(float64(v)*f)))
		}
	}
	b, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReportDashboardInBrowser stores a history of several runs of the
// demo account, growing towards today's demo, renders the latest with
// `cqmon report --html`, and opens it in headless Chromium.
func TestReportDashboardInBrowser(t *testing.T) {
	chromium(t)
	t.Parallel()
	dir := t.TempDir()
	spec := "local:" + filepath.Join(dir, "history.db")
	var first, last *quota.Report
	for i, f := range []float64{0.62, 0.7, 0.76, 0.83, 0.9, 1} {
		sc := scaledDemo(t, f, filepath.Join(dir, fmt.Sprintf("scenario-%d.json", i)))
		stdout, stderr, code := cqmon(t, nil, "demo", "--quiet", "--output", "json", "--rate-share", "1", "--store", spec, "--scenario", sc)
		if code != 0 {
			t.Fatalf("demo run %d: exit %d\n%s", i, code, stderr)
		}
		last = decodeReport(t, stdout)
		if first == nil {
			first = last
		}
	}
	page := filepath.Join(dir, "dashboard.html")
	_, stderr, code := cqmon(t, nil, "report", "--html", page, "--store", spec)
	if code != 0 {
		t.Fatalf("report --html: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, last.RunID) {
		t.Errorf("report --html did not render the latest run %s:\n%s", last.RunID, stderr)
	}
	older := filepath.Join(dir, "first.html")
	if _, stderr, code := cqmon(t, nil, "report", "--html", older, "--store", spec, "--run", first.RunID); code != 0 || !strings.Contains(stderr, first.RunID) {
		t.Errorf("report --run %s: exit %d\n%s", first.RunID, code, stderr)
	}
	if _, stderr, code := cqmon(t, nil, "report", "--html", older, "--store", spec, "--run", "nope"); code != 2 || !strings.Contains(stderr, `run: no run "nope"`) {
		t.Errorf("report --run nope: exit %d, want 2\n%s", code, stderr)
	}
	p := openPage(t, page)
	if n := eval(t, p, chromedp.Evaluate[int](`document.querySelectorAll("svg.spark polyline").length`)); n == 0 {
		t.Error("no trend line is drawn from a history of six runs")
	}
	png := p.screenshot(t, "dashboard.png")
	for name, sel := range map[string]string{"instance.png": "section.group", "account.png": "#account", "unknowns.png": "#unknowns"} {
		shot := eval(t, p, chromedp.Screenshot(chromedp.CSS(sel)))
		if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.checkShows(t, last)
	p.checkSearch(t)
	p.checkSelfContained(t)
	if os.Getenv(screenshotEnv) == "1" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "dashboard.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDemoDashboardInBrowser writes the demo's dashboard with `cqmon demo
// --html` and opens it in headless Chromium.
func TestDemoDashboardInBrowser(t *testing.T) {
	chromium(t)
	t.Parallel()
	page := filepath.Join(t.TempDir(), "demo.html")
	stdout, stderr, code := cqmon(t, nil, "demo", "--quiet", "--output", "json", "--html", page)
	if code != 0 {
		t.Fatalf("demo --html: exit %d\n%s", code, stderr)
	}
	rep := decodeReport(t, stdout)
	info, err := os.Stat(page)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo dashboard: %d bytes", info.Size())
	if info.Size() >= maxDemoPage {
		t.Errorf("the demo dashboard weighs %d bytes, more than %d", info.Size(), maxDemoPage)
	}
	p := openPage(t, page)
	p.screenshot(t, "demo.png")
	p.checkShows(t, rep)
	p.checkSelfContained(t)
}
