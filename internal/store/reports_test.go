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
