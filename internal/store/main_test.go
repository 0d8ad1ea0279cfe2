package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/quota"
)

func TestMain(m *testing.M) { mototest.Main(m) }

const (
	instA = "aaaaaaaa-1111-4111-8111-111111111111"
	instB = "bbbbbbbb-2222-4222-8222-222222222222"
)

var (
	base  = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	users = quota.Definition{Key: "connect.users", ServiceCode: "connect", Code: "L-AAAAAAAA",
		Name: "Users per instance", Scope: quota.ScopeInstance, Adjustable: true}
	flowModules = quota.Definition{Key: "connect.flow_modules", ServiceCode: "connect",
		Name: "Flow modules per instance", Scope: quota.ScopeInstance}
	instances = quota.Definition{Key: "connect.instances", ServiceCode: "connect", Code: "L-CCCCCCCC",
		Name: "Amazon Connect instances per account", Scope: quota.ScopeAccount, Adjustable: true}
)

func result(d quota.Definition, usage, limit float64) quota.Result {
	return quota.Evaluate(d, quota.Measurement{Value: usage}, quota.Limit{Value: limit, Source: quota.LimitInstance}, 80)
}

// fixture is run i of a small account: two instances an hour apart per
// run, and two account-level results.
func fixture(i int) *quota.Report {
	started := base.Add(time.Duration(i) * time.Hour)
	inst := func(id, alias, region string, rs ...quota.Result) quota.InstanceReport {
		return quota.InstanceReport{InstanceID: id, InstanceARN: "arn:aws:connect:" + region + ":123456789012:instance/" + id,
			InstanceAlias: alias, Region: region, InstanceStatus: "ACTIVE", Metrics: rs, Summary: quota.Summarize(rs)}
	}
	unknown := quota.Evaluate(flowModules, quota.Measurement{Err: errors.New("access denied")}, quota.Limit{}, 80)
	acct1, acct2 := result(instances, 2, 2), result(instances, 1, 2)
	acct1.Region, acct2.Region = "us-east-1", "eu-west-2"
	account := []quota.Result{acct1, acct2}
	return &quota.Report{
		SchemaVersion: quota.SchemaVersion, RunID: fmt.Sprintf("%s-run%d", started.Format("20060102T150405Z"), i),
		StartedAt: started, FinishedAt: started.Add(42 * time.Second), AccountID: "123456789012",
		Regions: []string{"us-east-1", "eu-west-2"}, Threshold: 80, Lookback: "1h0m0s",
		Instances: []quota.InstanceReport{
			inst(instA, "prod", "us-east-1", result(users, float64(70+5*i), 100), unknown),
			inst(instB, "test", "eu-west-2", result(users, float64(10+i), 100)),
		},
		Account: quota.AccountReport{Metrics: account, Summary: quota.Summarize(account)},
		Errors:  []quota.RunError{},
	}
}

func runLines(runs []Run) []string {
	var out []string
	for _, r := range runs {
		out = append(out, fmt.Sprintf("%s %s %s %q m=%d v=%d u=%d max=%v",
			r.Time.Format(time.RFC3339), r.RunID, r.InstanceID[:7], r.InstanceAlias,
			r.Summary.MetricsCount, r.Summary.ViolationsCount, r.Summary.UnknownCount, r.Summary.MaxUtilization))
	}
	return out
}

func pointLines(ps []Point) []string {
	var out []string
	for _, p := range ps {
		f := func(v *float64) string {
			if v == nil {
				return "-"
			}
			return quota.FormatNumber(*v)
		}
		out = append(out, fmt.Sprintf("%s %s %s %s %s/%s %s%% %s",
			p.Time.Format(time.RFC3339), p.InstanceID[:7], p.Region, p.QuotaID, f(p.Usage), f(p.Limit), f(p.Utilization), p.Status))
	}
	return out
}

