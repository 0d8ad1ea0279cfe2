package emf

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
)

func num(f float64) *float64 { return &f }
func str(s string) *string   { return &s }

// sample is a report with one instance and account-level quotas of every
// kind of value: known, usage without a limit, unknown, under 1%.
func sample() *quota.Report {
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	return &quota.Report{
		RunID: "run-1", AccountID: "123456789012", StartedAt: at.Add(-time.Minute), FinishedAt: at,
		Instances: []quota.InstanceReport{{
			InstanceID: "11111111-2222-3333-4444-555555555555", InstanceAlias: "support", Region: "us-east-1", InstanceStatus: "ACTIVE",
			Metrics: []quota.Result{
				{ServiceCode: "connect", QuotaCode: str("L-9A46857E"), QuotaName: "Users per instance", Key: "connect.users",
					Usage: num(460), Limit: num(500), LimitSource: quota.LimitInstance, Utilization: num(92), Status: quota.StatusViolation},
				{ServiceCode: "connect", QuotaName: "Additional email addresses per queue", Key: "connect.queue_email_addresses",
					Usage: num(3), Status: quota.StatusUnknown, Reason: "limit: no documented default"},
				{ServiceCode: "connect", QuotaCode: str("L-19A87C94"), QuotaName: "Queues per instance", Key: "connect.queues",
					Status: quota.StatusUnknown, Reason: "usage: access denied"},
				{ServiceCode: "connect", QuotaCode: str("L-0865B754"), QuotaName: "Prompts per instance", Key: "connect.prompts",
					Usage: num(0), Limit: num(500), LimitSource: quota.LimitAWSDefault, Utilization: num(0), Status: quota.StatusOK},
			},
		}},
		Account: quota.AccountReport{Metrics: []quota.Result{
			{ServiceCode: "connect", QuotaCode: str("L-AA17A6B9"), QuotaName: "Amazon Connect instance count", Key: "connect.instances",
				Region: "us-east-1", Usage: num(4), Limit: num(100), LimitSource: quota.LimitAccount, Utilization: num(4), Status: quota.StatusOK},
			{ServiceCode: "cases", QuotaCode: str("L-C2B81BC3"), QuotaName: "Domains", Key: "cases.domains",
				Region: "us-east-1", Usage: num(1), Limit: num(5), LimitSource: quota.LimitAWSDefault, Utilization: num(20), Status: quota.StatusOK},
			{ServiceCode: "profile", QuotaCode: str("L-6603B252"), QuotaName: "Amazon Connect Customer Profiles domain count", Key: "profile.amazon_connect_customer_profiles_domain_count",
				Region: "us-east-1", Usage: num(0), Limit: num(100), LimitSource: quota.LimitAWSDefault, Utilization: num(0), Status: quota.StatusOK},
		}},
	}
}

var sampleRun = Run{Duration: 12345 * time.Millisecond, APICalls: 321, Throttled: 2}

// The records of a sample report, as written: golden, and each one valid.
func TestWriteSample(t *testing.T) {
	var buf bytes.Buffer
	n, err := Write(&buf, Records(sample(), sampleRun, DefaultSelection(), DefaultNamespace))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if n != len(lines) {
		t.Errorf("Write reported %d records, wrote %d lines", n, len(lines))
	}
	for _, l := range lines {
		if err := Check([]byte(l)); err != nil {
			t.Errorf("%v\n%s", err, l)
		}
	}
	golden.Check(t, "sample.jsonl", buf.Bytes())
}

// Unknown values are left out: a gap in CloudWatch, never a 0.
func TestUnknownIsNotEmitted(t *testing.T) {
	recs := Records(sample(), sampleRun, Selection{spec: SelectAll, instanceMin: -1, accountMin: -1}, DefaultNamespace)
	byQuota := map[string]Record{}
	for _, r := range recs {
		if q, ok := r[DimQuota].(string); ok {
			byQuota[q] = r
		}
	}
	if _, ok := byQuota["L-19A87C94"]; ok {
		t.Errorf("a quota with no known value got a record: %v", byQuota["L-19A87C94"])
	}
	email := byQuota["connect.queue_email_addresses"]
	if email == nil {
		t.Fatal("a quota with a known usage and no limit got no record")
	}
	for _, m := range []string{MetricUtilization, MetricLimit} {
		if _, ok := email[m]; ok {
			t.Errorf("%s emitted for a quota whose limit is unknown", m)
		}
	}
	if got := email[MetricUsage]; got != 3.0 {
		t.Errorf("Usage = %v, want 3", got)
	}
}

