package collect

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

const parentsInstanceID = "00000000-0000-4000-8000-0000000000a1"

// parentsScenario has one instance whose first routing profile holds 9
// queue configurations and the others 3.
func parentsScenario(faults ...sim.Fault) *sim.Scenario {
	return &sim.Scenario{
		Instances: []sim.Instance{{ID: parentsInstanceID, Alias: "parents",
			Counts: map[string]int{"routingProfiles": 10, "queues": 20, "users": 30, "quickConnects": 4},
			Children: map[string]sim.ChildCounts{
				"routingProfileQueues": {List: []int{9}, Others: 3},
				"userProficiencies":    {List: []int{0, 7}, Others: 1},
				"queueQuickConnects":   {Others: 2},
			}}},
		Faults: faults,
	}
}

func runInstance(t *testing.T, f Family, env *Env) map[string]quota.Measurement {
	t.Helper()
	in := quota.Instance{ID: parentsInstanceID, Region: "us-east-1", Status: "ACTIVE"}
	return f.Instance(context.Background(), env, in)
}

func connectCalls(srv *sim.Server, op string) int { return calls(srv, sim.ServiceConnect)[op] }

func TestPerParentMaximumNamesTheParent(t *testing.T) {
	env, srv := relatedEnv(t, parentsScenario(), "us-east-1")
	res := runInstance(t, Families["connect:ListUsers"], env)
	if got, want := short(res["connect.users"]), (got{Value: 30}); got != want {
		t.Errorf("users = %+v, want %+v", got, want)
	}
	p := res["connect.user_proficiencies"]
	if p.Value != 7 || !strings.HasPrefix(p.Parent, "user ") {
		t.Errorf("proficiencies = %+v, want 7 at a user named by id", p)
	}
	if n := connectCalls(srv, "ListUserProficiencies"); n != 30 {
		t.Errorf("ListUserProficiencies calls = %d, want one per user (30)", n)
	}
}

// TestProficienciesBoundedByPredefinedValues: two predefined attributes of
// three values each bound every user's proficiencies at 6 for one
// SearchPredefinedAttributes call; near the threshold each user is counted.
func TestProficienciesBoundedByPredefinedValues(t *testing.T) {
	tests := []struct {
		name        string
		safelyUnder float64
		want        float64
		approximate bool
		calls       int
	}{
		{"bound far under the threshold", 7, 6, true, 0},
		{"bound near it: one call per user", 6, 7, false, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := parentsScenario()
			sc.Instances[0].Counts["predefinedAttributes"] = 2
			env, srv := relatedEnv(t, sc, "us-east-1")
			env.Plan = decidedPlan(nil, func(measure, instanceID string, v float64) bool { return v < tt.safelyUnder })
			m := runInstance(t, Families["connect:ListUsers"], env)["connect.user_proficiencies"]
			got := []any{m.Value, m.Approximate, connectCalls(srv, "ListUserProficiencies"), connectCalls(srv, "SearchPredefinedAttributes")}
			if diff := cmp.Diff([]any{tt.want, tt.approximate, tt.calls, 1}, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nnote %q err %v", diff, m.Note, m.Err)
			}
		})
	}
}

func TestMaxParentsSkipsTheFanOut(t *testing.T) {
	env, srv := relatedEnv(t, parentsScenario(), "us-east-1")
	env.MaxParents = 20
	res := runInstance(t, Families["connect:ListUsers"], env)
	if r := short(res["connect.user_proficiencies"]); !strings.Contains(r.Reason, "30 parents would take one call each, more than the 20 allowed") {
		t.Errorf("proficiencies = %+v, want skipped with the reason", r)
	}
	if n := connectCalls(srv, "ListUserProficiencies"); n != 0 {
		t.Errorf("ListUserProficiencies calls = %d, want 0", n)
	}
	if got := short(res["connect.users"]); got.Value != 30 {
		t.Errorf("users = %+v, want the count kept", got)
	}
}

func TestBoundsSparePerParentCalls(t *testing.T) {
	tests := []struct {
		name        string
		safelyUnder bool
		wantValue   float64
		approximate bool
		wantCalls   int
	}{
		// Bound: 4 channels x the largest number of associated queues (9).
		{"bound far under the threshold", true, 36, true, 0},
		{"bound near the threshold: exact count", false, 9, false, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, srv := relatedEnv(t, parentsScenario(), "us-east-1")
			env.Plan = decidedPlan(nil, func(measure, instanceID string, v float64) bool { return tt.safelyUnder })
			res := runInstance(t, Families["connect:SearchRoutingProfiles"], env)
			m := res["connect.routing_profile_queues"]
			got := []any{m.Value, m.Approximate, connectCalls(srv, "ListRoutingProfileQueues"), m.Parent}
			want := []any{tt.wantValue, tt.approximate, tt.wantCalls, `routing profile "Basic Routing Profile"`}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nnote %q", diff, m.Note)
			}
		})
	}
}

