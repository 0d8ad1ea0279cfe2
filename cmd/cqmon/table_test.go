package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim/simtest"
)

var runID = regexp.MustCompile(`\d{8}T\d{6}Z-[0-9a-f]{8}`)

// TestDemoTable checks the promises of the default table on the demo
// account: one screen (at most 60 lines of at most 120 columns), every
// violation of the run listed, worst first, from within the first 15
// lines, and the same text as the golden file apart from the run ID.
func TestDemoTable(t *testing.T) {
	stdout, stderr, code := cqmon(t, nil, "demo", "--quiet")
	if code != 0 {
		t.Fatalf("demo exit %d\n%s", code, stderr)
	}
	golden.Check(t, "demo-table.golden", []byte(runID.ReplaceAllString(stdout, "RUN-ID")))

	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) > 60 {
		t.Errorf("the table has %d lines, want at most 60", len(lines))
	}
	for i, l := range lines {
		if n := utf8.RuneCountInString(l); n > 120 {
			t.Errorf("line %d is %d columns wide, want at most 120:\n%s", i+1, n, l)
		}
	}

	js, _, _ := cqmon(t, nil, "demo", "--quiet", "--output", "json")
	rep := decodeReport(t, js)
	row, start := needsActionRows(lines)
	if start < 0 || start+2 > 15 {
		t.Errorf("the first violation is on line %d, want it within the first 15 lines", start+2)
	}
	checkNeedsAction(t, rep, row, false)
	// The header counts what alerts count, and the singletons apart.
	t0 := rep.Totals()
	if t0.SingletonsCount == 0 {
		t.Fatal("the demo has no singleton")
	}
	head := fmt.Sprintf("%s (+%d by design)", quota.Plural(t0.ViolationsCount-t0.SingletonsCount, "violation"), t0.SingletonsCount)
	if !strings.Contains(lines[1], head) {
		t.Errorf("the counts line %q does not say %q", lines[1], head)
	}

	// With --alert-singletons, singletons are violations like the others,
	// listed last.
	stdout, _, _ = cqmon(t, nil, "demo", "--quiet", "--alert-singletons")
	row, _ = needsActionRows(strings.Split(stdout, "\n"))
	checkNeedsAction(t, rep, row, true)
}

// needsActionRows returns the NEEDS ACTION rows, spaces squeezed, and the
// index of the section's title line (-1 when there is none).
func needsActionRows(lines []string) (rows []string, start int) {
	start = -1
	for i, l := range lines {
		if strings.HasPrefix(l, "NEEDS ACTION") {
			start = i
			continue
		}
		if start < 0 {
			continue
		}
		if l == "" {
			break
		}
		// Rows are indented by two; their detail lines by six.
		if !strings.HasPrefix(l, "      ") {
			rows = append(rows, strings.Join(strings.Fields(l), " "))
		}
	}
	return rows, start
}

// checkNeedsAction checks that rows list every violation of rep, worst
// first; singletons (a limit of 1 and its one item, by design) only when
// they alert, and then last.
func checkNeedsAction(t *testing.T, rep *quota.Report, rows []string, withSingletons bool) {
	t.Helper()
	var want []string
	singletons := 0
	add := func(where string, r quota.Result) {
		if r.Status != quota.StatusViolation || r.Singleton && !withSingletons {
			return
		}
		want = append(want, where+" "+quota.FormatNumber(*r.Usage)+"/"+quota.FormatNumber(*r.Limit))
		if r.Singleton {
			singletons++
		}
	}
	for _, in := range rep.Instances {
		for _, r := range in.Metrics {
			add(in.InstanceAlias, r)
		}
	}
	for _, r := range rep.Account.Metrics {
		add("account "+r.Region, r)
	}
	if len(want) == 0 {
		t.Fatal("the demo has no violation")
	}
	if len(rows) != len(want) {
		t.Errorf("NEEDS ACTION has %d rows, the run %d violations (singletons: %v)", len(rows), len(want), withSingletons)
	}
	// A row starts with the place and holds usage/limit as a word.
	for _, w := range want {
		parts := strings.Fields(w)
		where, figures := strings.Join(parts[:len(parts)-1], " "), parts[len(parts)-1]
		if !slices.ContainsFunc(rows, func(r string) bool {
			return strings.HasPrefix(r, where+" ") && strings.Contains(r, " "+figures+" ")
		}) {
			t.Errorf("no NEEDS ACTION row for %s %s", where, figures)
		}
	}
	worst := math.Inf(1)
	for _, r := range rows[max(len(rows)-singletons, 0):] {
		if !strings.Contains(r, " 1/1 ") {
			t.Errorf("row %q is among the last %d rows, kept for singletons (1/1)", r, singletons)
		}
	}
	for _, r := range rows[:max(len(rows)-singletons, 0)] {
		for _, f := range strings.Fields(r) {
			if u, ok := strings.CutSuffix(f, "%"); ok {
				v, err := strconv.ParseFloat(u, 64)
				if err != nil || v > worst {
					t.Errorf("row %q is not in worst-first order", r)
				}
				worst = v
				break
			}
		}
	}
}

