package report

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
)

// busyReport adds to sampleReport what the summary view condenses: a
// quota near the threshold, a violation that cannot be raised, an
// account-level violation with a long parent, unknowns that share a
// reason across Regions, and idle API request rates.
func busyReport() *quota.Report {
	rep := sampleReport()
	def := func(key, svc, code, name string, scope quota.Scope, adjustable bool) quota.Definition {
		return quota.Definition{Key: key, ServiceCode: svc, Code: code, Name: name, Scope: scope, Adjustable: adjustable}
	}
	prod := &rep.Instances[0]
	prod.Metrics = append(prod.Metrics,
		quota.Evaluate(def("connect.queues", "connect", "L-19A87C94", "Queues per instance", quota.ScopeInstance, true),
			quota.Measurement{Value: 37}, quota.Limit{Value: 50, Source: quota.LimitAccount}, 80),
		quota.Evaluate(def("connect.pinpoint", "connect", "L-C7548958", "Amazon Pinpoint application integration associations per instance", quota.ScopeInstance, false),
			quota.Measurement{Value: 1}, quota.Limit{Value: 1, Source: quota.LimitAccount}, 80))
	prod.Summary = quota.Summarize(prod.Metrics)
	acct := func(region string, r quota.Result) quota.Result {
		r.Region = region
		return r
	}
	voice := quota.Measurement{Err: errors.New("not in region: voiceid:ListDomains (UnknownOperationException: The requested operation is not available.)"),
		Note: "AWS ended support for Amazon Connect Voice ID on 2026-05-20; its API may no longer answer"}
	idle := quota.Measurement{Value: 0, Note: "no calls in the last 1h"}
	for _, region := range []string{"eu-west-2", "us-east-1"} {
		rep.Account.Metrics = append(rep.Account.Metrics,
			acct(region, quota.Evaluate(def("voiceid.domains", "voiceid", "L-CF9F1A9B", "Domains per region", quota.ScopeAccount, true), voice, quota.Limit{Value: 3, Source: quota.LimitCatalog}, 80)),
			acct(region, quota.Evaluate(def("voiceid.watchlists", "voiceid", "L-3790424B", "Watchlists per domain", quota.ScopeParent, true), voice, quota.Limit{Value: 5, Source: quota.LimitCatalog}, 80)),
			acct(region, quota.Evaluate(def("connect.rate.list_users", "connect", "L-CCC38177", "Rate of ListUsers API requests", quota.ScopeAccount, true), idle, quota.Limit{Value: 10, Source: quota.LimitAccount}, 80)),
			acct(region, quota.Evaluate(def("connect.rate.list_bots", "connect", "L-6DF53542", "Rate of ListBots API requests", quota.ScopeAccount, true), idle, quota.Limit{Value: 2, Source: quota.LimitAccount}, 80)))
	}
	rep.Account.Metrics = append(rep.Account.Metrics,
		acct("us-east-1", quota.Evaluate(def("qconnect.message_templates", "wisdom", "", "Number of message (email, SMS, WhatsApp) templates per knowledge base", quota.ScopeParent, true),
			quota.Measurement{Value: 180, Parent: `knowledge base "acme-email-templates-for-every-brand-and-region"`}, quota.Limit{Value: 200, Source: quota.LimitCatalog}, 80)))
	rep.Account.Summary = quota.Summarize(rep.Account.Metrics)
	rep.Regions = []string{"us-east-1", "eu-west-2"}
	return rep
}

func sampleAlerts() *Alerts {
	return &Alerts{
		Channels: []string{"stdout", "sns:arn:aws:sns:us-east-1:123456789012:quota-alerts"},
		Sent: []Alert{
			{Kind: "alert", About: "acme-prod (us-east-1)", News: "3 violations: 1 new, 1 escalated, 1 ongoing"},
			{Kind: "recovery", About: "account 123456789012", News: "1 recovered"},
		},
		Failed:   []string{"alert account 123456789012 to webhook:https://hooks.example.com/...: 3 attempts: 500 Internal Server Error"},
		FullText: "--all",
	}
}

