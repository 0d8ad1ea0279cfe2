package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
	"github.com/cqmon/cqmon/internal/sim/simtest"
	"github.com/cqmon/cqmon/internal/store"
)

// startSim serves sc with a simulator built with opts and returns the
// environment that points cqmon at it, in sc's first Region, and the
// server for its call counts.
func startSim(t *testing.T, sc *sim.Scenario, opts ...sim.Option) ([]string, *sim.Server) {
	t.Helper()
	srv := sim.New(sc, opts...)
	url := simtest.Serve(t, srv)
	return []string{
		"AWS_ENDPOINT_URL=" + url, "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_REGION=" + sc.Regions[0], "AWS_MAX_ATTEMPTS=5",
	}, srv
}

func calls(srv *sim.Server, op string) int {
	return srv.Stats()[sim.OpKey{Service: sim.ServiceServiceQuotas, Operation: op}].Calls
}

func row(t *testing.T, rep *quota.Report, alias, code string) quota.Result {
	t.Helper()
	for _, in := range rep.Instances {
		for _, r := range in.Metrics {
			if in.InstanceAlias == alias && r.QuotaCode != nil && *r.QuotaCode == code {
				return r
			}
		}
	}
	t.Fatalf("no %s row for %s", code, alias)
	return quota.Result{}
}

const bigARN = "arn:aws:connect:us-east-1:111122223333:instance/11111111-aaaa-4000-8000-000000000001"

func TestRequestIncrease(t *testing.T) {
	env, srv := startSim(t, simtest.Load(t, "testdata/requests.json"))

	// Without --yes: exactly what would be sent, and nothing sent.
	stdout, stderr, code := cqmon(t, env, "request-increase", "--quota", "L-9A46857E", "--instance", "big", "--value", "4500")
	if code != 0 {
		t.Fatalf("dry run exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"Would request (nothing sent; add --yes to send)", "quota:    L-9A46857E (Users per instance)",
		"level:    resource, ContextId " + bigARN, "applied:  3000 (applied to this instance)", "desired:  4500",
		"call:     servicequotas:RequestServiceQuotaIncrease ServiceCode=connect QuotaCode=L-9A46857E DesiredValue=4500 ContextId=" + bigARN} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, stdout)
		}
	}
	if n := calls(srv, "RequestServiceQuotaIncrease"); n != 0 {
		t.Fatalf("dry run sent %d request(s)", n)
	}

	// With --yes: sent once, with the instance ARN as context; the next
	// scan shows it on that instance's row.
	stdout, stderr, code = cqmon(t, env, "request-increase", "--quota", "l-9a46857e", "--instance", "SMALL", "--value", "800", "--yes")
	if code != 0 {
		t.Fatalf("--yes exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "Requested: id 5c0f") || !strings.Contains(stdout, "status PENDING") {
		t.Errorf("--yes output lacks the request id and status:\n%s", stdout)
	}
	if n := calls(srv, "RequestServiceQuotaIncrease"); n != 1 {
		t.Errorf("--yes sent %d request(s), want 1", n)
	}
	stdout, stderr, code = cqmon(t, env, "scan", "--store", "none", "--output", "json", "--quiet")
	if code != 0 {
		t.Fatalf("scan exit %d\n%s", code, stderr)
	}
	rep := decodeReport(t, stdout)
	if r := row(t, rep, "small", "L-9A46857E").IncreaseRequest; r == nil || r.Status != "PENDING" || r.DesiredValue != 800 {
		t.Errorf("small users request = %+v, want the one just filed", r)
	}
	if r := row(t, rep, "big", "L-9A46857E").IncreaseRequest; r == nil || r.ID != "req-users-big" || r.CaseID != "177000000000001" {
		t.Errorf("big users request = %+v, want the scenario's open one", r)
	}

	// AWS refuses a second open request for the same quota and instance.
	_, stderr, code = cqmon(t, env, "request-increase", "--quota", "L-9A46857E", "--instance", "big", "--value", "4500", "--yes")
	if code != 1 || !strings.Contains(stderr, "ResourceAlreadyExistsException") {
		t.Errorf("second open request: exit %d\n%s", code, stderr)
	}
}