func TestDemoTableAll(t *testing.T) {
	all, _, code := cqmon(t, nil, "demo", "--quiet", "--all")
	if code != 0 {
		t.Fatalf("demo --all exit %d", code)
	}
	for _, want := range []string{"INSTANCE acme-prod", "ACCOUNT 123456789012", "RUN ERRORS", "API request rates at 0%", "Connect Quota Alert - Instance: acme-prod"} {
		if !strings.Contains(all, want) {
			t.Errorf("--all lacks %q", want)
		}
	}
	if strings.Contains(all, "Rate of ListBots API requests") {
		t.Errorf("--all lists idle API request rates")
	}
	twice, _, _ := cqmon(t, nil, "demo", "--quiet", "--all", "--all")
	if !strings.Contains(twice, "Rate of ListBots API requests") || strings.Contains(twice, "API request rates at 0%") {
		t.Errorf("--all --all does not list every idle API request rate")
	}
	if n := strings.Count(all, "\n"); n >= strings.Count(twice, "\n") {
		t.Errorf("--all has %d lines, --all --all not more", n)
	}
}

func TestDemoTableFilters(t *testing.T) {
	tests := []struct {
		args        []string
		want, never []string
	}{
		{[]string{"--instance", "acme-sandbox", "--status", "unknown"},
			[]string{"INSTANCE acme-sandbox", "UNKNOWN  Data tables per instance"}, []string{"INSTANCE acme-prod", "ACCOUNT", "  OK ", "VIOLATION  ", "ALERTS"}},
		{[]string{"--quota", "Rate of List*"},
			[]string{"Rate of ListBots API requests"}, []string{"INSTANCE", "Contact flows"}},
		{[]string{"--status", "violation", "--instance", "account"},
			[]string{"ACCOUNT 123456789012", "Fields per domain"}, []string{"INSTANCE", "  OK ", "UNKNOWN  "}},
		{[]string{"--quota", "L-22922690"},
			[]string{"INSTANCE acme-prod", "INSTANCE acme-eu", "Contact flows per instance"}, []string{"Users per instance", "acme-next"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, stderr, code := cqmon(t, nil, append([]string{"demo", "--quiet"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, n := range tt.never {
				if strings.Contains(out, n) {
					t.Errorf("output has %q:\n%s", n, out)
				}
			}
		})
	}
}

// TestDemoTableStdoutNamed: the stdout channel asked for by name prints
// its messages in full after the summary.
func TestDemoTableStdoutNamed(t *testing.T) {
	out, stderr, code := cqmon(t, nil, "demo", "--quiet", "--notify", "stdout")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	summary, full, ok := strings.Cut(out, "\nALERTS\n\n")
	if !ok || !strings.Contains(summary, "ALERTS: 4 messages to stdout (full text: below)") ||
		!strings.HasPrefix(full, "Connect Quota Alert - Instance: acme-prod (") {
		t.Errorf("the summary does not end with the messages in full:\n%s", out)
	}
}

// TestDemoTableUnknownInstance: a filter naming no instance of the run
// is a usage error that names the instances, and the run's summary is
// still printed.
func TestDemoTableUnknownInstance(t *testing.T) {
	out, stderr, code := cqmon(t, nil, "demo", "--quiet", "--instance", "acme-prd")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	want := `cqmon demo: instance: "acme-prd" is neither the ID nor the alias of an instance of this run (acme-eu, acme-next, acme-prod, acme-sandbox, acme-support, account)` + "\n"
	if stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
	if !strings.Contains(out, "NEEDS ACTION") {
		t.Errorf("the summary was not printed:\n%s", out)
	}
}

// TestREADMEDemoExcerpt keeps the README's excerpt of the demo's report
// true: its lines, but for "…" and the run ID, are lines of the demo's
// table in the same order.
func TestREADMEDemoExcerpt(t *testing.T) {
	excerpt, ok := strings.CutPrefix(readmeSection(t, "demo-excerpt"), "```text\n")
	excerpt, ok2 := strings.CutSuffix(excerpt, "```\n")
	if !ok || !ok2 {
		t.Fatal("the README's demo excerpt is not one text block")
	}
	demo, err := os.ReadFile("testdata/demo-table.golden")
	if err != nil {
		t.Fatal(err)
	}
	table := strings.Split(string(demo), "\n")
	at := 0
	for _, l := range strings.Split(strings.TrimSuffix(excerpt, "\n"), "\n") {
		if strings.TrimSpace(l) == "…" || l == "" {
			continue
		}
		l = runID.ReplaceAllString(l, "RUN-ID")
		k := slices.Index(table[at:], l)
		if k < 0 {
			t.Errorf("README excerpt line is not in the demo's table (after line %d of testdata/demo-table.golden):\n%s", at, l)
			continue
		}
		at += k + 1
	}
}

func TestAlertNews(t *testing.T) {
	items := func(marks ...alert.Mark) []alert.Item {
		var out []alert.Item
		for _, m := range marks {
			out = append(out, alert.Item{Mark: m})
		}
		return out
	}
	tests := []struct {
		name string
		m    alert.Message
		want string
	}{
		{"new", alert.Message{Violations: items(alert.MarkNew, alert.MarkNew)}, "2 violations: 2 new"},
		{"mixed", alert.Message{Violations: items(alert.MarkOngoing, alert.MarkEscalated, alert.MarkNew), Recovered: items(alert.MarkRecovered)},
			"3 violations: 1 new, 1 escalated, 1 ongoing; 1 recovered"},
		{"trimmed", alert.Message{Violations: items(alert.MarkReminder), Omitted: alert.Omitted{Violations: 4}}, "5 violations: 1 reminder"},
		{"forecast", alert.Message{Violations: items(alert.MarkNew), Forecasts: items(alert.MarkNew, alert.MarkNew)}, "1 violation: 1 new; 2 forecasts to reach the limit"},
		{"recovery", alert.Message{Kind: alert.KindRecovery, Recovered: items(alert.MarkRecovered, alert.MarkRecovered)}, "2 recovered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := news(tt.m); got != tt.want {
				t.Errorf("news() = %q, want %q", got, tt.want)
			}
		})
	}
}

// The table's NEEDS ACTION lists a quota under its threshold whose trend
// reaches the limit within --horizon, as --fail-on forecast counts it,
// and not when the horizon is shorter than its forecast.
func TestNeedsActionForecast(t *testing.T) {
	env, _ := startSim(t, simtest.Load(t, "testdata/requests.json"))
	db := filepath.Join(t.TempDir(), "history.db")
	seedUsersHistory(t, db)
	args := []string{"scan", "--quiet", "--store", "local:" + db, "--threshold-for", "instance:big/code:L-9A46857E=90"}
	forecastRow := regexp.MustCompile(`(?m)^  big +Users per instance .*full in ~\d+ d \(\d+–\d+\)`)

	stdout, stderr, code := cqmon(t, env, append(args, "--horizon", "60d", "--fail-on", "forecast")...)
	if code != 4 {
		t.Fatalf("horizon 60d: exit %d, want 4 (one forecast row)\n%s", code, stderr)
	}
	rows, _ := needsActionRows(strings.Split(stdout, "\n"))
	if len(rows) == 0 || !forecastRow.MatchString(stdout) {
		t.Errorf("horizon 60d: NEEDS ACTION does not list big's users with their forecast:\n%s", stdout)
	}
	if !regexp.MustCompile(`1 full within 60d`).MatchString(stdout) {
		t.Errorf("horizon 60d: the counts line does not count the forecast:\n%s", stdout)
	}

	stdout, stderr, code = cqmon(t, env, append(args, "--horizon", "30d", "--fail-on", "forecast")...)
	if code != 0 {
		t.Fatalf("horizon 30d: exit %d, want 0\n%s", code, stderr)
	}
	if forecastRow.MatchString(stdout) {
		t.Errorf("horizon 30d: NEEDS ACTION lists big's users, full in ~42 days:\n%s", stdout)
	}
}
