package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// historyFixture writes three hourly runs of two instances and the
// account to a local store and returns its spec.
func historyFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := store.Open(context.Background(), "local:"+path, nil, store.Options{Retention: 100 * 365 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	users := quota.Definition{Key: "connect.users", ServiceCode: "connect", Code: "L-AAAAAAAA", Name: "Users per instance", Scope: quota.ScopeInstance}
	queues := quota.Definition{Key: "connect.queues", ServiceCode: "connect", Name: "Queues per instance", Scope: quota.ScopeInstance}
	instances := quota.Definition{Key: "connect.instances", ServiceCode: "connect", Code: "L-CCCCCCCC", Name: "Amazon Connect instances per account", Scope: quota.ScopeAccount}
	eval := func(d quota.Definition, usage, limit float64) quota.Result {
		return quota.Evaluate(d, quota.Measurement{Value: usage}, quota.Limit{Value: limit, Source: quota.LimitAccount}, 80)
	}
	for i := range 3 {
		started := time.Date(2025, 3, 1, 10+i, 0, 0, 0, time.UTC)
		a := []quota.Result{eval(users, float64(70+5*i), 100),
			quota.Evaluate(queues, quota.Measurement{Err: errors.New("throttled")}, quota.Limit{}, 80)}
		b := []quota.Result{eval(users, 3, 100)}
		acct := []quota.Result{eval(instances, 2, 2)}
		acct[0].Region = "us-east-1"
		rep := &quota.Report{
			SchemaVersion: quota.SchemaVersion, RunID: fmt.Sprintf("%s-run%d", started.Format("20060102T150405Z"), i),
			StartedAt: started, AccountID: "123456789012", Regions: []string{"us-east-1"},
			Instances: []quota.InstanceReport{
				{InstanceID: "aaaaaaaa-1111-4111-8111-111111111111", InstanceAlias: "prod", Region: "us-east-1", Metrics: a, Summary: quota.Summarize(a)},
				{InstanceID: "bbbbbbbb-2222-4222-8222-222222222222", Region: "us-east-1", Metrics: b, Summary: quota.Summarize(b)},
			},
			Account: quota.AccountReport{Metrics: acct, Summary: quota.Summarize(acct)},
		}
		if err := st.WriteRun(context.Background(), rep); err != nil {
			t.Fatal(err)
		}
	}
	return "local:" + path
}

func TestHistory(t *testing.T) {
	spec := historyFixture(t)
	tests := []struct {
		name string
		args []string
	}{
		{"runs-table", nil},
		{"runs-json", []string{"--output", "json", "--limit", "2"}},
		{"runs-csv", []string{"--output", "csv", "--instance", "aaaaaaaa-1111-4111-8111-111111111111"}},
		{"quota-table", []string{"--quota", "users per instance"}},
		{"quota-csv", []string{"--quota", "L-AAAAAAAA", "--instance", "aaaaaaaa-1111-4111-8111-111111111111", "--output", "csv"}},
		{"quota-json-unknown", []string{"--quota", "connect.queues", "--output", "json", "--limit", "1"}},
		{"quota-account", []string{"--quota", "L-CCCCCCCC", "--instance", "account", "--limit", "2"}},
		{"quota-alias", []string{"--quota", "L-AAAAAAAA", "--instance", "prod", "--limit", "2"}},
		{"runs-alias", []string{"--instance", "PROD", "--limit", "1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"--store", spec, "--since", fmt.Sprintf("%dd", maxDays)}, tc.args...)
			if err := cmdHistory(context.Background(), args, &stdout, &stderr); err != nil {
				t.Fatalf("cmdHistory(%q): %v\n%s", args, err, stderr.String())
			}
			golden.Check(t, "history-"+tc.name+".golden", stdout.Bytes())
		})
	}
}

func TestHistoryEmptyWindow(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := cmdHistory(context.Background(), []string{"--store", historyFixture(t), "--since", "1h", "--output", "csv"}, &stdout, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), "time,run_id,instance_id,instance_alias,region,metrics_count,violations_count,unknown_count,max_utilization,avg_utilization\n"; got != want {
		t.Errorf("stdout %q, want the header only %q", got, want)
	}
	if stderr.Len() == 0 {
		t.Error("nothing on stderr about the empty window")
	}
}

func TestHistoryBadUsage(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	tests := []struct {
		args      []string
		want      string
		wantUsage bool
	}{
		{[]string{"--output", "xml"}, `--output: "xml" is not one of table, json, csv (see cqmon history --help)`, true},
		{[]string{"--since", "0d"}, `--since: "0d" is not a number of days from 1 to 36500 (see cqmon history --help)`, true},
		{[]string{"--since", "3w"}, `--since: "3w" is not a positive duration such as 36h, or days such as 30d (see cqmon history --help)`, true},
		{[]string{"--limit", "-1"}, "limit: -1 is negative", true},
		{[]string{"--store", "dynamo:x"}, `store: "dynamo:x" is not one of local:<path>, dynamodb:<table>, s3://<bucket>/<prefix>`, true},
		{[]string{"extra"}, `unexpected argument "extra" (see cqmon history --help)`, true},
		{[]string{"--store", "local:" + missing}, "store local:" + missing + ": no history yet (a run writes it)", false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.args), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := cmdHistory(context.Background(), tc.args, &stdout, &stderr)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("cmdHistory(%q) = %v, want %q", tc.args, err, tc.want)
			}
			var ue usageError
			if errors.As(err, &ue) != tc.wantUsage {
				t.Errorf("usage error: %v, want %v", errors.As(err, &ue), tc.wantUsage)
			}
		})
	}
}

func TestSinceFlag(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"30d", 30 * 24 * time.Hour},
		{"36h", 36 * time.Hour},
		{"90m", 90 * time.Minute},
	}
	for _, tc := range tests {
		var s durationFlag
		if err := s.Set(tc.in); err != nil || time.Duration(s) != tc.want {
			t.Errorf("Set(%q) = %v, %v; want %v", tc.in, time.Duration(s), err, tc.want)
		}
	}
}

// TestHistoryAliasHeldByTwoInstances: an alias that named two instances in
// the window is refused with both IDs, not resolved to one of them.
func TestHistoryAliasHeldByTwoInstances(t *testing.T) {
	spec := historyFixture(t)
	st, err := store.Open(context.Background(), spec, nil, store.Options{Retention: 100 * 365 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	started := time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)
	err = st.WriteRun(context.Background(), &quota.Report{
		SchemaVersion: quota.SchemaVersion, RunID: "20250302T100000Z-rename", StartedAt: started, AccountID: "123456789012",
		Regions:   []string{"us-east-1"},
		Instances: []quota.InstanceReport{{InstanceID: "bbbbbbbb-2222-4222-8222-222222222222", InstanceAlias: "prod", Region: "us-east-1"}},
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err = cmdHistory(context.Background(), []string{"--store", spec, "--since", fmt.Sprintf("%dd", maxDays), "--instance", "prod"}, &stdout, &stderr)
	want := `instance: alias "prod" was held by 2 instances (aaaaaaaa-1111-4111-8111-111111111111, bbbbbbbb-2222-4222-8222-222222222222): give the ID`
	var ue usageError
	if err == nil || err.Error() != want || !errors.As(err, &ue) {
		t.Errorf("cmdHistory = %v, want the usage error %q", err, want)
	}
}
