package dashboard

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
)

var (
	base  = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	users = quota.Definition{Key: "connect.users", ServiceCode: "connect", Code: "L-9A46857E",
		Name: "Users per instance", Scope: quota.ScopeInstance, Adjustable: true}
	queues = quota.Definition{Key: "connect.queues", ServiceCode: "connect", Code: "L-19A87C94",
		Name: "Queues per instance", Scope: quota.ScopeInstance, Adjustable: true}
	flows = quota.Definition{Key: "connect.contact_flows", ServiceCode: "connect", Code: "L-22922690",
		Name: "Contact flows per instance", Scope: quota.ScopeInstance, Adjustable: true}
	rules = quota.Definition{Key: "connect.rules", ServiceCode: "connect", Code: "L-0A8E5B7C",
		Name: "Rules per instance", Scope: quota.ScopeInstance}
	perQueue = quota.Definition{Key: "connect.queue_quick_connects", ServiceCode: "connect",
		Name: "Quick connects per queue <b>", Scope: quota.ScopeParent, Parent: "queue"}
	instances = quota.Definition{Key: "connect.instances", ServiceCode: "connect", Code: "L-AA8A3B44",
		Name: "Amazon Connect instances per account", Scope: quota.ScopeAccount, Adjustable: true}
	domains = quota.Definition{Key: "cases.domains", ServiceCode: "cases", Code: "L-C1D1E2C0",
		Name: "Domains", Scope: quota.ScopeAccount, Adjustable: true}
)

func eval(d quota.Definition, usage, limit float64, src quota.LimitSource) quota.Result {
	return quota.Evaluate(d, quota.Measurement{Value: usage}, quota.Limit{Value: limit, Source: src}, 80)
}

func unknownUsage(d quota.Definition, why string) quota.Result {
	return quota.Evaluate(d, quota.Measurement{Err: errors.New(why)}, quota.Limit{}, 80)
}

// run is run i of a small account: prod's users grow 10 a run, test's
// flows were unknown in run 1.
func run(i int) *quota.Report {
	started := base.Add(time.Duration(i) * 24 * time.Hour)
	inst := func(id, alias, region string, rs ...quota.Result) quota.InstanceReport {
		return quota.InstanceReport{InstanceID: id, InstanceAlias: alias, Region: region, InstanceStatus: "ACTIVE",
			Metrics: rs, Summary: quota.Summarize(rs)}
	}
	parent := quota.Evaluate(perQueue, quota.Measurement{Value: 18, Parent: `queue "Sales"`}, quota.Limit{Value: 20, Source: quota.LimitCatalog}, 80)
	testFlows := eval(flows, 30, 100, quota.LimitAccount)
	if i == 1 {
		testFlows = unknownUsage(flows, "throttled: connect:ListContactFlows (TooManyRequestsException: Rate exceeded)")
	}
	acct := []quota.Result{eval(instances, 2, 2, quota.LimitAWSDefault), eval(instances, 1, 2, quota.LimitAWSDefault),
		unknownUsage(domains, "not enabled: cases:ListDomains (ResourceNotFoundException: not enabled)")}
	acct[0].Region, acct[1].Region, acct[2].Region = "us-east-1", "eu-west-2", "eu-west-2"
	return &quota.Report{
		SchemaVersion: quota.SchemaVersion, RunID: fmt.Sprintf("run-%d", i), StartedAt: started,
		AccountID: "123456789012", Regions: []string{"us-east-1", "eu-west-2"}, Threshold: 80, Lookback: "1h",
		Instances: []quota.InstanceReport{
			inst("aaaaaaaa-1111-4111-8111-111111111111", "prod", "us-east-1",
				eval(users, float64(1700+10*i), 2000, quota.LimitInstance), eval(queues, 36, 50, quota.LimitAccount), parent,
				unknownUsage(rules, "access denied: connect:ListRules (AccessDeniedException: User is not authorized)")),
			inst("bbbbbbbb-2222-4222-8222-222222222222", "test", "eu-west-2", testFlows,
				unknownUsage(rules, "access denied: connect:ListRules (AccessDeniedException: User is not authorized)")),
			{InstanceID: "cccccccc-3333-4333-8333-333333333333", InstanceAlias: "next", Region: "us-east-1", InstanceStatus: "CREATION_IN_PROGRESS"},
		},
		Account: quota.AccountReport{Metrics: acct, Summary: quota.Summarize(acct)},
		Errors:  []quota.RunError{{Scope: "catalog", Message: "Service Quotas does not know L-0A8E5B7C"}},
	}
}