func render(t *testing.T, rep *quota.Report, o Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Table(&b, rep, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTableViews(t *testing.T) {
	forecast := func(a Action) string {
		if a.Result.Key == "connect.contact_flows" {
			return "full in ~42 d (30–66)"
		}
		return ""
	}
	tests := []struct {
		golden string
		o      Options
	}{
		{"summary.txt", Options{Near: 10, Alerts: sampleAlerts()}},
		{"summary-marked.txt", Options{Near: 10, Mark: forecast}},
		{"summary-no-alerts.txt", Options{Near: 10, Alerts: &Alerts{Channels: []string{"stdout"}}}},
		{"all.txt", Options{All: 1, Near: 10}},
		{"all-all.txt", Options{All: 2, Near: 10}},
		{"filter-instance.txt", Options{Near: 10, Filter: Filter{Instance: "ACME-PROD"}}},
		{"filter-account-unknown.txt", Options{Near: 10, Filter: Filter{Instance: "account", Status: "unknown"}}},
		{"filter-near.txt", Options{Near: 10, Filter: Filter{Status: "near"}}},
		{"filter-quota-glob.txt", Options{Near: 10, Filter: Filter{Quota: "rate of * API requests"}}},
		{"filter-quota-code.txt", Options{Near: 10, Filter: Filter{Quota: "l-22922690"}}},
		{"filter-nothing.txt", Options{Near: 10, Filter: Filter{Status: "ok", Quota: "Domains*"}}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			golden.Check(t, tt.golden, []byte(render(t, busyReport(), tt.o)))
		})
	}
	// A calm account: nothing needs action, nothing is unknown.
	calm := sampleReport()
	in := &calm.Instances[0]
	in.Metrics = slices.DeleteFunc(in.Metrics, func(r quota.Result) bool { return r.Status != quota.StatusOK })
	in.Summary, calm.Errors = quota.Summarize(in.Metrics), nil
	golden.Check(t, "summary-calm.txt", []byte(render(t, calm, Options{Near: 10, Alerts: &Alerts{}})))
}

// TestSummaryFits checks the summary view's promises on reports whose
// names, parents and Regions are far too long for a line: no line is
// wider than Width, every violation has a row of its own and its
// increase link whole.
func TestSummaryFits(t *testing.T) {
	rep := busyReport()
	long := strings.Repeat("very-long-alias-", 6)
	rep.Instances[0].InstanceAlias = long
	for i := range rep.Instances[0].Metrics {
		rep.Instances[0].Metrics[i].QuotaName += strings.Repeat(" and then some", 8)
		rep.Instances[0].Metrics[i].Parent = `routing profile "` + strings.Repeat("Basic ", 30) + `"`
	}
	for i := 0; i < 20; i++ {
		rep.Regions = append(rep.Regions, fmt.Sprintf("xx-test-%d", i))
	}
	out := render(t, rep, Options{Near: 10, Alerts: sampleAlerts(), Mark: func(Action) string { return "full in ~42 d (30–66)" }})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, l := range lines {
		if n := runes(l); n > Width {
			t.Errorf("line %d is %d columns wide:\n%s", i+1, n, l)
		}
	}
	actions := Actions(rep, Options{})
	if got, want := len(actions), rep.Totals().Violations(false); got != want {
		t.Fatalf("Actions() lists %d violations, the report has %d that are not singletons", got, want)
	}
	for _, a := range actions {
		if a.Link != "" && !strings.Contains(out, "\n      "+a.Link+"\n") {
			t.Errorf("link %s is not on a line of its own", a.Link)
		}
	}
	if !regexp.MustCompile(`\n  very-long-alias-[a-z-]*…  +Contact flows`).MatchString(out) {
		t.Errorf("the long alias is not shortened with an ellipsis:\n%s", out)
	}
	if !strings.Contains(out, "22 Regions") {
		t.Errorf("the header does not count the Regions it cannot list:\n%s", out)
	}
}

func TestActionsWorstFirst(t *testing.T) {
	rep := busyReport()
	zero := quota.Evaluate(quota.Definition{Key: "connect.x", ServiceCode: "connect", Name: "Zero limit", Scope: quota.ScopeInstance},
		quota.Measurement{Value: 2}, quota.Limit{Value: 0, Source: quota.LimitAccount}, 80)
	rep.Instances[0].Metrics = append(rep.Instances[0].Metrics, zero)
	var got []string
	for _, a := range Actions(rep, Options{AlertSingletons: true}) {
		got = append(got, a.Where+" "+a.Result.QuotaName+" "+pct(a.Result.Utilization))
	}
	// Singletons (a limit of 1 and its one item) come last when they
	// alert.
	want := []string{
		"acme-prod Zero limit -",
		"acme-prod Contact flows per instance 147.0%",
		"account Amazon Connect instance count 100.0%",
		"account Number of message (email, SMS, WhatsApp) templates per knowledge base 90.0%",
		"acme-prod Users per instance 85.0%",
		"acme-prod Amazon Pinpoint application integration associations per instance 100.0%",
		"acme-prod Amazon Pinpoint applications per instance 100.0%",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Actions() order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// forecastReport is busyReport with forecasts: two quotas under the
// threshold that fill within 14 days, one that fills later, and one on a
// violation.
func forecastReport() *quota.Report {
	rep := busyReport()
	fc := func(days float64) *quota.Forecast {
		return &quota.Forecast{DaysToLimit: days, DaysLow: days * 0.8, DaysHigh: days * 1.3, SlopePerDay: 1.5, Points: 20, Method: quota.ForecastMethod}
	}
	for i, r := range rep.Instances[0].Metrics {
		switch r.QuotaName {
		case "Queues per instance":
			rep.Instances[0].Metrics[i].Forecast = fc(9)
		case "Contact flows per instance":
			rep.Instances[0].Metrics[i].Forecast = fc(0)
		}
	}
	for i, r := range rep.Account.Metrics {
		switch r.QuotaName {
		case "Rate of ListUsers API requests":
			if r.Region == "us-east-1" {
				rep.Account.Metrics[i].Forecast = fc(13.5)
			} else {
				rep.Account.Metrics[i].Forecast = fc(40)
			}
		}
	}
	return rep
}

// TestNeedsActionForecasts checks that NEEDS ACTION lists, after the
// violations, the quotas under the threshold that forecast alerts and
// --fail-on forecast count (quota.Result.ForecastWithin), soonest first,
// and no other.
func TestNeedsActionForecasts(t *testing.T) {
	rep := forecastReport()
	horizon := 14 * 24 * time.Hour
	var want []string
	each(rep, func(_ *quota.InstanceReport, r quota.Result) {
		if quota.FailForecast.Matches(r, false, horizon) {
			want = append(want, r.QuotaName+" "+r.Region)
		}
	})
	var got []string
	violations := 0
	for _, a := range Actions(rep, Options{Horizon: horizon}) {
		if !a.Forecast {
			if len(got) > 0 {
				t.Errorf("violation %s is listed after a forecast", a.Result.QuotaName)
			}
			violations++
			continue
		}
		got = append(got, a.Result.QuotaName+" "+a.Result.Region)
	}
	if len(want) != 2 {
		t.Fatalf("the report has %d forecasts within the horizon, want 2", len(want))
	}
	slices.Sort(want)
	if diff := cmp.Diff([]string{"Queues per instance ", "Rate of ListUsers API requests us-east-1"}, got); diff != "" {
		t.Errorf("forecasts in NEEDS ACTION (-want +got):\n%s", diff)
	}
	if violations != rep.Totals().Violations(false) {
		t.Errorf("NEEDS ACTION lists %d violations, want %d", violations, rep.Totals().Violations(false))
	}
	if n := len(Actions(rep, Options{})); n != violations {
		t.Errorf("without a horizon NEEDS ACTION lists %d rows, want the %d violations", n, violations)
	}
	golden.Check(t, "summary-forecast.txt", []byte(render(t, rep, Options{Near: 10, Horizon: horizon})))
}

func TestNear(t *testing.T) {
	tests := []struct {
		name string
		r    quota.Result
		want bool
	}{
		{"at the band's floor", quota.Result{Status: quota.StatusOK, Utilization: f(70)}, true},
		{"just under the threshold", quota.Result{Status: quota.StatusOK, Utilization: f(79.99)}, true},
		{"under the band", quota.Result{Status: quota.StatusOK, Utilization: f(69.99)}, false},
		{"a violation", quota.Result{Status: quota.StatusViolation, Utilization: f(85)}, false},
		{"unknown", quota.Result{Status: quota.StatusUnknown}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Near(tt.r, 80, 10); got != tt.want {
				t.Errorf("Near() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	if err := (Filter{Instance: "acme-prd"}).Check(busyReport()); err == nil ||
		err.Error() != `instance: "acme-prd" is neither the ID nor the alias of an instance of this run (acme-prod, acme-next, account)` {
		t.Errorf("Check() = %v", err)
	}
	for _, ok := range []string{"i-prod", "acme-prod", "Account", ""} {
		if err := (Filter{Instance: ok}).Check(busyReport()); err != nil {
			t.Errorf("Check(%q) = %v", ok, err)
		}
	}
	if _, err := ParseStatus("broken"); err == nil || err.Error() != `"broken" is not one of violation, unknown, ok, near` {
		t.Errorf("ParseStatus() = %v", err)
	}
	if got, err := ParseStatus(" Near "); got != "near" || err != nil {
		t.Errorf("ParseStatus(Near) = %q, %v", got, err)
	}
	if _, err := ParseQuota("[users"); err == nil || err.Error() != `"[users" is not a valid name pattern: syntax error in pattern` {
		t.Errorf("ParseQuota() = %v", err)
	}
}

func TestReasonHead(t *testing.T) {
	tests := map[string]string{
		"usage: access denied: connect:ListRules (AccessDeniedException: User: arn:aws:sts::1:assumed-role/x is not authorized)": "access denied: connect:ListRules",
		"limit: no limit: Service Quotas does not list L-DFA239E1 in this Region, and AWS documents no default":                  noLimit,
		"usage: not measured, to save calls: no limit: no Service Quotas code, and AWS documents no default":                     noLimit,
		"usage: not measured: 1700 parents would take one call each, more than the 1000 allowed (--max-parents)":                 "not measured: 1700 parents would take one call each, more than the 1000 allowed",
	}
	for reason, want := range tests {
		if got := reasonHead(reason); got != want {
			t.Errorf("reasonHead(%q) = %q, want %q", reason, got, want)
		}
	}
}