func TestSelection(t *testing.T) {
	tests := []struct {
		spec string
		want []string
	}{
		{"default", []string{"L-9A46857E", "connect.queue_email_addresses", "L-0865B754", "L-AA17A6B9", "L-C2B81BC3"}},
		{"", []string{"L-9A46857E", "connect.queue_email_addresses", "L-0865B754", "L-AA17A6B9", "L-C2B81BC3"}},
		{"all", []string{"L-9A46857E", "connect.queue_email_addresses", "L-0865B754", "L-AA17A6B9", "L-C2B81BC3", "L-6603B252"}},
		{"above:10", []string{"L-9A46857E", "L-C2B81BC3"}},
		{"above:0", []string{"L-9A46857E", "L-0865B754", "L-AA17A6B9", "L-C2B81BC3", "L-6603B252"}},
		{"none", nil},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			sel, err := ParseSelection(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			recs := Records(sample(), sampleRun, sel, DefaultNamespace)
			for _, r := range recs[:len(recs)-1] {
				got = append(got, r[DimQuota].(string))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("quotas emitted (-want +got):\n%s", diff)
			}
			if last := recs[len(recs)-1]; last[MetricViolations] != 1 {
				t.Errorf("run record missing or wrong: %v", last)
			}
		})
	}
	for _, bad := range []string{"some", "above:", "above:101", "above:-1", "above:x"} {
		_, err := ParseSelection(bad)
		want := `"` + bad + `" is not one of default, all, none, above:P (P a percentage 0-100)`
		if err == nil || err.Error() != want {
			t.Errorf("ParseSelection(%q) = %v, want %s", bad, err, want)
		}
	}
}

// The zero Selection behaves as the default one.
func TestZeroSelectionIsDefault(t *testing.T) {
	a := Records(sample(), sampleRun, Selection{}, DefaultNamespace)
	b := Records(sample(), sampleRun, DefaultSelection(), DefaultNamespace)
	if len(a) != len(b) {
		t.Errorf("zero selection gave %d records, default %d", len(a), len(b))
	}
}

// The sample's metrics: Users 3 + rollups 2; email 1; prompts 3 + rollups
// (the instance rollup is shared with Users; the account one too) 0;
// instances per account 3 + 2 rollups (Region/account, and the account
// one is shared); cases 3 + its Region/account rollup, shared; run 6.
func TestMetricCount(t *testing.T) {
	got, err := MetricCount(Records(sample(), sampleRun, DefaultSelection(), DefaultNamespace))
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 + 2 + 1 + 3 + 3 + 1 + 3 + 6; got != want {
		t.Errorf("MetricCount = %d, want %d", got, want)
	}
}