// TestPage pins the page of run 3 with the history of runs 0-2, prod's
// users with a forecast.
func TestPage(t *testing.T) {
	rep := run(3)
	rep.Instances[0].Metrics[0].Forecast = forecast
	rep.Instances[0].Metrics[0].IncreaseRequest = &quota.IncreaseRequest{Status: "CASE_OPENED", DesiredValue: 3000, RequestedAt: base}
	page, err := Bytes(Input{Report: rep, History: []*quota.Report{run(2), run(0), run(1), run(4)}})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "page.html", page)
}

var forecast = &quota.Forecast{DaysToLimit: 42.4, DaysLow: 30, DaysHigh: 66, SlopePerDay: 7.1, Points: 12,
	Since: base, Method: quota.ForecastMethod}

func TestPageIsSelfContained(t *testing.T) {
	page, err := Bytes(Input{Report: run(3)})
	if err != nil {
		t.Fatal(err)
	}
	// Links to the Service Quotas console are the only URLs, and they are
	// followed only when clicked.
	for _, m := range regexp.MustCompile(`(?i)(?:src|href|url\()\s*=?\s*["']?([a-z]+:[^"' )>]*)`).FindAllStringSubmatch(string(page), -1) {
		if !strings.HasPrefix(m[1], "https://us-east-1.console.aws.amazon.com/servicequotas/") &&
			!strings.HasPrefix(m[1], "https://eu-west-2.console.aws.amazon.com/servicequotas/") {
			t.Errorf("the page refers to %s", m[1])
		}
	}
	for _, bad := range []string{"<link", "@import", "@font-face", "<img", "<iframe", "fetch(", "XMLHttpRequest"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	if !strings.Contains(string(page), "Quick connects per queue &lt;b&gt;") {
		t.Error("a quota name is not escaped")
	}
}

func TestRowStatus(t *testing.T) {
	tests := []struct {
		name   string
		r      quota.Result
		status string
		util   string
		width  float64
		over   bool
		idle   bool
	}{
		{"violation over the limit", eval(flows, 147, 100, quota.LimitAccount), rowViolation, "147%", 100, true, false},
		{"violation at the threshold", eval(flows, 80, 100, quota.LimitAccount), rowViolation, "80%", 80, false, false},
		{"near", eval(flows, 70, 100, quota.LimitAccount), rowNear, "70%", 70, false, false},
		{"ok just under near", eval(flows, 699, 1000, quota.LimitAccount), rowOK, "70%", 69.9, false, false},
		{"idle", eval(flows, 0, 100, quota.LimitAccount), rowOK, "0%", 0, false, true},
		{"small", eval(flows, 3, 1000, quota.LimitAccount), rowOK, "0.3%", 0.3, false, false},
		{"usage against a limit of 0", eval(flows, 2, 0, quota.LimitAccount), rowViolation, "–", 100, true, false},
		{"unknown is never near nor idle", unknownUsage(flows, "throttled"), rowUnknown, "–", 0, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := newRow(tc.r, 80, "us-east-1")
			got := []any{row.Status, row.Util, row.Width, row.Over, row.Idle}
			want := []any{tc.status, tc.util, tc.width, tc.over, tc.idle}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("status, util, width, over, idle (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRowsSortByRisk(t *testing.T) {
	rows := []Row{
		newRow(unknownUsage(rules, "x"), 80, ""),
		newRow(eval(users, 10, 100, quota.LimitAccount), 80, ""),
		newRow(eval(flows, 90, 100, quota.LimitAccount), 80, ""),
		newRow(eval(queues, 75, 100, quota.LimitAccount), 80, ""),
		newRow(eval(instances, 1, 0, quota.LimitAccount), 80, ""),
		newRow(eval(domains, 50, 100, quota.LimitAccount), 80, ""),
	}
	sortRows(rows)
	var got []string
	for _, r := range rows {
		got = append(got, r.Status+" "+r.Name)
	}
	want := []string{
		"violation Amazon Connect instances per account", "violation Contact flows per instance",
		"near Queues per instance", "ok Domains", "ok Users per instance", "unknown Rules per instance",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestUnknownGroups(t *testing.T) {
	rep := run(1)
	rep.Account.Metrics[2].UnknownCause = quota.UnknownSkipped
	v, err := build(Input{Report: rep})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range v.Unknowns {
		got = append(got, fmt.Sprintf("%s | %s | %s | %s | %v | %s", g.Kind, g.Reason, g.Detail, g.Spread, g.Items, g.Expected))
	}
	want := []string{
		"usage | access denied: connect:ListRules | AccessDeniedException: User is not authorized | 2 quotas in 2 instances | [prod · Rules per instance test · Rules per instance] | ",
		"usage | throttled: connect:ListContactFlows | TooManyRequestsException: Rate exceeded | 1 quota in test | [test · Contact flows per instance] | ",
		"usage | not enabled: cases:ListDomains | ResourceNotFoundException: not enabled | 1 quota in eu-west-2 | [eu-west-2 · Domains] | expected: service skipped",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unknown groups (-want +got):\n%s", diff)
	}
	if v.Totals.Unknown != 4 || v.Totals.Violations != 3 || v.Totals.Near != 1 || v.Totals.OK != 1 || v.Totals.Instances != 3 || v.Totals.Active != 2 {
		t.Errorf("totals = %+v", v.Totals)
	}
}

func TestSparkline(t *testing.T) {
	// prod's users: 85, 85.5, 86, 86.5% over four daily runs, drawn from
	// y=5 down to 4.7 (22 - 0.2 per point); test's flows: 30% (y=16),
	// unknown in run 1.
	reports := []*quota.Report{run(0), run(1), run(2)}
	tr := newTrends(run(3), reports)
	users := newSparkline(tr, "aaaaaaaa-1111-4111-8111-111111111111/L-9A46857E", 80)
	want := &sparkline{
		Lines:      []string{"2,5 32.7,4.9 63.3,4.8 94,4.7"},
		ThresholdY: "6",
		LastX:      "94", LastY: "4.7",
		Title: "85% to 86% over 4 runs",
	}
	if diff := cmp.Diff(want, users, cmp.AllowUnexported(sparkline{})); diff != "" {
		t.Errorf("users sparkline (-want +got):\n%s", diff)
	}
	flows := newSparkline(tr, "bbbbbbbb-2222-4222-8222-222222222222/L-22922690", 80)
	want = &sparkline{
		Dots:       []dot{{"2", "16"}},
		Lines:      []string{"63.3,16 94,16"},
		ThresholdY: "6",
		LastX:      "94", LastY: "16",
		Title: "30% to 30% over 4 runs, 1 unknown",
	}
	if diff := cmp.Diff(want, flows, cmp.AllowUnexported(sparkline{})); diff != "" {
		t.Errorf("flows sparkline (-want +got):\n%s", diff)
	}
	if s := newSparkline(newTrends(run(3), nil), "aaaaaaaa-1111-4111-8111-111111111111/L-9A46857E", 80); s != nil {
		t.Errorf("one run drew a trend: %+v", s)
	}
	if s := newSparkline(tr, "aaaaaaaa-1111-4111-8111-111111111111/L-0A8E5B7C", 80); s != nil {
		t.Errorf("a quota never measured drew a trend: %+v", s)
	}
}

// A result's forecast shows beside its meter; an unknown result never
// shows one.
func TestForecastShown(t *testing.T) {
	r := eval(users, 1700, 2000, quota.LimitInstance)
	r.Forecast = forecast
	row := newRow(r, 80, "us-east-1")
	got := []string{row.FullIn, row.FullInTitle}
	want := []string{"full in ~42 d (30–66)", "full in ~42 days at +7.1/day: theil-sen trend of 12 readings since 20 Nov 2026"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("forecast (-want +got):\n%s", diff)
	}
	u := unknownUsage(users, "throttled")
	u.Forecast = forecast
	if row := newRow(u, 80, "us-east-1"); row.FullIn != "" {
		t.Errorf("an unknown result shows a forecast: %q", row.FullIn)
	}
	if row := newRow(eval(users, 1700, 2000, quota.LimitInstance), 80, ""); row.FullIn != "" {
		t.Errorf("a result without a forecast shows %q", row.FullIn)
	}
}

// Per-quota thresholds, singletons and increase requests change what a
// row says and where its meter's mark sits.
func TestRowNotes(t *testing.T) {
	own := quota.Evaluate(queues, quota.Measurement{Value: 28}, quota.Limit{Value: 50, Source: quota.LimitAccount}, 60)
	single := eval(instances, 1, 1, quota.LimitAccount)
	single.Singleton = true
	open := eval(users, 1700, 2000, quota.LimitInstance)
	open.IncreaseRequest = &quota.IncreaseRequest{Status: "CASE_OPENED", DesiredValue: 3000, RequestedAt: base}
	done := eval(users, 1700, 2000, quota.LimitInstance)
	done.IncreaseRequest = &quota.IncreaseRequest{Status: "DENIED", DesiredValue: 3000, RequestedAt: base}
	tests := []struct {
		name string
		r    quota.Result
		want string
	}{
		{"own threshold", own, "near mark=60 own=threshold 60% link=true request= pending=false singleton=false"},
		{"singleton", single, "violation mark=80 own= link=true request= pending=false singleton=true"},
		{"open request", open, "violation mark=80 own= link=true request=requested 3000 on 20 Nov: case opened pending=true singleton=false"},
		{"closed request", done, "violation mark=80 own= link=true request=requested 3000 on 20 Nov: denied pending=false singleton=false"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := newRow(tc.r, 80, "us-east-1")
			got := fmt.Sprintf("%s mark=%v own=%s link=%v request=%s pending=%v singleton=%v",
				row.Status, row.Mark, row.Own, row.IncreaseURL != "", row.Request, row.Pending, row.Singleton)
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	rows := []Row{newRow(single, 80, ""), newRow(eval(flows, 81, 100, quota.LimitAccount), 80, "")}
	sortRows(rows)
	if rows[0].Singleton {
		t.Error("a singleton sorts before a violation that needs action")
	}
}

// A run of several accounts names the account of each instance and keeps
// each account's Region tables apart.
func TestSeveralAccounts(t *testing.T) {
	rep := run(3)
	rep.Accounts = []quota.AccountStatus{{AccountID: "123456789012", AccountName: "acme"}, {AccountID: "222233334444"}}
	rep.Instances[1].AccountID = "222233334444"
	rep.Instances[0].AccountID, rep.Instances[0].AccountName = "123456789012", "acme"
	rep.Account.Metrics[1].AccountID = "222233334444"
	rep.Account.Metrics[0].AccountID, rep.Account.Metrics[0].AccountName = "123456789012", "acme"
	rep.Account.Metrics[2].AccountID, rep.Account.Metrics[2].AccountName = "123456789012", "acme"
	v, err := build(Input{Report: rep})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range v.Instances {
		got = append(got, in.Alias+" in "+in.Account)
	}
	for _, r := range v.AccountRegions {
		got = append(got, fmt.Sprintf("%s: %d rows, where %q", r.Name, len(r.Rows), r.Rows[0].Where))
	}
	want := []string{"prod in acme", "test in 222233334444", "next in ",
		`account acme us-east-1: 1 rows, where "acme us-east-1"`,
		`account acme eu-west-2: 1 rows, where "acme eu-west-2"`,
		`account 222233334444 eu-west-2: 1 rows, where "222233334444 eu-west-2"`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	if v.Account != "2 accounts" {
		t.Errorf("header account = %q", v.Account)
	}
}
