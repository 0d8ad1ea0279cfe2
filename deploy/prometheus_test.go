package deploy

import (
	"encoding/json"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/cqmon/cqmon/internal/exporter"
)

// exported returns the names of the metrics cqmon serve exposes.
func exported(t *testing.T) []string {
	t.Helper()
	ch := make(chan *prometheus.Desc, 100)
	exporter.NewCollector().Describe(ch)
	close(ch)
	name := regexp.MustCompile(`fqName: "([^"]+)"`)
	var out []string
	for d := range ch {
		m := name.FindStringSubmatch(d.String())
		if m == nil {
			t.Fatalf("no name in %s", d)
		}
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

var promql = parser.NewParser(parser.Options{})

// selected parses expr and returns the metric names it selects.
func selected(t *testing.T, where, expr string) []string {
	t.Helper()
	e, err := promql.ParseExpr(expr)
	if err != nil {
		t.Errorf("%s: %v\n%s", where, err, expr)
		return nil
	}
	var names []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			names = append(names, vs.Name)
		}
		return nil
	})
	return names
}

// The rule file passes Prometheus's own checks (promtool check rules runs
// the same parser), and its rules read only metrics cqmon serve exposes.
func TestPrometheusRules(t *testing.T) {
	const file = "prometheus/cqmon-rules.yml"
	groups, errs := rulefmt.ParseFile(file, false, model.UTF8Validation, promql, slog.New(slog.DiscardHandler))
	for _, err := range errs {
		t.Errorf("%s: %v", file, err)
	}
	if groups == nil {
		t.FailNow()
	}
	names := exported(t)
	alerts := 0
	var read []string
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			alerts++
			for _, n := range selected(t, r.Alert, r.Expr) {
				read = append(read, n)
				if !slices.Contains(names, n) {
					t.Errorf("rule %s reads %s, which cqmon serve does not expose (%v)", r.Alert, n, names)
				}
			}
			if r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("rule %s has no severity or no summary", r.Alert)
			}
		}
	}
	if alerts == 0 {
		t.Errorf("%s holds no rule", file)
	}
	// The rules judge each quota by its own threshold, leave singletons
	// out and alert on cqmon's forecast, as cqmon's own alerts do.
	for _, want := range []string{"cqmon_quota_threshold_ratio", "cqmon_quota_singleton", "cqmon_quota_time_to_limit_seconds"} {
		if !slices.Contains(read, want) {
			t.Errorf("no rule reads %s", want)
		}
	}
}

// grafanaVariables stand in for the dashboard's variables when its
// queries are parsed.
var grafanaVariables = strings.NewReplacer("$account", "123456789012", "$region", "us-east-1", "$instance", "acme-prod")

// The Grafana dashboard is JSON, its queries parse as PromQL and read
// only metrics cqmon serve exposes, and it has the panels docs/prometheus.md
// describes.
func TestGrafanaDashboard(t *testing.T) {
	b, err := os.ReadFile("grafana/cqmon.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Type    string `json:"type"`
			Repeat  string `json:"repeat"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Name       string `json:"name"`
				Definition string `json:"definition"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("grafana/cqmon.json: %v", err)
	}
	names := exported(t)
	check := func(where, expr string) {
		for _, n := range selected(t, where, grafanaVariables.Replace(expr)) {
			if n != "" && !slices.Contains(names, n) {
				t.Errorf("%s reads %s, which cqmon serve does not expose", where, n)
			}
		}
	}
	var titles []string
	exprs := ""
	repeated := false
	for _, p := range d.Panels {
		titles = append(titles, p.Title)
		repeated = repeated || p.Repeat == "instance"
		for _, tg := range p.Targets {
			check("panel "+p.Title, tg.Expr)
			exprs += tg.Expr + "\n"
		}
	}
	labelValues := regexp.MustCompile(`^label_values\((.+), \w+\)$`)
	for _, v := range d.Templating.List {
		if m := labelValues.FindStringSubmatch(v.Definition); m != nil {
			check("variable "+v.Name, m[1])
		}
	}
	for _, want := range []string{"Worst quotas", "Worst quota per instance", "Forecast"} {
		if !slices.ContainsFunc(titles, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no panel titled like %q in %q", want, titles)
		}
	}
	if !repeated {
		t.Error("no row repeats per instance")
	}
	if !strings.Contains(exprs, "predict_linear(") {
		t.Error("no query forecasts with predict_linear")
	}
	for _, want := range []string{"cqmon_quota_threshold_ratio", "cqmon_quota_time_to_limit_seconds"} {
		if !strings.Contains(exprs, want) {
			t.Errorf("no query reads %s", want)
		}
	}
}