// exerciseStore is the behaviour every backend shares: three runs written
// (one twice), read back as runs and as quota series, and the alert
// memory's round trip. count reports how many records the backend holds.
func exerciseStore(t *testing.T, st Store, count func() int) {
	ctx := context.Background()
	for i := range 3 {
		if err := st.WriteRun(ctx, fixture(i)); err != nil {
			t.Fatalf("write run %d: %v", i, err)
		}
	}
	before := count()
	if err := st.WriteRun(ctx, fixture(1)); err != nil {
		t.Fatalf("write run 1 again: %v", err)
	}
	if after := count(); after != before {
		t.Errorf("writing run 1 again: %d records, then %d", before, after)
	}

	t.Run("runs", func(t *testing.T) {
		r := func(i int, inst, alias, counts string) string {
			return fmt.Sprintf("%s %s-run%d %s %q %s", base.Add(time.Duration(i)*time.Hour).Format(time.RFC3339),
				base.Add(time.Duration(i)*time.Hour).Format("20060102T150405Z"), i, inst[:7], alias, counts)
		}
		a := func(i int) string {
			return r(i, instA, "prod", fmt.Sprintf("m=2 v=%d u=1 max=%d", map[bool]int{true: 1}[i == 2], 70+5*i))
		}
		b := func(i int) string { return r(i, instB, "test", fmt.Sprintf("m=1 v=0 u=0 max=%d", 10+i)) }
		acct := func(i int) string { return r(i, AccountInstanceID, "", "m=2 v=1 u=0 max=100") }
		tests := []struct {
			name string
			q    Query
			want []string
		}{
			{"all", Query{}, []string{b(2), acct(2), a(2), b(1), acct(1), a(1), b(0), acct(0), a(0)}},
			{"one instance", Query{InstanceID: instA}, []string{a(2), a(1), a(0)}},
			{"account", Query{InstanceID: AccountInstanceID}, []string{acct(2), acct(1), acct(0)}},
			{"since", Query{InstanceID: instB, Since: base.Add(time.Hour)}, []string{b(2), b(1)}},
			{"limit", Query{Limit: 4}, []string{b(2), acct(2), a(2), b(1)}},
			{"instance limit", Query{InstanceID: instA, Limit: 2}, []string{a(2), a(1)}},
			{"none", Query{InstanceID: "nope"}, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				runs, err := st.Runs(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, runLines(runs)); diff != "" {
					t.Errorf("Runs(%+v) (-want +got):\n%s", tc.q, diff)
				}
			})
		}
		runs, err := st.Runs(ctx, Query{InstanceID: instA, Limit: 1})
		if err != nil || len(runs) != 1 {
			t.Fatalf("Runs: %v, %d runs", err, len(runs))
		}
		if diff := cmp.Diff(fixture(2).Instances[0].Metrics, runs[0].Metrics); diff != "" {
			t.Errorf("metrics read back (-want +got):\n%s", diff)
		}
	})

	t.Run("series", func(t *testing.T) {
		at := func(i int) string { return base.Add(time.Duration(i) * time.Hour).Format(time.RFC3339) }
		ua := func(i int) string {
			return fmt.Sprintf("%s aaaaaaa us-east-1 L-AAAAAAAA %d/100 %d%% %s", at(i), 70+5*i, 70+5*i,
				map[bool]string{true: "violation", false: "ok"}[i == 2])
		}
		ub := func(i int) string {
			return fmt.Sprintf("%s bbbbbbb eu-west-2 L-AAAAAAAA %d/100 %d%% ok", at(i), 10+i, 10+i)
		}
		tests := []struct {
			name string
			q    Query
			want []string
		}{
			{"code", Query{InstanceID: instA, Quota: "L-AAAAAAAA"}, []string{ua(0), ua(1), ua(2)}},
			{"name any case", Query{InstanceID: instA, Quota: "users PER instance"}, []string{ua(0), ua(1), ua(2)}},
			{"since and limit", Query{InstanceID: instA, Quota: "l-aaaaaaaa", Since: base.Add(time.Minute), Limit: 1}, []string{ua(2)}},
			{"every instance", Query{Quota: "L-AAAAAAAA"}, []string{ua(0), ub(0), ua(1), ub(1), ua(2), ub(2)}},
			{"key, unknown usage", Query{InstanceID: instA, Quota: "connect.flow_modules", Since: base.Add(time.Hour)}, []string{
				at(1) + " aaaaaaa us-east-1 connect.flow_modules -/- -% unknown",
				at(2) + " aaaaaaa us-east-1 connect.flow_modules -/- -% unknown",
			}},
			{"account", Query{InstanceID: AccountInstanceID, Quota: "Amazon Connect instances per account", Since: base.Add(2 * time.Hour)}, []string{
				at(2) + " account eu-west-2 L-CCCCCCCC 1/2 50% ok",
				at(2) + " account us-east-1 L-CCCCCCCC 2/2 100% violation",
			}},
			{"unknown quota", Query{InstanceID: instA, Quota: "L-FFFFFFFF"}, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				ps, err := st.QuotaSeries(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, pointLines(ps)); diff != "" {
					t.Errorf("QuotaSeries(%+v) (-want +got):\n%s", tc.q, diff)
				}
			})
		}
		if _, err := st.QuotaSeries(ctx, Query{InstanceID: instA}); !errors.Is(err, errNoQuota) {
			t.Errorf("QuotaSeries without a quota: %v, want %v", err, errNoQuota)
		}
	})

	t.Run("alert states", func(t *testing.T) { exerciseAlerts(t, st) })
}

