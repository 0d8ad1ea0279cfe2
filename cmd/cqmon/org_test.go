package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim/simtest"
)

// orgSimulator serves the test Organization: a management account and
// members that are scanned, suspended, closed, without the role, with
// another ExternalId, and without Connect.
func orgSimulator(t *testing.T) []string {
	t.Helper()
	env, _ := startSim(t, simtest.Load(t, "../../internal/sim/testdata/org.json"))
	return env
}

// TestScanOrg scans the test Organization end to end: every ACTIVE
// account is scanned with its own counts and limits, suspended and closed
// ones are skipped, the ones that cannot be entered are reported with
// their reason, and each violating instance gets one alert naming its
// account.
func TestScanOrg(t *testing.T) {
	env := orgSimulator(t)
	stdout, stderr, code := cqmon(t, env, "scan", "--org", "--external-id", "k3y-0rg", "--regions", "us-east-1",
		"--output", "json", "--notify", "stdout", "--store", "none", "--rate-share", "1")
	if code != 0 {
		t.Fatalf("scan exit %d\n%s", code, stderr)
	}
	rep := decodeReport(t, stdout)

	type account struct{ ID, Name, Status, Reason string }
	var got []account
	for _, a := range rep.Accounts {
		got = append(got, account{a.AccountID, a.AccountName, string(a.Status), a.Reason})
	}
	denied := "credentials: access denied: sts:AssumeRole (AccessDenied: User: arn:aws:sts::111122223333:assumed-role/cqmon/simulator is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::%s:role/cqmon-reader)"
	want := []account{
		{"111122223333", "management", "ok", ""},
		{"222222222222", "prod", "ok", ""},
		{"333333333333", "legacy", "skipped", "the account is SUSPENDED in the Organization"},
		{"444444444444", "no-role", "error", strings.Replace(denied, "%s", "444444444444", 1)},
		{"555555555555", "wrong-external-id", "error", strings.Replace(denied, "%s", "555555555555", 1)},
		{"666666666666", "staging", "ok", ""},
		{"777777777777", "no-connect", "error", "no Region could be scanned: list instances: access denied: connect:ListInstances (AccessDeniedException: User is not authorized to perform connect:ListInstances)"},
		{"888888888888", "closed", "skipped", "the account is CLOSED in the Organization"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}

	// Each instance is measured against its own account's counts.
	violations := map[string][]string{}
	var violating []quota.InstanceReport
	for _, in := range rep.Instances {
		key := in.AccountID + "/" + in.AccountName + "/" + in.InstanceAlias
		violations[key] = []string{}
		for _, r := range in.Metrics {
			if r.Status == quota.StatusViolation {
				violations[key] = append(violations[key], r.Key+" "+quota.FormatNumber(*r.Usage)+"/"+quota.FormatNumber(*r.Limit))
			}
		}
		slices.Sort(violations[key])
		if len(violations[key]) > 0 {
			violating = append(violating, in)
		}
	}
	wantViolations := map[string][]string{
		"111122223333/management/hq":   {"connect.queues 45/50"},
		"222222222222/prod/prod-a":     {"connect.contact_flows 85/100", "connect.queues 48/50"},
		"222222222222/prod/prod-b":     {},
		"666666666666/staging/stage-a": {"connect.contact_flows 99/100"},
	}
	if diff := cmp.Diff(wantViolations, violations); diff != "" {
		t.Errorf("violations by account and instance (-want +got):\n%s", diff)
	}
	for _, m := range rep.Account.Metrics {
		if m.AccountID == "" || !slices.Contains([]string{"111122223333", "222222222222", "666666666666"}, m.AccountID) {
			t.Errorf("account-level %s carries account %q", m.Key, m.AccountID)
		}
	}

	// One alert per violating instance, naming its account (the stdout
	// channel's text goes to stderr beside a JSON report).
	_, alerts, _ := strings.Cut(stderr, "\nALERTS\n")
	subjects := regexp.MustCompile(`(?m)^Connect Quota Alert - Instance: .*$`).FindAllString(alerts, -1)
	var wantSubjects []string
	for _, in := range violating {
		wantSubjects = append(wantSubjects, "Connect Quota Alert - Instance: "+in.InstanceAlias+" ("+
			violationCount(in.Summary.ViolationsCount)+") - "+in.AccountName)
	}
	if diff := cmp.Diff(wantSubjects, subjects); diff != "" {
		t.Errorf("alert subjects (-want +got):\n%s\nalerts:\n%s", diff, alerts)
	}
	for _, in := range violating {
		if !strings.Contains(alerts, "Account: "+in.AccountID+" ("+in.AccountName+")") {
			t.Errorf("no alert body names account %s (%s)", in.AccountID, in.AccountName)
		}
	}
}

func violationCount(n int) string {
	if n == 1 {
		return "1 violation"
	}
	return quota.FormatNumber(float64(n)) + " violations"
}

// TestScanOrgUnits limits --org to a unit and its children.
func TestScanOrgUnits(t *testing.T) {
	env := orgSimulator(t)
	stdout, stderr, code := cqmon(t, env, "scan", "--org-ou", "ou-te57-prod0001", "--external-id", "k3y-0rg", "--regions", "us-east-1",
		"--output", "json", "--store", "none", "--rate-share", "1")
	if code != 0 {
		t.Fatalf("scan exit %d\n%s", code, stderr)
	}
	var got []string
	for _, a := range decodeReport(t, stdout).Accounts {
		got = append(got, a.AccountID+" "+string(a.Status))
	}
	want := []string{"222222222222 ok", "333333333333 skipped", "666666666666 ok"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
}

// TestScanAccountsList scans a list of accounts: the caller's own with
// its own credentials, the others through the role; the table names the
// account of each violation and lists the accounts.
func TestScanAccountsList(t *testing.T) {
	env := orgSimulator(t)
	stdout, stderr, code := cqmon(t, env, "scan", "--accounts", "111122223333,666666666666", "--regions", "us-east-1",
		"--store", "none", "--quiet", "--rate-share", "1")
	if code != 0 {
		t.Fatalf("scan exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"ACCOUNTS  2 scanned, 0 failed, 0 skipped",
		"  666666666666/stage-a  Contact flows per instance",
		"  111122223333/hq       Queues per instance",
		"  alert  666666666666/stage-a (us-east-1)",
		"  alert  111122223333/hq (us-east-1)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}
