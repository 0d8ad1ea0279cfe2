package deploy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cqmon/cqmon/internal/emf"
)

// subValues stand in for what CloudFormation substitutes in the
// dashboard's body.
var subValues = map[string]string{
	"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::StackName": "cqmon",
	"MetricsNamespace": "cqmon", "ThresholdPercentage": "80",
	"DeadLetterQueue.QueueName": "cqmon-DeadLetterQueue-1", "Function": "cqmon", "LogGroup": "/aws/lambda/cqmon",
}

var subRef = regexp.MustCompile(`\$\{([^}!]+)\}`)

// dashboard returns the dashboard's body with the stand-ins substituted,
// after checking that every name it substitutes is a parameter, a
// resource (or its attribute) or a pseudo parameter.
func dashboard(t *testing.T, tpl template) map[string]any {
	t.Helper()
	body, ok := path(tpl.properties(t, "Dashboard")["DashboardBody"], "Fn::Sub").(string)
	if !ok {
		t.Fatal("DashboardBody is not a plain !Sub string")
	}
	params, resources := tpl.section(t, "Parameters"), tpl.section(t, "Resources")
	var bad []string
	out := subRef.ReplaceAllStringFunc(body, func(ref string) string {
		name := subRef.FindStringSubmatch(ref)[1]
		res, _, _ := strings.Cut(name, ".")
		if params[name] == nil && resources[res] == nil && !strings.HasPrefix(name, "AWS::") {
			bad = append(bad, name)
		}
		v, ok := subValues[name]
		if !ok {
			bad = append(bad, name+" (no stand-in)")
		}
		return v
	})
	if len(bad) > 0 {
		t.Fatalf("the dashboard substitutes unknown names: %v", bad)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("the dashboard body is not JSON once substituted: %v\n%s", err, out)
	}
	return d
}

// The dashboard is JSON, shows the views docs/deploy.md promises, and
// graphs only metrics the function writes (or AWS's own for the queue and
// the function).
func TestDashboard(t *testing.T) {
	d := dashboard(t, loadTemplate(t))
	written := []string{
		emf.MetricUtilization, emf.MetricUsage, emf.MetricLimit, emf.MetricViolations, emf.MetricUnknown,
		emf.MetricQuotasMeasured, emf.MetricScanSeconds, emf.MetricAPICalls, emf.MetricThrottled,
	}
	var titles []string
	for _, w := range toAny(d["widgets"]) {
		p, _ := path(w, "properties").(map[string]any)
		titles = append(titles, fmt.Sprint(p["title"]))
		if q, ok := p["query"].(string); ok {
			for _, field := range []string{"Status", emf.MetricUtilization, emf.MetricUsage, emf.MetricLimit, emf.DimInstance, emf.DimQuota, "QuotaName"} {
				if !strings.Contains(q, field) {
					t.Errorf("log widget %q does not use the records' %s field: %s", p["title"], field, q)
				}
			}
		}
		for _, m := range toAny(p["metrics"]) {
			row := toAny(m)
			if len(row) == 0 {
				t.Errorf("widget %q has an empty metric row", p["title"])
				continue
			}
			if expr, ok := path(row[0], "expression").(string); ok {
				want := fmt.Sprintf(`{"cqmon",%s,%s,%s} MetricName="%s"`, emf.DimAccount, emf.DimInstance, emf.DimRegion, emf.MetricUtilization)
				if !strings.Contains(expr, want) {
					t.Errorf("search %s does not look for the per-instance rollup %s", expr, want)
				}
				continue
			}
			ns, name := fmt.Sprint(row[0]), fmt.Sprint(row[1])
			switch ns {
			case "cqmon":
				if !slices.Contains(written, name) {
					t.Errorf("widget %q graphs %s, which the function does not write", p["title"], name)
				}
				if dim := fmt.Sprint(row[2]); dim != emf.DimAccount {
					t.Errorf("widget %q reads %s by %s; the function writes it by %s", p["title"], name, dim, emf.DimAccount)
				}
			case "AWS/SQS", "AWS/Lambda":
			default:
				t.Errorf("widget %q graphs %s/%s", p["title"], ns, name)
			}
		}
	}
	for _, want := range []string{"per instance", "Violations and unknown", "Scan duration", "Dead-letter queue and function errors"} {
		if !slices.ContainsFunc(titles, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no widget titled like %q in %q", want, titles)
		}
	}
}

