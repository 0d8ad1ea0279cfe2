package collect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
)

// reversed is a fan-out whose last parent answers first.
func reversed(ctx context.Context, n int, fn func(ctx context.Context, i int)) {
	for i := n - 1; i >= 0; i-- {
		fn(ctx, i)
	}
}

// TestLargestNamesTheSameParentWhoeverAnswersFirst: ties and failures
// name the first parent by label, with or without a fan-out, in whatever
// order the parents answer.
func TestLargestNamesTheSameParentWhoeverAnswersFirst(t *testing.T) {
	parents := []parent{{"1", "domain b"}, {"2", "domain a"}, {"3", "domain c"}, {"4", "domain a"}}
	tests := []struct {
		name   string
		counts map[string]int
		fail   map[string]bool
		want   got
	}{
		{"tie by label", map[string]int{"1": 5, "2": 5, "3": 3, "4": 5}, nil, got{Value: 5, Parent: "domain a"}},
		{"largest wins", map[string]int{"1": 2, "2": 1, "3": 3, "4": 1}, nil, got{Value: 3, Parent: "domain c"}},
		{"failure by label", map[string]int{}, map[string]bool{"1": true, "3": true}, got{Reason: "domain b: denied"}},
	}
	fanouts := map[string]func(context.Context, int, func(context.Context, int)){"one after the other": nil, "reversed": reversed}
	for _, tt := range tests {
		for fname, fan := range fanouts {
			t.Run(tt.name+", "+fname, func(t *testing.T) {
				env := &Env{Fanout: fan}
				m := largestOf(t.Context(), env, "domains", parents, func(_ context.Context, p parent) (int, error) {
					if tt.fail[p.id] {
						return 0, errors.New("denied")
					}
					return tt.counts[p.id], nil
				})
				g := got{Value: m.Value, Parent: m.Parent}
				if m.Err != nil {
					g = got{Reason: m.Err.Error()}
				}
				if diff := cmp.Diff(tt.want, g); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestLargestWithoutCalls: no parents is a count of 0; more parents than
// MaxParents is unknown, and neither makes a call.
func TestLargestWithoutCalls(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		parents []parent
		want    []quota.Measurement
	}{
		{"no parents", 0, nil, []quota.Measurement{
			{Note: "no queues, so nothing counts against this quota"}, {Note: "no queues, so nothing counts against this quota"}}},
		{"past MaxParents", 3, []parent{{"1", "queue a"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &Env{MaxParents: 2}
			calls := 0
			ms := largest(t.Context(), env, "queues", tt.total, tt.parents, 2, func(context.Context, parent) ([]int, error) {
				calls++
				return []int{1, 1}, nil
			})
			if calls != 0 || len(ms) != 2 {
				t.Fatalf("calls = %d, measurements = %d; want 0 and 2", calls, len(ms))
			}
			if tt.want == nil {
				for _, m := range ms {
					if want := fmt.Sprintf("%d queues would take one call each, more than the 2 allowed", tt.total); m.Err == nil || !strings.Contains(m.Err.Error(), want) {
						t.Errorf("err = %v, want it to say %q", m.Err, want)
					}
				}
				return
			}
			if diff := cmp.Diff(tt.want, ms); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
