package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim/simtest"
)

// binary is the cqmon executable built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cqmon-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "cqmon")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	mototest.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cqmon runs the binary with a clean AWS environment plus env.
func cqmon(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func decodeReport(t *testing.T, s string) *quota.Report {
	t.Helper()
	var rep quota.Report
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("stdout is not a report: %v\n%s", err, s)
	}
	return &rep
}

func TestDemoJSON(t *testing.T) {
	stdout, stderr, code := cqmon(t, nil, "demo", "--output", "json")
	if code != 0 {
		t.Fatalf("demo exit %d\n%s", code, stderr)
	}
	rep := decodeReport(t, stdout)
	tot := rep.Totals()
	if tot.ViolationsCount == 0 || tot.UnknownCount == 0 {
		t.Errorf("demo totals = %+v, want violations and unknowns", tot)
	}
	for _, in := range rep.Instances {
		for _, r := range in.Metrics {
			if r.Status == quota.StatusUnknown && (r.Reason == "" || r.Utilization != nil) {
				t.Errorf("%s %s: unknown without a reason or with a utilization: %+v", in.InstanceAlias, r.Key, r)
			}
		}
	}
	if !strings.Contains(stderr, "found") {
		t.Errorf("stderr has no progress lines:\n%s", stderr)
	}
}

func TestDemoTableQuiet(t *testing.T) {
	stdout, stderr, code := cqmon(t, nil, "demo", "--quiet")
	if code != 0 {
		t.Fatalf("demo exit %d\n%s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("--quiet printed on stderr:\n%s", stderr)
	}
	for _, want := range []string{"NEEDS ACTION", "acme-prod", "VIOLATION", "UNKNOWN", "instance", "CREATION_IN_PROGRESS", "ALERTS"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

func TestBadUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--threshold", "150"}, "threshold: 150 is outside 1–99 (percent)"},
		{[]string{"demo", "--threshold", "NaN"}, `--threshold: "NaN" is not a finite number`},
		{[]string{"scan", "--rate-share", "nan"}, `--rate-share: "nan" is not a finite number`},
		{[]string{"demo", "--margin", "-Inf"}, `--margin: "-Inf" is not a finite number`},
		{[]string{"demo", "--hysteresis", "NaN"}, `--hysteresis: "NaN" is not a finite number`},
		{[]string{"bench", "--scale", "+Inf"}, `--scale: "+Inf" is not a finite number`},
		{[]string{"bench", "--rate-share", "2"}, `rate-share: 2 is outside 0.05-1`},
		{[]string{"scan", "--regions", "us-east-1,moon"}, `regions: "moon" is not an AWS Region name`},
		{[]string{"demo", "--output", "xml"}, `--output: "xml" is not one of table, json`},
		{[]string{"demo", "--lookback", "20d"}, `lookback: 20d is outside 1m–14d`},
		{[]string{"demo", "--notify", "pager:x"}, `notify: channel "pager:x"`},
		{[]string{"demo", "--mute", "color:red"}, `mute:`},
		{[]string{"scan", "--store", "dynamo:x"}, `store: "dynamo:x" is not one of`},
		{[]string{"scan", "extra"}, `unexpected argument "extra"`},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"demo", "--scenario", "testdata/invalid-scenario.json"}, "scenario:"},
		{[]string{"demo", "--status", "late"}, `--status: "late" is not one of violation, unknown, ok, near`},
		{[]string{"demo", "--quota", "[Users"}, `--quota: "[Users" is not a valid name pattern: syntax error in pattern`},
		{[]string{"demo", "--all=maybe"}, `--all: "maybe" is not true or false`},
		{[]string{"demo", "--output", "json", "--instance", "acme-prod"}, "instance: applies to the table output; --output json prints the whole report"},
		{[]string{"scan", "--accounts", "1234,222222222222"}, `accounts: "1234" is not a 12-digit AWS account id`},
		{[]string{"scan", "--org-ou", "ou-x"}, `org-ou: "ou-x" is not an organizational unit id`},
		{[]string{"scan", "--org", "--role-name", "bad role"}, `role-name: "bad role" is not an IAM role name`},
		{[]string{"scan", "--org", "--account-concurrency", "0"}, `account-concurrency: 0 is outside 1-256`},
		{[]string{"scan", "--org", "--accounts", "222222222222"}, `accounts: a list of accounts cannot be combined with --org`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, stderr, code := cqmon(t, nil, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
		})
	}
}

func TestCatalog(t *testing.T) {
	stdout, _, code := cqmon(t, nil, "catalog")
	if code != 0 || !strings.Contains(stdout, "L-22922690") || !strings.Contains(stdout, "measured") {
		t.Errorf("catalog exit %d:\n%s", code, stdout)
	}
	stdout, _, code = cqmon(t, nil, "catalog", "--coverage")
	if code != 0 || !strings.Contains(stdout, "quotas measured from a real usage source") || !strings.Contains(stdout, "per-item") {
		t.Errorf("catalog --coverage exit %d:\n%s", code, stdout)
	}
	stdout, _, code = cqmon(t, nil, "catalog", "--output", "json", "--measured")
	var defs []quota.Definition
	if err := json.Unmarshal([]byte(stdout), &defs); err != nil || code != 0 {
		t.Fatalf("catalog json: exit %d, %v", code, err)
	}
	for _, d := range defs {
		if !d.Measured() {
			t.Errorf("--measured listed %s", d.Key)
		}
	}
}

// TestScanThroughStandardEndpointVariables points a real scan, through
// AWS_ENDPOINT_URL and environment credentials, at a simulator serving a
// scenario, and checks the report carries exactly the counts and the
// per-instance applied limits that endpoint serves.
func TestScanThroughStandardEndpointVariables(t *testing.T) {
	env, _ := startSim(t, simtest.Load(t, "../../internal/engine/testdata/scan.json"))
	stdout, stderr, code := cqmon(t, env, "scan", "--output", "json", "--rate-share", "1")
	if code != 0 {
		t.Fatalf("scan exit %d\n%s", code, stderr)
	}
	rep := decodeReport(t, stdout)
	if rep.AccountID != "111122223333" || len(rep.Regions) != 1 || rep.Regions[0] != "us-east-1" {
		t.Errorf("account %q regions %v", rep.AccountID, rep.Regions)
	}
	got := map[string]string{}
	for _, in := range rep.Instances {
		for _, r := range in.Metrics {
			if r.Key == "connect.users" || r.Key == "connect.contact_flows" || r.Key == "connect.queues" {
				got[in.InstanceAlias+" "+r.Key] = quota.FormatNumber(*r.Usage) + "/" + quota.FormatNumber(*r.Limit) + " " + string(r.LimitSource)
			}
		}
	}
	want := map[string]string{
		"big connect.users":           "2500/3000 instance",
		"big connect.contact_flows":   "120/150 instance",
		"big connect.queues":          "45/50 account",
		"small connect.users":         "10/500 account",
		"small connect.contact_flows": "20/100 account",
		"small connect.queues":        "2/50 account",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