// The account alarm reads the rollup the function writes for Amazon
// Connect's quotas; each quota alarm picks its own code from the list.
func TestQuotaAlarms(t *testing.T) {
	tpl := loadTemplate(t)
	resources := tpl.section(t, "Resources")
	acct := tpl.properties(t, "AccountQuotaAlarm")
	if got := fmt.Sprint(acct["MetricName"], " ", acct["Dimensions"]); got != fmt.Sprintf("%s [map[Name:%s Value:map[Ref:AWS::AccountId]]]", emf.MetricUtilization, emf.DimAccount) {
		t.Errorf("AccountQuotaAlarm watches %s", got)
	}
	if path(resources["AccountQuotaAlarm"], "Condition") != "HasAccountAlarm" {
		t.Errorf("AccountQuotaAlarm is not optional")
	}
	pattern := regexp.MustCompile(path(tpl.section(t, "Parameters")["QuotaAlarmCodes"], "AllowedPattern").(string))
	for _, c := range []struct {
		codes string
		ok    bool
	}{
		{"", true}, {"L-9A46857E", true}, {"L-9A46857E,L-19A87C94,L-0865B754,L-AA17A6B9,L-C2B81BC3", true},
		{"L-9A46857E,L-19A87C94,L-0865B754,L-AA17A6B9,L-C2B81BC3,L-6603B252", false}, {"users", false}, {"L-9a46857e", false},
	} {
		if pattern.MatchString(c.codes) != c.ok {
			t.Errorf("QuotaAlarmCodes %q accepted = %v, want %v", c.codes, !c.ok, c.ok)
		}
	}
	for i := 1; ; i++ {
		name := fmt.Sprintf("QuotaAlarm%d", i)
		r := resources[name]
		if r == nil {
			if i != 6 {
				t.Errorf("%d quota alarms, want 5 (the most QuotaAlarmCodes admits)", i-1)
			}
			break
		}
		cond := fmt.Sprintf("HasQuotaAlarm%d", i)
		if path(r, "Condition") != cond {
			t.Errorf("%s condition = %v, want %s", name, path(r, "Condition"), cond)
		}
		pick := fmt.Sprint(path(tpl.section(t, "Conditions")[cond], "Fn::Not"))
		metrics := toAny(path(r, "Properties", "Metrics"))
		if len(metrics) != 1 {
			t.Fatalf("%s has %d queries", name, len(metrics))
		}
		expr := fmt.Sprint(path(metrics[0], "Expression"))
		index := fmt.Sprintf("Fn::Select:[%d ", i-1)
		if !strings.Contains(pick, index) || !strings.Contains(expr, index) {
			t.Errorf("%s does not pick code %d:\ncondition %s\nexpression %s", name, i, pick, expr)
		}
		want := fmt.Sprintf(`SCHEMA("${MetricsNamespace}", %s, %s, %s, %s) WHERE %s = '${Code}'`, emf.DimAccount, emf.DimInstance, emf.DimQuota, emf.DimRegion, emf.DimQuota)
		if !strings.Contains(expr, want) {
			t.Errorf("%s query %s does not read the per-quota metrics (%s)", name, expr, want)
		}
	}
	for name, r := range resources {
		if path(r, "Type") == "AWS::CloudWatch::Alarm" {
			if got := fmt.Sprint(path(r, "Properties", "AlarmActions")); got != "[map[Ref:AlertTopic]]" {
				t.Errorf("%s actions = %s, want the alert topic", name, got)
			}
		}
	}
}
