package monitor

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/dashboard"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// A run of several accounts keeps one account-level record per account,
// so the trend lines' read must allow for each: with two accounts and no
// instance, the dashboard still gets its dashboard.TrendRuns runs.
func TestHistoryOfSeveralAccounts(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "local:"+filepath.Join(t.TempDir(), "h.db"), nil, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	usage, limit := 4.0, 100.0
	report := func(day int) *quota.Report {
		at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(day) * time.Hour)
		rep := &quota.Report{SchemaVersion: quota.SchemaVersion, RunID: fmt.Sprintf("run-%02d", day), StartedAt: at, FinishedAt: at,
			AccountID: "111111111111", Regions: []string{"us-east-1"}, Threshold: 80}
		for _, acct := range []string{"111111111111", "222222222222"} {
			rep.Accounts = append(rep.Accounts, quota.AccountStatus{AccountID: acct, Status: quota.AccountOK})
			rep.Account.Metrics = append(rep.Account.Metrics, quota.Result{ServiceCode: "connect", QuotaName: "Amazon Connect instance count",
				Key: "connect.instances", Region: "us-east-1", AccountID: acct, Usage: &usage, Limit: &limit, Utilization: &usage, Status: quota.StatusOK})
		}
		return rep
	}
	for day := range dashboard.TrendRuns + 5 {
		for _, part := range report(day).ByAccount() {
			// As Runner.run keys each account's part.
			part.Part = partOf(part, "111111111111", "", true)
			if err := st.WriteRun(ctx, part); err != nil {
				t.Fatal(err)
			}
		}
	}
	past, err := History(ctx, st, report(dashboard.TrendRuns+5))
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string]bool{}
	for _, p := range past {
		runs[p.RunID] = true
	}
	if len(runs) < dashboard.TrendRuns {
		t.Errorf("History gave %d runs of two accounts, want at least %d", len(runs), dashboard.TrendRuns)
	}
}