// Check holds each record to the specification.
func TestCheck(t *testing.T) {
	valid := map[string]any{
		"_aws": map[string]any{"Timestamp": 1764504000000, "CloudWatchMetrics": []any{map[string]any{
			"Namespace": "cqmon", "Dimensions": []any{[]any{"Account"}}, "Metrics": []any{map[string]any{"Name": "Usage", "Unit": "Count"}},
		}}},
		"Account": "123456789012", "Usage": 4,
	}
	tests := []struct {
		name   string
		change func(m map[string]any)
		want   string
	}{
		{"valid", func(map[string]any) {}, ""},
		{"no _aws", func(m map[string]any) { delete(m, "_aws") }, "emf: no _aws member"},
		{"no timestamp", func(m map[string]any) { delete(aws(m), "Timestamp") }, "emf: _aws.Timestamp is missing"},
		{"timestamp string", func(m map[string]any) { aws(m)["Timestamp"] = "now" }, `emf: _aws.Timestamp "now" is not milliseconds since the epoch`},
		{"no directives", func(m map[string]any) { aws(m)["CloudWatchMetrics"] = []any{} }, "emf: _aws.CloudWatchMetrics names no directive"},
		{"unknown member in _aws", func(m map[string]any) { aws(m)["Extra"] = 1 }, `emf: _aws: json: unknown field "Extra"`},
		{"no namespace", func(m map[string]any) { delete(dir(m), "Namespace") }, "emf: CloudWatchMetrics[0]: Namespace, Dimensions and Metrics are required"},
		{"AWS namespace", func(m map[string]any) { dir(m)["Namespace"] = "AWS/Connect" }, `emf: CloudWatchMetrics[0]: Namespace "AWS/Connect" is not a custom namespace of 1-255 characters`},
		{"bad unit", func(m map[string]any) { dir(m)["Metrics"] = []any{map[string]any{"Name": "Usage", "Unit": "Users"}} }, `emf: CloudWatchMetrics[0].Metrics[0]: Unit "Users" is not a CloudWatch unit`},
		{"101 metrics", func(m map[string]any) {
			var defs []any
			for i := range 101 {
				name := "M" + string(rune('a'+i%26)) + string(rune('a'+i/26))
				defs = append(defs, map[string]any{"Name": name})
				m[name] = 1
			}
			dir(m)["Metrics"] = defs
		}, "emf: CloudWatchMetrics[0]: 101 metrics, want 1-100"},
		{"31 dimensions", func(m map[string]any) {
			var set []any
			for i := range 31 {
				name := "D" + string(rune('a'+i%26)) + string(rune('a'+i/26))
				set = append(set, name)
				m[name] = "x"
			}
			dir(m)["Dimensions"] = []any{set}
		}, "emf: CloudWatchMetrics[0]: a dimension set of 31 keys exceeds 30"},
		{"dimension not a member", func(m map[string]any) { delete(m, "Account") }, `emf: CloudWatchMetrics[0]: dimension "Account" is not a member of the record`},
		{"dimension a number", func(m map[string]any) { m["Account"] = 123 }, `emf: CloudWatchMetrics[0]: dimension "Account" is float64, not a string`},
		{"dimension empty", func(m map[string]any) { m["Account"] = "" }, `emf: CloudWatchMetrics[0]: dimension "Account" value "" is empty or longer than 1024`},
		{"dimension not ASCII", func(m map[string]any) { m["Account"] = "zürich" }, `emf: CloudWatchMetrics[0]: dimension "Account" value "zürich" is not printable ASCII`},
		{"metric not a member", func(m map[string]any) { delete(m, "Usage") }, `emf: CloudWatchMetrics[0]: metric "Usage" is not a member of the record`},
		{"metric null", func(m map[string]any) { m["Usage"] = nil }, `emf: CloudWatchMetrics[0]: metric "Usage" is <nil>, not a number`},
		{"metric array", func(m map[string]any) { m["Usage"] = []any{1, 2} }, ""},
		{"metric array too long", func(m map[string]any) { m["Usage"] = make([]any, 101) }, `emf: CloudWatchMetrics[0]: metric "Usage" holds 101 values, want 1-100`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(valid)
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			tt.change(m)
			b, _ = json.Marshal(m)
			got := ""
			if err := Check(b); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}

func aws(m map[string]any) map[string]any { return m["_aws"].(map[string]any) }

func dir(m map[string]any) map[string]any {
	return aws(m)["CloudWatchMetrics"].([]any)[0].(map[string]any)
}

// A record that breaks the specification is left out and named; the
// others are written.
func TestWriteKeepsTheOthers(t *testing.T) {
	rep := sample()
	rep.Instances[0].InstanceAlias = "zürich"
	var buf bytes.Buffer
	n, err := Write(&buf, Records(rep, sampleRun, DefaultSelection(), DefaultNamespace))
	if err == nil || !strings.Contains(err.Error(), `value "zürich" is not printable ASCII (record for us-east-1/zürich/L-9A46857E)`) {
		t.Errorf("error = %v", err)
	}
	if want := 3; n != want {
		t.Errorf("wrote %d records, want %d (the account's two and the run's)", n, want)
	}
}

// A singleton (a limit of 1 that its one item fills) is recorded, marked,
// but counts in the run's Violations only when singletons alert, as
// alerts and --fail-on count it. A forecast is a field, not a metric.
func TestSingletonsAndForecasts(t *testing.T) {
	rep := sample()
	rep.Instances[0].Metrics = append(rep.Instances[0].Metrics, quota.Result{ServiceCode: "connect", QuotaCode: str("L-C7548958"),
		QuotaName: "Amazon Pinpoint application integration associations per instance", Key: "connect.pinpoint",
		Usage: num(1), Limit: num(1), LimitSource: quota.LimitAccount, Utilization: num(100), Status: quota.StatusViolation, Singleton: true})
	before, err := MetricCount(Records(rep, sampleRun, Selection{}, DefaultNamespace))
	if err != nil {
		t.Fatal(err)
	}
	// A forecast is a Logs Insights field of its record, not a metric.
	rep.Instances[0].Metrics[0].Forecast = &quota.Forecast{DaysToLimit: 9.5, DaysLow: 7, DaysHigh: 12, SlopePerDay: 4, Points: 10, Method: quota.ForecastMethod}
	recs := Records(rep, sampleRun, Selection{}, DefaultNamespace)
	if after, err := MetricCount(recs); err != nil || after != before {
		t.Errorf("a forecast changes the metric count from %d to %d (%v)", before, after, err)
	}
	if got := recs[0]["DaysToLimit"]; got != 9.5 {
		t.Errorf("record of %v: DaysToLimit = %v, want 9.5", recs[0][DimQuota], got)
	}
	for _, r := range recs[1:] {
		if _, ok := r["DaysToLimit"]; ok {
			t.Errorf("record of %v has a DaysToLimit without a forecast", r[DimQuota])
		}
	}
	for _, tt := range []struct {
		alert bool
		want  int
	}{{false, 1}, {true, 2}} {
		run := sampleRun
		run.AlertSingletons = tt.alert
		recs := Records(rep, run, Selection{}, DefaultNamespace)
		if got := recs[len(recs)-1][MetricViolations]; got != tt.want {
			t.Errorf("AlertSingletons %v: Violations = %v, want %d", tt.alert, got, tt.want)
		}
		marked := 0
		for _, r := range recs {
			if r["Singleton"] == true {
				marked++
			}
		}
		if marked != 1 {
			t.Errorf("AlertSingletons %v: %d records marked Singleton, want 1", tt.alert, marked)
		}
	}
}
