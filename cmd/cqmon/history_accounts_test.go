package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// TestHistoryOfSeveralAccounts: the parts of a run of two accounts share
// its start and run ID; history lists each account's record and names
// the account of every row.
func TestHistoryOfSeveralAccounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := store.Open(context.Background(), "local:"+path, nil, store.Options{Retention: 100 * 365 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	instances := quota.Definition{Key: "connect.instances", ServiceCode: "connect", Code: "L-CCCCCCCC", Name: "Amazon Connect instances per account", Scope: quota.ScopeAccount}
	started := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for i, id := range []string{"222222222222", "666666666666"} {
		acct := []quota.Result{quota.Evaluate(instances, quota.Measurement{Value: float64(1 + i)}, quota.Limit{Value: 2, Source: quota.LimitAccount}, 80)}
		acct[0].Region, acct[0].AccountID = "us-east-1", id
		rep := &quota.Report{
			SchemaVersion: quota.SchemaVersion, RunID: "20250301T100000Z-two", StartedAt: started, AccountID: id,
			Regions: []string{"us-east-1"}, Account: quota.AccountReport{Metrics: acct, Summary: quota.Summarize(acct)},
			Part: &quota.Part{AccountID: id},
		}
		if err := st.WriteRun(context.Background(), rep); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"runs", []string{"--instance", "account"}},
		{"quota-csv", []string{"--quota", "L-CCCCCCCC", "--instance", "account", "--output", "csv"}},
		{"runs-json", []string{"--output", "json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"--store", "local:" + path, "--since", fmt.Sprintf("%dd", maxDays)}, tc.args...)
			if err := cmdHistory(context.Background(), args, &stdout, &stderr); err != nil {
				t.Fatalf("cmdHistory(%q): %v\n%s", args, err, stderr.String())
			}
			golden.Check(t, "history-accounts-"+tc.name+".golden", stdout.Bytes())
		})
	}
}