func exerciseAlerts(t *testing.T, st Store) {
	ctx := context.Background()
	state := func(region, instance, q string, util float64) quota.AlertState {
		return quota.AlertState{Account: "123456789012", Region: region, InstanceID: instance, QuotaID: q,
			FirstSeen: base, LastNotified: base.Add(time.Hour), LastSeverity: "warning", LastUtilization: util}
	}
	users, acct := state("us-east-1", instA, "L-AAAAAAAA", 85), state("us-east-1", "", "L-CCCCCCCC", 100)
	other := state("eu-west-2", instB, "L-AAAAAAAA", 90)
	other.RecoveredAt = base.Add(2 * time.Hour) // a recovery record
	other.UnknownReason, other.UnknownAt = "usage: throttled: connect:ListUsers (TooManyRequestsException, after retries)", base.Add(3*time.Hour)
	// An unknown told, with no violation told.
	told := quota.AlertState{Account: "123456789012", Region: "eu-west-2", InstanceID: instB, QuotaID: "L-BBBBBBBB",
		UnknownReason: "limit: no limit: Service Quotas does not list L-BBBBBBBB in this Region", UnknownAt: base}
	load := func(region string) []quota.AlertState {
		t.Helper()
		got, err := st.LoadAlertStates(ctx, "123456789012", region)
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(got, func(i, j int) bool { return got[i].Key() < got[j].Key() })
		return got
	}
	if got := load("us-east-1"); len(got) != 0 {
		t.Fatalf("before any save: %v", got)
	}
	if err := st.SaveAlertStates(ctx, []quota.AlertState{users, acct, other, told}, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]quota.AlertState{acct, users}, load("us-east-1")); diff != "" {
		t.Errorf("after save (-want +got):\n%s", diff)
	}
	users.LastSeverity, users.LastUtilization = "critical", 97.5
	if err := st.SaveAlertStates(ctx, []quota.AlertState{users}, []quota.AlertState{acct, users}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]quota.AlertState{users}, load("us-east-1")); diff != "" {
		t.Errorf("after update and delete (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]quota.AlertState{other, told}, load("eu-west-2")); diff != "" {
		t.Errorf("other Region (-want +got):\n%s", diff)
	}
}