func TestRequestIncreaseRefusals(t *testing.T) {
	env, srv := startSim(t, simtest.Load(t, "testdata/requests.json"))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--quota", "L-9A46857E", "--instance", "big", "--value", "3000"}, "value 3000 is not above the applied limit 3000 of L-9A46857E (Users per instance)"},
		{[]string{"--quota", "L-9A46857E", "--instance", "small", "--value", "499"}, "value 499 is not above the applied limit 500 of L-9A46857E"},
		{[]string{"--quota", "L-00000000", "--value", "5"}, `quota: "L-00000000" is not a quota cqmon knows`},
		{[]string{"--quota", "L-22922690", "--instance", "big", "--value", "900"}, "quota L-22922690: Service Quotas does not know it for service connect in us-east-1"},
		{[]string{"--quota", "L-C7548958", "--instance", "big", "--value", "2"}, "quota L-C7548958 (Amazon Pinpoint application integration associations per instance) is not adjustable"},
		{[]string{"--quota", "L-9A46857E", "--instance", "nope", "--value", "900"}, `instance: "nope" is neither the id nor the alias of a Connect instance in us-east-1`},
		{[]string{"--quota", "L-9A46857E", "--value", "900"}, "quota L-9A46857E (Users per instance) applies to each instance: name the instance with --instance"},
		{[]string{"--quota", "users", "--value", "3"}, `quota: "users" is not a quota code (L- and 8 hex digits)`},
		{[]string{"--quota", "L-AA17A6B9", "--value", "many"}, `value: "many" is not a positive number`},
		{[]string{"--quota", "L-AA17A6B9", "--value", "-3"}, `value: "-3" is not a positive number`},
		{[]string{"--quota", "L-AA17A6B9", "--value", "NaN"}, `value: "NaN" is not a positive number`},
		{[]string{"--quota", "L-AA17A6B9", "--value", "+Inf"}, `value: "+Inf" is not a positive number`},
		{[]string{"--quota", "L-AA17A6B9"}, "value: required"},
		{[]string{"--quota", "L-AA17A6B9", "--value", "5", "--region", "mars"}, `region: "mars" is not an AWS Region name`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, stderr, code := cqmon(t, env, append([]string{"request-increase", "--yes"}, tt.args...)...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want 2 and %q:\n%s", code, tt.want, stderr)
			}
		})
	}
	if n := calls(srv, "RequestServiceQuotaIncrease"); n != 0 {
		t.Errorf("refused requests sent %d call(s)", n)
	}
}

// --threshold-for judges rows by their own thresholds, and --fail-on
// exits 4 only after the report is printed and stored.
func TestThresholdForAndFailOn(t *testing.T) {
	env, _ := startSim(t, simtest.Load(t, "testdata/requests.json"))
	db := filepath.Join(t.TempDir(), "history.db")

	stdout, stderr, code := cqmon(t, env, "scan", "--output", "json", "--quiet", "--store", "local:"+db,
		"--fail-on", "violation", "--fail-on", "unknown")
	if code != 4 {
		t.Fatalf("exit %d, want 4\n%s", code, stderr)
	}
	rep := decodeReport(t, stdout) // printed in full
	if !strings.Contains(stderr, "--fail-on: found 3 violation row(s), ") || !strings.Contains(stderr, "unknown row(s)") {
		t.Errorf("stderr does not count the rows:\n%s", stderr)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("the run was not stored: %v", err)
	}
	hist, stderr, code := cqmon(t, env, "history", "--store", "local:"+db, "--output", "json")
	if code != 0 || !strings.Contains(hist, rep.RunID) {
		t.Errorf("history exit %d lacks run %s\n%s%s", code, rep.RunID, hist, stderr)
	}
	if r := row(t, rep, "big", "L-C7548958"); !r.Singleton || r.Status != quota.StatusViolation {
		t.Errorf("the Pinpoint row = %+v, want a singleton violation (not counted by --fail-on)", r)
	}

	// The same account passes once thresholds fit it: users at 83% and
	// queues at 90% are under their own thresholds, the instance count is
	// muted, and the full Pinpoint singleton does not alert.
	stdout, stderr, code = cqmon(t, env, "scan", "--output", "json", "--quiet", "--store", "none", "--fail-on", "violation",
		"--threshold-for", "instance:big/code:L-9A46857E=90", "--threshold-for", "name:queues per *=95", "--mute", "code:L-AA17A6B9")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s", code, stderr)
	}
	rep = decodeReport(t, stdout)
	for _, c := range []struct {
		alias, code string
		threshold   float64
		status      quota.Status
	}{
		{"big", "L-9A46857E", 90, quota.StatusOK},
		{"small", "L-9A46857E", 80, quota.StatusOK},
		{"big", "L-19A87C94", 95, quota.StatusOK},
		{"big", "L-C7548958", 80, quota.StatusViolation},
	} {
		if r := row(t, rep, c.alias, c.code); r.Threshold != c.threshold || r.Status != c.status {
			t.Errorf("%s %s: threshold %v status %s, want %v %s", c.alias, c.code, r.Threshold, r.Status, c.threshold, c.status)
		}
	}

	// Singletons count once they alert.
	_, stderr, code = cqmon(t, env, "scan", "--quiet", "--store", "none", "--notify", "stdout", "--fail-on", "violation", "--alert-singletons",
		"--threshold-for", "instance:big/code:L-9A46857E=90", "--threshold-for", "name:queues per *=95", "--mute", "code:L-AA17A6B9")
	if code != 4 || !strings.Contains(stderr, "found 1 violation row(s)") {
		t.Errorf("--alert-singletons: exit %d\n%s", code, stderr)
	}
}

