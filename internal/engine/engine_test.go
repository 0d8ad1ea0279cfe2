package engine

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
	"github.com/cqmon/cqmon/internal/sim/simtest"
)

var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// scan runs the engine against the simulator serving the scenario file.
func scan(t *testing.T, scenario string, cfg Config) (*quota.Report, *awsapi.Factory, *sim.Server) {
	t.Helper()
	sc := simtest.Load(t, scenario)
	srv := sim.New(sc, sim.WithClock(func() time.Time { return testNow }))
	f := serveSim(t, srv, sc.Regions[0], 10*time.Millisecond)
	e := &Engine{Factory: f, Catalog: catalog.Default(), Config: cfg, Now: func() time.Time { return testNow }}
	rep, err := e.Run(context.Background())
	if err != nil {
		t.Fatalf("Run() = %v", err)
	}
	return rep, f, srv
}

// serveSim starts srv and returns a factory of real clients talking to it
// with simtest's options and the back-off cap maxBackoff.
func serveSim(t *testing.T, srv *sim.Server, region string, maxBackoff time.Duration) *awsapi.Factory {
	t.Helper()
	o := simtest.Options(region)
	o.MaxBackoff = maxBackoff
	return simtest.Connect(t, srv, o)
}

// simFactory starts srv and returns a factory whose clients call it with
// the options o.
func simFactory(t *testing.T, srv *sim.Server, o awsapi.Options) *awsapi.Factory {
	t.Helper()
	return simtest.Connect(t, srv, o)
}

func testConfig() Config {
	c := DefaultConfig()
	c.Regions = []string{"us-east-1", "eu-west-2"}
	return c
}

func instance(t *testing.T, rep *quota.Report, alias string) quota.InstanceReport {
	t.Helper()
	for _, in := range rep.Instances {
		if in.InstanceAlias == alias {
			return in
		}
	}
	t.Fatalf("no instance %q in report", alias)
	return quota.InstanceReport{}
}

