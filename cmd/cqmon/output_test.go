package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/monitor"
	"github.com/cqmon/cqmon/internal/quota"
)

// TestJSONOutputKeepsStdoutOneDocument: with --output json, the stdout
// channel's alert text goes to stderr and stdout holds one JSON document.
func TestJSONOutputKeepsStdoutOneDocument(t *testing.T) {
	stdout, stderr, code := cqmon(t, nil, "demo", "--output", "json", "--notify", "stdout")
	if code != 0 {
		t.Fatalf("demo exit %d\n%s", code, stderr)
	}
	var rep quota.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not one JSON document: %v", err)
	}
	if !strings.Contains(stderr, "ALERTS") || !strings.Contains(stderr, "Connect Quota Alert - Instance: acme-prod") {
		t.Errorf("stderr lacks the alert text:\n%s", stderr)
	}
}

// TestProgressInWords: the last progress line prints lists and counts as
// people write them, not Go values.
func TestProgressInWords(t *testing.T) {
	_, stderr, code := cqmon(t, nil, "demo", "--output", "json", "--notify", "stdout")
	if code != 0 {
		t.Fatalf("demo exit %d\n%s", code, stderr)
	}
	var done string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "[done]") {
			done = line
		}
	}
	if !strings.Contains(done, "; not stored; alerts sent: 4 alert") {
		t.Errorf("last progress line = %q", done)
	}
	for _, bad := range []string{"map[", " []", "(s)"} {
		if strings.Contains(done, bad) {
			t.Errorf("last progress line %q holds %q", done, bad)
		}
	}
}

func TestDoneLine(t *testing.T) {
	tests := []struct {
		name string
		sum  monitor.Summary
		want string
	}{
		{"nothing", monitor.Summary{Instances: 1, Quotas: 1, Violations: 1, APICalls: 1, AlertsSent: map[string]int{}, SinksWritten: []string{}},
			"[done] 1 instance, 1 quota, 1 violation, 0 unknown; 1 AWS call, 0 throttled; not stored; no alert sent"},
		{"all", monitor.Summary{Instances: 5, Quotas: 422, Violations: 17, Unknown: 37, APICalls: 851, Throttled: 2,
			AlertsSent: map[string]int{"recovery": 1, "alert": 4, "forecast": 2}, SinksWritten: []string{"local:/tmp/h.db", "dynamodb:cqmon"}},
			"[done] 5 instances, 422 quotas, 17 violations, 37 unknown; 851 AWS calls, 2 throttled; stored in local:/tmp/h.db, dynamodb:cqmon; alerts sent: 4 alert, 2 forecast, 1 recovery"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, doneLine(tc.sum)); diff != "" {
				t.Errorf("doneLine (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSimulateSuggestsTheScanOfEveryRegion runs the scan that `cqmon
// simulate` suggests, with the variables it prints, and finds every
// instance of the demo account, in both its Regions.
func TestSimulateSuggestsTheScanOfEveryRegion(t *testing.T) {
	sim := exec.Command(binary, "simulate", "--listen", "127.0.0.1:0")
	sim.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	out, err := sim.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	sim.Stderr = os.Stderr
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		sim.Process.Kill()
		sim.Wait()
	}()
	var env, args []string
	var header string
	sc := bufio.NewScanner(out)
	// The block ends with the unset line; the simulator then serves.
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "unset ") {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "export "):
			env = append(env, strings.Fields(strings.TrimPrefix(line, "export "))...)
		case strings.HasPrefix(line, "# cqmon simulator"):
			header = line
			if _, cmd, ok := strings.Cut(line, "then run: cqmon "); ok {
				args = strings.Fields(cmd)
			}
		}
	}
	if args == nil {
		t.Fatalf("simulate suggested no scan command (header %q)", header)
	}
	if strings.Contains(header, "[") {
		t.Errorf("header prints a Go list: %q", header)
	}
	stdout, stderr, code := cqmon(t, append(env, "AWS_MAX_ATTEMPTS=5"), append(args, "--output", "json", "--store", "none", "--quiet")...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s", args, code, stderr)
	}
	rep := decodeReport(t, stdout)
	regions := map[string]int{}
	for _, in := range rep.Instances {
		regions[in.Region]++
	}
	if want := map[string]int{"us-east-1": 4, "eu-west-2": 1}; !cmp.Equal(regions, want) {
		t.Errorf("instances by Region = %v, want %v", regions, want)
	}
}

// TestScanWithoutCredentials: a machine with no credentials at all gets
// one error that says so and where cqmon looks, exit 1, and no report.
func TestScanWithoutCredentials(t *testing.T) {
	stdout, stderr, code := cqmon(t, []string{"AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true"}, "scan", "--store", "none")
	if code != exitIncomplete {
		t.Errorf("exit %d, want %d", code, exitIncomplete)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	for _, want := range []string{"cqmon scan: no AWS credentials found", "AWS_ACCESS_KEY_ID", "--profile", "AWS_PROFILE", "aws sso login", "instance role"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "transient") {
		t.Errorf("stderr calls it transient:\n%s", stderr)
	}
}