func TestThresholdAndFailOnBadValues(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--threshold-for", "code:L-9A46857E=150"}, `threshold-for: threshold "code:L-9A46857E=150": "150" is not a percentage from 1 to 99`},
		{[]string{"--threshold-for", "queues=70"}, `threshold-for: threshold "queues=70": unknown kind "queues" (want code, name or instance)`},
		{[]string{"--threshold-for", "instance:prod=70"}, `threshold-for: threshold "instance:prod=70": "prod" is not <id or alias>/code:<quota code>`},
		{[]string{"--threshold-for", "code:L-9A46857E=4"}, "threshold-for: code:L-9A46857E=4: the threshold is not above the hysteresis 5"},
		{[]string{"--fail-on", "sometimes"}, `--fail-on: "sometimes" is not one of violation, forecast, unknown`},
		{[]string{"serve", "--fail-on", "violation"}, "fail-on: serve keeps running and never exits on a row"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := append([]string{"demo"}, tt.args...)
			if tt.args[0] == "serve" {
				args = tt.args
			}
			_, stderr, code := cqmon(t, nil, args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want 2 and %q:\n%s", code, tt.want, stderr)
			}
		})
	}
}

func TestIAMPolicyForRequests(t *testing.T) {
	scan, _, code := cqmon(t, nil, "iam-policy")
	if code != 0 || !strings.Contains(scan, "servicequotas:ListRequestedServiceQuotaChangeHistory") || strings.Contains(scan, "RequestServiceQuotaIncrease\"") {
		t.Errorf("scan policy (exit %d) must read increase requests and never file them:\n%s", code, scan)
	}
	req, _, code := cqmon(t, nil, "iam-policy", "--request-increase")
	for _, want := range []string{"servicequotas:RequestServiceQuotaIncrease", "servicequotas:GetServiceQuota", "connect:ListInstances"} {
		if code != 0 || !strings.Contains(req, want) {
			t.Errorf("request policy (exit %d) lacks %s:\n%s", code, want, req)
		}
	}
}

// seedUsersHistory records 30 daily runs in a local store in which the
// users of instance "big" grow 12 a day to today's 2500 of 3000: full in
// about 42 days.
func seedUsersHistory(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	s, err := store.OpenAll(ctx, []string{"local:" + db}, nil, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	users, ok := catalog.Default().Lookup("connect.users")
	if !ok {
		t.Fatal("no connect.users in the catalog")
	}
	now := time.Now().UTC()
	for k := 30; k >= 1; k-- {
		at := now.Add(-time.Duration(k) * 24 * time.Hour)
		r := quota.Evaluate(users, quota.Measurement{Value: float64(2500 - 12*k)}, quota.Limit{Value: 3000, Source: quota.LimitInstance}, 80)
		rep := &quota.Report{SchemaVersion: quota.SchemaVersion, RunID: fmt.Sprintf("seed-%02d", k), StartedAt: at, FinishedAt: at,
			AccountID: "111122223333", Regions: []string{"us-east-1"}, Threshold: 80,
			Instances: []quota.InstanceReport{{InstanceID: "11111111-aaaa-4000-8000-000000000001", InstanceARN: bigARN, InstanceAlias: "big",
				Region: "us-east-1", InstanceStatus: "ACTIVE", Metrics: []quota.Result{r}, Summary: quota.Summarize([]quota.Result{r})}},
			Account: quota.AccountReport{Metrics: []quota.Result{}}, Errors: []quota.RunError{}}
		if err := s.WriteRun(ctx, rep); err != nil {
			t.Fatal(err)
		}
	}
}

// --fail-on forecast counts rows under their threshold whose trend
// reaches the limit within --horizon.
func TestFailOnForecast(t *testing.T) {
	env, _ := startSim(t, simtest.Load(t, "testdata/requests.json"))
	db := filepath.Join(t.TempDir(), "history.db")
	seedUsersHistory(t, db)
	args := []string{"scan", "--output", "json", "--quiet", "--store", "local:" + db, "--notify", "stdout", "--fail-on", "forecast",
		"--threshold-for", "instance:big/code:L-9A46857E=90"}

	stdout, stderr, code := cqmon(t, env, append(args, "--horizon", "30d")...)
	if code != 0 {
		t.Fatalf("horizon 30d: exit %d, want 0 (full in ~42 days)\n%s", code, stderr)
	}
	r := row(t, decodeReport(t, stdout), "big", "L-9A46857E")
	if r.Forecast == nil || r.Status != quota.StatusOK {
		t.Fatalf("big users = %+v, want a forecast under the threshold", r)
	}
	if d := r.Forecast.DaysToLimit; d < 35 || d > 50 {
		t.Errorf("full in %.1f days, want about 42", d)
	}

	stdout, stderr, code = cqmon(t, env, append(args, "--horizon", "60d")...)
	if code != 4 || !strings.Contains(stderr, "--fail-on: found 1 forecast row(s)") {
		t.Errorf("horizon 60d: exit %d, want 4 naming one forecast row\n%s", code, stderr)
	}
	decodeReport(t, stdout) // printed in full
}