// TestOnlyParentsNearTheThresholdAreCounted: a routing profile whose own
// bound from the listing is near the threshold is counted exactly; the
// others' bounds stand for them, so one call replaces ten.
func TestOnlyParentsNearTheThresholdAreCounted(t *testing.T) {
	tests := []struct {
		name        string
		first       int
		wantValue   float64
		approximate bool
	}{
		// 40 configurations counted on the first profile, more than the
		// others' bound (4 channels x 3 queues).
		{"the counted profile holds the maximum", 40, 40, false},
		// 9 counted, under the others' bound of 12: at most 12.
		{"the others' bound is larger", 9, 12, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := parentsScenario()
			sc.Instances[0].Children["routingProfileQueues"] = sim.ChildCounts{List: []int{tt.first}, Others: 3}
			env, srv := relatedEnv(t, sc, "us-east-1")
			env.Plan = decidedPlan(nil, func(measure, instanceID string, v float64) bool { return v < 30 })
			m := runInstance(t, Families["connect:SearchRoutingProfiles"], env)["connect.routing_profile_queues"]
			got := []any{m.Value, m.Approximate, connectCalls(srv, "ListRoutingProfileQueues")}
			if diff := cmp.Diff([]any{tt.wantValue, tt.approximate, 1}, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nnote %q err %v", diff, m.Note, m.Err)
			}
		})
	}
}

func TestQueueQuickConnectsBoundedByTheInstanceTotal(t *testing.T) {
	env, srv := relatedEnv(t, parentsScenario(), "us-east-1")
	env.Plan = decidedPlan(nil, func(measure, instanceID string, v float64) bool { return v < 100 })
	res := runInstance(t, Families["connect:ListQueues+ListQuickConnects"], env)
	if q, qc := short(res["connect.queues"]), short(res["connect.quick_connects"]); q.Value != 20 || qc.Value != 4 {
		t.Errorf("queues %+v, quick connects %+v; want 20 and 4", q, qc)
	}
	if m := res["connect.queue_quick_connects"]; m.Value != 4 || !m.Approximate || connectCalls(srv, "ListQueueQuickConnects") != 0 {
		t.Errorf("queue quick connects = %+v after %d calls, want at most 4 with no per-queue call", m, connectCalls(srv, "ListQueueQuickConnects"))
	}
}

// Every queue holds 2 quick connects: the maximum names the first queue by
// name, whichever answered first.
func TestPerParentTieNamesTheFirstParentByName(t *testing.T) {
	var parents []string
	for range 5 {
		env, _ := relatedEnv(t, parentsScenario(), "us-east-1")
		env.Plan = decidedPlan(nil, func(string, string, float64) bool { return false })
		m := runInstance(t, Families["connect:ListQueues+ListQuickConnects"], env)["connect.queue_quick_connects"]
		if m.Err != nil || m.Value != 2 {
			t.Fatalf("queue quick connects = %+v, want 2", m)
		}
		parents = append(parents, m.Parent)
	}
	for _, p := range parents[1:] {
		if p != parents[0] {
			t.Fatalf("parents named over five runs: %q, want the same one each time", parents)
		}
	}
}

func TestRoutingProfilesFallBackToListWithoutSearch(t *testing.T) {
	sc := parentsScenario(sim.Fault{Service: "connect", Operation: "SearchRoutingProfiles", Code: "UnknownOperationException", Status: 404})
	env, srv := relatedEnv(t, sc, "us-east-1")
	res := runInstance(t, Families["connect:SearchRoutingProfiles"], env)
	if got := short(res["connect.routing_profiles"]); got.Value != 10 || got.Reason != "" {
		t.Errorf("routing profiles = %+v, want 10 counted with ListRoutingProfiles", got)
	}
	if m := res["connect.routing_profile_queues"]; m.Value != 9 || m.Approximate {
		t.Errorf("queues per routing profile = %+v, want the exact 9", m)
	}
	if n := connectCalls(srv, "ListRoutingProfiles"); n != 1 {
		t.Errorf("ListRoutingProfiles calls = %d, want 1", n)
	}
}

// Manual assignment queues are their own limit: counted apart from the
// other queue configurations, bounded by 3 channels × the profile's
// NumberOfAssociatedManualAssignmentQueues, and exactly 0 for free when no
// profile has any.
func TestManualAssignmentQueues(t *testing.T) {
	tests := []struct {
		name        string
		children    sim.ChildCounts
		safelyUnder bool
		want        float64
		approximate bool
		calls       int
	}{
		{"counted exactly near the threshold", sim.ChildCounts{List: []int{6}}, false, 6, false, 10},
		{"bounded far under it", sim.ChildCounts{List: []int{6}}, true, 18, true, 0},
		{"none anywhere", sim.ChildCounts{}, true, 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := parentsScenario()
			sc.Instances[0].Children["routingProfileManualAssignmentQueues"] = tt.children
			env, srv := relatedEnv(t, sc, "us-east-1")
			env.Plan = decidedPlan(nil, func(measure, instanceID string, v float64) bool { return tt.safelyUnder })
			m := runInstance(t, Families["connect:SearchRoutingProfiles"], env)["connect.routing_profile_manual_assignment_queues"]
			got := []any{m.Value, m.Approximate, connectCalls(srv, "ListRoutingProfileManualAssignmentQueues")}
			if diff := cmp.Diff([]any{tt.want, tt.approximate, tt.calls}, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nnote %q err %v", diff, m.Note, m.Err)
			}
			if q := runInstance(t, Families["connect:SearchRoutingProfiles"], env)["connect.routing_profile_queues"]; q.Value == m.Value && tt.want != 0 && !tt.approximate {
				t.Errorf("manual assignment queues = queue configurations (%v): they must be counted apart", q.Value)
			}
		})
	}
}
