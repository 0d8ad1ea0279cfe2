package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
)

// parts are the reports of two accounts of one run: the same start and
// run ID, each with its account-level results in both Regions.
func parts() []*quota.Report {
	var out []*quota.Report
	for _, id := range []string{"222222222222", "666666666666"} {
		rep := fixture(0)
		rep.AccountID, rep.Part = id, &quota.Part{AccountID: id}
		rep.Instances = nil // instance IDs are unique across accounts
		out = append(out, rep)
	}
	return out
}

// TestPartsKeepTheirAccountRecords writes the parts of one run to each
// backend: each account's record and each of its points is read back,
// none overwritten by the other account's.
func TestPartsKeepTheirAccountRecords(t *testing.T) {
	s3st, _ := newBucket(t, Options{})
	dyn, _ := newTable(t)
	local, _ := openTestLocal(t, Options{})
	ctx := context.Background()
	for _, st := range []Store{s3st, dyn, local} {
		t.Run(st.String(), func(t *testing.T) {
			for _, rep := range parts() {
				if err := st.WriteRun(ctx, rep); err != nil {
					t.Fatal(err)
				}
			}
			runs, err := st.Runs(ctx, Query{InstanceID: AccountInstanceID})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range runs {
				got = append(got, r.AccountID+" "+r.Region)
			}
			slices.Sort(got)
			if diff := cmp.Diff([]string{"222222222222 us-east-1,eu-west-2", "666666666666 us-east-1,eu-west-2"}, got); diff != "" {
				t.Errorf("account records (-want +got):\n%s", diff)
			}
			ps, err := st.QuotaSeries(ctx, Query{InstanceID: AccountInstanceID, Quota: "L-CCCCCCCC"})
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for _, p := range ps {
				got = append(got, fmt.Sprintf("%s %s %v", p.AccountID, p.Region, *p.Usage))
			}
			slices.Sort(got)
			want := []string{"222222222222 eu-west-2 1", "222222222222 us-east-1 2", "666666666666 eu-west-2 1", "666666666666 us-east-1 2"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("account points (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPartSegmentRefused: a part whose account or Region could not be a
// key segment is refused, naming the field and the value, and nothing is
// written.
func TestPartSegmentRefused(t *testing.T) {
	tests := []struct {
		part quota.Part
		want string
	}{
		{quota.Part{AccountID: "2222"}, `store: report part account "2222" is not a 12-digit account id`},
		{quota.Part{AccountID: "222222222222", Region: "../x"}, `store: report part region "../x" is not an AWS Region name`},
	}
	local, _ := openTestLocal(t, Options{})
	for _, tc := range tests {
		rep := fixture(0)
		rep.Part = &tc.part
		err := local.WriteRun(context.Background(), rep)
		if err == nil || err.Error() != tc.want {
			t.Errorf("WriteRun(part %+v) = %v, want %s", tc.part, err, tc.want)
		}
	}
	if runs, err := local.Runs(context.Background(), Query{}); err != nil || len(runs) != 0 {
		t.Errorf("after refused parts: %d runs, %v", len(runs), err)
	}
}
