package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
)

// Reports rebuilds the reports a store holds, newest first, with what the
// records keep.
func TestReports(t *testing.T) {
	l, _ := openTestLocal(t, Options{})
	ctx := context.Background()
	for i := range 3 {
		if err := l.WriteRun(ctx, fixture(i)); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := l.Runs(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	var want []*quota.Report
	for i := 2; i >= 0; i-- {
		rep := fixture(i)
		// Records keep neither ARNs, nor the run's end (ignored below) and
		// errors; instances come back by Region.
		rep.Errors = []quota.RunError{}
		rep.Instances[0], rep.Instances[1] = rep.Instances[1], rep.Instances[0]
		for j := range rep.Instances {
			rep.Instances[j].InstanceARN = ""
		}
		want = append(want, rep)
	}
	got := Reports(runs)
	if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".FinishedAt" }, cmp.Ignore())); diff != "" {
		t.Errorf("Reports (-want +got):\n%s", diff)
	}
}

// A run of several accounts has one account record per account; the
// rebuilt report holds the account-level quotas of all of them.
func TestReportsOfSeveralAccounts(t *testing.T) {
	rep := fixture(0)
	acct := func(id, regions string) Run {
		return Run{RunID: rep.RunID, Time: rep.StartedAt, AccountID: id, Region: regions,
			InstanceID: AccountInstanceID, Metrics: rep.Account.Metrics}
	}
	reps := Reports([]Run{acct("123456789012", "us-east-1,eu-west-2"), acct("222233334444", "eu-west-2,ap-southeast-2")})
	if len(reps) != 1 {
		t.Fatalf("%d reports, want the one run", len(reps))
	}
	got := []any{len(reps[0].Account.Metrics), reps[0].Regions}
	want := []any{2 * len(rep.Account.Metrics), []string{"us-east-1", "eu-west-2", "ap-southeast-2"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("account-level results and Regions (-want +got):\n%s", diff)
	}
}