func metric(t *testing.T, rs []quota.Result, key string) quota.Result {
	t.Helper()
	for _, r := range rs {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("no metric %q", key)
	return quota.Result{}
}

func num(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func TestScanCountsLimitsAndUnknowns(t *testing.T) {
	rep, f, _ := scan(t, "testdata/scan.json", testConfig())

	if rep.AccountID != "111122223333" {
		t.Errorf("AccountID = %q", rep.AccountID)
	}
	if got := len(rep.Instances); got != 4 {
		t.Fatalf("instances = %d, want 4 (3 in us-east-1, 1 in eu-west-2)", got)
	}
	if p := instance(t, rep, "pending"); p.InstanceStatus != "CREATION_IN_PROGRESS" || len(p.Metrics) != 0 {
		t.Errorf("pending instance = %+v, want listed with its status and not measured", p)
	}

	type row struct {
		Usage, Limit, Util any
		Source             quota.LimitSource
		Status             quota.Status
	}
	big := instance(t, rep, "big")
	tests := []struct {
		key  string
		want row
	}{
		// Raised for this instance only: the instance's value, not the default.
		{"connect.users", row{2500.0, 3000.0, 83.33, quota.LimitInstance, quota.StatusViolation}},
		{"connect.contact_flows", row{120.0, 150.0, 80.0, quota.LimitInstance, quota.StatusViolation}},
		// STANDARD queues only: the 2,500 agent queues do not count.
		{"connect.queues", row{45.0, 50.0, 90.0, quota.LimitAccount, quota.StatusViolation}},
		{"connect.lambda_functions", row{60.0, 50.0, 120.0, quota.LimitAccount, quota.StatusViolation}},
		{"connect.user_hierarchy_groups", row{1200.0, 500.0, 240.0, quota.LimitCatalog, quota.StatusViolation}},
		{"connect.predefined_attributes", row{150.0, 150.0, 100.0, quota.LimitCatalog, quota.StatusViolation}},
		{"connect.lex_v2_bot_aliases", row{30.0, 100.0, 30.0, quota.LimitCatalog, quota.StatusOK}},
		{"connect.lex_v1_bots", row{3.0, 70.0, 4.29, quota.LimitCatalog, quota.StatusOK}},
		{"connect.prompts", row{40.0, 500.0, 8.0, quota.LimitCatalog, quota.StatusOK}},
		{"connect.integration_associations.EVENT", row{2.0, 10.0, 20.0, quota.LimitCatalog, quota.StatusOK}},
		{"connect.integration_associations.CASES_DOMAIN", row{1.0, 1.0, 100.0, quota.LimitCatalog, quota.StatusViolation}},
		{"connect.rules.OnPostCallAnalysisAvailable", row{4.0, 500.0, 0.8, quota.LimitCatalog, quota.StatusOK}},
		{"connect.email_addresses", row{5.0, 100.0, 5.0, quota.LimitCatalog, quota.StatusOK}},
		{"connect.concurrent_calls", row{9.0, 10.0, 90.0, quota.LimitAccount, quota.StatusViolation}},
		{"connect.concurrent_chats", row{0.0, 500.0, 0.0, quota.LimitCatalog, quota.StatusOK}},
	}
	for _, tt := range tests {
		t.Run("big/"+tt.key, func(t *testing.T) {
			r := metric(t, big.Metrics, tt.key)
			got := row{num(r.Usage), num(r.Limit), num(r.Utilization), r.LimitSource, r.Status}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s\nreason %q note %q", tt.key, diff, r.Reason, r.Note)
			}
		})
	}
	if r := metric(t, big.Metrics, "connect.concurrent_chats"); !strings.Contains(r.Note, "no datapoints") {
		t.Errorf("concurrent chats without datapoints: note %q, want it to say no datapoints were read as 0", r.Note)
	}

	small := instance(t, rep, "small")
	denied := metric(t, small.Metrics, "connect.lambda_functions")
	if denied.Status != quota.StatusUnknown || denied.Utilization != nil || !strings.Contains(denied.Reason, "access denied: connect:ListLambdaFunctions") {
		t.Errorf("denied lambda functions = %+v, want unknown with an access-denied reason", denied)
	}
	throttled := metric(t, small.Metrics, "connect.quick_connects")
	if throttled.Status != quota.StatusUnknown || !strings.Contains(throttled.Reason, "throttled") {
		t.Errorf("always-throttled quick connects = %+v, want unknown, throttled", throttled)
	}
	// The decoy series without MetricGroup must not be read.
	if calls := metric(t, small.Metrics, "connect.concurrent_calls"); num(calls.Usage) != 0.0 {
		t.Errorf("small concurrent calls = %v, want 0 (its only series lacks MetricGroup)", num(calls.Usage))
	}
	if users := metric(t, small.Metrics, "connect.users"); num(users.Limit) != 500.0 || users.LimitSource != quota.LimitAccount {
		t.Errorf("small users limit = %v from %s, want the 500 every instance gets", num(users.Limit), users.LimitSource)
	}
	// Unknown: the denied and the throttled count, and the quotas without
	// a limit: codes this Service Quotas does not list, or no code, and no
	// documented default.
	var unknown []string
	for _, r := range small.Metrics {
		if r.Status == quota.StatusUnknown {
			unknown = append(unknown, r.Key)
		}
	}
	sort.Strings(unknown)
	wantUnknown := []string{
		"connect.integration_associations.APPLICATION", "connect.lambda_functions", "connect.notifications",
		"connect.queue_email_addresses", "connect.quick_connects",
	}
	if diff := cmp.Diff(wantUnknown, unknown); diff != "" {
		t.Errorf("small unknown quotas (-want +got):\n%s", diff)
	}
	if s := small.Summary; s.UnknownCount != len(wantUnknown) || s.MetricsCount != len(small.Metrics) {
		t.Errorf("small summary = %+v", s)
	}
	// No limit can be known for it anywhere: unknown, with its usage.
	if r := metric(t, small.Metrics, "connect.notifications"); r.Status != quota.StatusUnknown || num(r.Usage) != 0.0 || !strings.Contains(r.Reason, "limit: no limit") {
		t.Errorf("notifications = %+v, want unknown for want of a limit, usage kept", r)
	}
	// A per-parent quota without any limit costs no per-parent calls.
	if r := metric(t, small.Metrics, "connect.queue_email_addresses"); r.Usage != nil || !strings.Contains(r.Reason, "not measured, to save calls") {
		t.Errorf("queue email addresses = %+v, want not measured for want of a limit", r)
	}

	// Connect's own breach count makes a violation although the peak of
	// concurrent calls reads 0.
	if r := metric(t, small.Metrics, "connect.concurrent_calls"); r.Status != quota.StatusViolation || !strings.Contains(r.Reason, "CallsBreachingConcurrencyQuota") {
		t.Errorf("small concurrent calls = %+v, want a violation from the breach count", r)
	}
	// API request rate: the busiest minute's Sum / 60 against the rate.
	found := false
	for _, r := range rep.Account.Metrics {
		if r.Key == "connect.api_rate.ListUsers" && r.Region == "us-east-1" {
			found = true
			if num(r.Usage) != 4.0 || num(r.Limit) != 10.0 {
				t.Errorf("ListUsers rate = %v of %v, want 4 (240 calls in a minute) of 10", num(r.Usage), num(r.Limit))
			}
		}
	}
	if !found {
		t.Error("no Rate of ListUsers API requests result for us-east-1")
	}

	euro := instance(t, rep, "euro")
	if euro.Region != "eu-west-2" || num(metric(t, euro.Metrics, "connect.users").Usage) != 3.0 {
		t.Errorf("euro = %s, users %v", euro.Region, num(metric(t, euro.Metrics, "connect.users").Usage))
	}

	// Account level: one instance-count result per Region.
	counts := map[string]string{}
	for _, r := range rep.Account.Metrics {
		if r.Key == "connect.instances" {
			counts[r.Region] = fmt.Sprintf("%v/%v %s", num(r.Usage), num(r.Limit), r.LimitSource)
		}
	}
	wantCounts := map[string]string{"us-east-1": "3/5 account", "eu-west-2": "1/5 account"}
	if diff := cmp.Diff(wantCounts, counts); diff != "" {
		t.Errorf("instance counts (-want +got):\n%s", diff)
	}

	// Codes that this Service Quotas does not list are reported once, for
	// every Region, as catalog problems, not used silently.
	var catalogErrs []quota.RunError
	for _, e := range rep.Errors {
		if e.Scope == "catalog" && strings.Contains(e.Message, "L-F325A715") {
			catalogErrs = append(catalogErrs, e)
		}
	}
	if len(catalogErrs) != 1 || catalogErrs[0].Region != "eu-west-2,us-east-1" {
		t.Errorf("catalog problems for L-F325A715 = %+v, want one naming both Regions", catalogErrs)
	}

	// The coverage block counts the codes this Service Quotas confirmed.
	var connectCov quota.ServiceCoverage
	for _, sc := range rep.Coverage.Services {
		if sc.ServiceCode == "connect" {
			connectCov = sc
		}
	}
	if connectCov.CodesVerified != 6 || !slices.Contains(connectCov.CodesUnknown, "L-F325A715") || connectCov.Measured < 100 {
		t.Errorf("connect coverage = %+v, want the scenario's 6 codes confirmed and L-F325A715 unknown", connectCov)
	}

	// Pagination at the largest page size: 2,500 users are 3 pages on
	// "big", one page elsewhere. Throttled calls were retried.
	stats := map[string]awsapi.OpStats{}
	for _, s := range f.Pacer().Stats() {
		stats[s.Operation] = s
	}
	if got := stats["ListUsers"].Calls; got != 5 {
		t.Errorf("ListUsers calls = %d, want 5 (3 pages for big, 1 each for small and euro)", got)
	}
	if got := stats["GetMetricData"].Calls; got != 2 {
		t.Errorf("GetMetricData calls = %d, want one per Region", got)
	}
	if got := stats["ListPrompts"].Throttled; got < 2 {
		t.Errorf("ListPrompts throttled = %d, want the 2 injected throttles retried", got)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"ok", func(*Config) {}, ""},
		{"threshold too high", func(c *Config) { c.Threshold = 100 }, "threshold: 100 is outside 1–99 (percent)"},
		{"threshold zero", func(c *Config) { c.Threshold = 0 }, "threshold: 0 is outside 1–99 (percent)"},
		{"lookback too short", func(c *Config) { c.Lookback = time.Second }, "lookback: 1s is outside 1m–14d"},
		{"bad region", func(c *Config) { c.Regions = []string{"us-east-1", "mars"} }, `regions: "mars" is not an AWS Region name (like us-east-1)`},
		{"concurrency", func(c *Config) { c.Concurrency = 0 }, "concurrency: 0 is outside 1–64"},
		{"per-quota threshold", func(c *Config) {
			c.ThresholdRules = []quota.ThresholdRule{{Kind: quota.ThresholdCode, Quota: "L-9A46857E", Percent: 0.5}}
		}, "threshold-for: code:L-9A46857E=0.5: 0.5 is outside 1–99 (percent)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.change(&c)
			err := c.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}
