package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cqmon/cqmon/internal/emf"
	"github.com/cqmon/cqmon/internal/lambdaconfig"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

// emfLines returns the log lines that are metric records.
func emfLines(logs string) []string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, `"_aws"`) {
			out = append(out, l)
		}
	}
	return out
}

// A run of the demo account writes its results to the log as Embedded
// Metric Format records, every one valid, with the run's figures, one
// record per violation and no value that was not measured.
func TestRunWritesMetricRecords(t *testing.T) {
	w := newWorld(t)
	cfg := lambdaconfig.Default()
	cfg.Regions = sim.DemoScenario().Regions
	var logs bytes.Buffer
	h := w.handler(t, cfg, &logs)
	sum, err := h.Handle(context.Background(), trigger{Source: "aws.events"})
	if err != nil {
		t.Fatal(err)
	}
	lines := emfLines(logs.String())
	if len(lines) < 2 {
		t.Fatalf("%d metric records in the log:\n%s", len(lines), logs.String())
	}
	var records []emf.Record
	violations, perInstance := 0, map[string]int{}
	for _, l := range lines {
		if err := emf.Check([]byte(l)); err != nil {
			t.Errorf("%v\n%s", err, l)
			continue
		}
		var r emf.Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		records = append(records, r)
		if ns := r["_aws"].(map[string]any)["CloudWatchMetrics"].([]any)[0].(map[string]any)["Namespace"]; ns != emf.DefaultNamespace {
			t.Errorf("namespace %v, want %s", ns, emf.DefaultNamespace)
		}
		switch r["Status"] {
		case string(quota.StatusViolation):
			if r["Singleton"] != true {
				// Singletons do not alert by default, nor count.
				violations++
			}
			if u, ok := r[emf.MetricUtilization].(float64); ok && u < cfg.Threshold {
				// A breach seen by AWS makes a violation under the threshold.
				t.Logf("violation under the threshold: %v %v at %v%%", r[emf.DimInstance], r[emf.DimQuota], u)
			}
		case string(quota.StatusUnknown):
			if _, ok := r[emf.MetricUtilization]; ok {
				t.Errorf("an unknown quota has a utilization: %s", l)
			}
		}
		if _, ok := r[emf.DimQuota]; ok {
			perInstance[r[emf.DimInstance].(string)]++
		}
	}
	run := records[len(records)-1]
	for name, want := range map[string]int{
		emf.MetricViolations: sum.Violations, emf.MetricUnknown: sum.Unknown, emf.MetricQuotasMeasured: sum.Quotas - sum.Unknown,
		emf.MetricAPICalls: sum.APICalls, emf.MetricThrottled: sum.Throttled,
	} {
		if got := run[name]; got != float64(want) {
			t.Errorf("run record %s = %v, want %d", name, got, want)
		}
	}
	if violations != sum.Violations || violations == 0 {
		t.Errorf("%d violation records, want the run's %d violations", violations, sum.Violations)
	}
	if len(perInstance) < 4 || perInstance[emf.AccountInstance] == 0 {
		t.Errorf("records per instance: %v, want the demo's instances and the account", perInstance)
	}
	n, err := emf.MetricCount(records)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo account: %d records, %d CloudWatch metrics; records per instance %v", len(records), n, perInstance)
}

// With "none", a run writes its own record only.
func TestMetricsNone(t *testing.T) {
	w := newWorld(t)
	cfg := lambdaconfig.Default()
	cfg.Metrics, _ = emf.ParseSelection(emf.SelectNone)
	cfg.MetricsNamespace = "Contact/Quotas"
	var logs bytes.Buffer
	if _, err := w.handler(t, cfg, &logs).Handle(context.Background(), trigger{}); err != nil {
		t.Fatal(err)
	}
	lines := emfLines(logs.String())
	if len(lines) != 1 || !strings.Contains(lines[0], `"Namespace":"Contact/Quotas"`) || !strings.Contains(lines[0], `"Violations"`) {
		t.Errorf("records = %q, want the run's one in Contact/Quotas", lines)
	}
}
