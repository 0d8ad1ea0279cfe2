package collect

import (
	"context"
	"fmt"

	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/quota"
)

// Many quotas apply to each parent of a kind (queues per routing profile,
// fields per Cases domain): the usage is the largest child count over the
// parents, and the report names the parent holding it. largest is the one
// way cqmon takes that maximum, for Connect and its related services.

// parent is one resource that owns children with a per-parent quota: its
// id for the child calls and its label for reports (`domain "claims"`).
// Users are labelled by id, never by user name.
type parent struct{ id, label string }

// fanout runs fn for 0..n-1 through env.Fanout, or one after the other
// when the Env has none.
func (env *Env) fanout(ctx context.Context, n int, fn func(ctx context.Context, i int)) {
	if env.Fanout != nil {
		env.Fanout(ctx, n, fn)
		return
	}
	for i := range n {
		fn(ctx, i)
	}
}

// largest counts every parent's children through the run's fan-out, one
// count per measure (one listing can serve several quotas), and reports
// for each measure the largest count and the parent holding it. A tie goes
// to the first parent by label, and so does the naming of a failure, so
// that two runs of one account report the same parent whichever answered
// first. One failed parent makes the maxima unknown: they cannot be known
// without it.
//
// what names the parents in notes and errors ("domains"). total is how
// many parents there are: more than len(parents) when the listing stopped
// holding them past env.MaxParents. Past that bound no call is made.
func largest(ctx context.Context, env *Env, what string, total int, parents []parent, measures int, count func(ctx context.Context, p parent) ([]int, error)) []quota.Measurement {
	res := make([]quota.Measurement, measures)
	all := func(m quota.Measurement) []quota.Measurement {
		for k := range res {
			res[k] = m
		}
		return res
	}
	if env.MaxParents > 0 && total > env.MaxParents {
		return all(quota.Measurement{Err: fmt.Errorf("%w: %d %s would take one call each, more than the %d allowed (--max-parents)",
			awserr.ErrSkipped, total, what, env.MaxParents)})
	}
	if len(parents) == 0 {
		return all(quota.Measurement{Value: 0, Note: fmt.Sprintf("no %s, so nothing counts against this quota", what)})
	}
	counts := make([][]int, len(parents))
	errs := make([]error, len(parents))
	env.fanout(ctx, len(parents), func(ctx context.Context, i int) {
		counts[i], errs[i] = count(ctx, parents[i])
	})
	// first reports whether parent i comes before parent j: by label, then
	// by place in the listing.
	first := func(i, j int) bool { return j < 0 || parents[i].label < parents[j].label }
	failed := -1
	for i, err := range errs {
		if err != nil && first(i, failed) {
			failed = i
		}
	}
	if failed >= 0 {
		return all(quota.Measurement{Err: fmt.Errorf("%s: %w", parents[failed].label, errs[failed])})
	}
	for k := range res {
		best := -1
		for i, c := range counts {
			if best < 0 || c[k] > counts[best][k] || c[k] == counts[best][k] && first(i, best) {
				best = i
			}
		}
		res[k] = quota.Measurement{Value: float64(counts[best][k]), Parent: parents[best].label}
	}
	return res
}

// largestOf is largest for a listing that serves one measure, over every
// parent of a complete listing.
func largestOf(ctx context.Context, env *Env, what string, parents []parent, count func(ctx context.Context, p parent) (int, error)) quota.Measurement {
	return largest(ctx, env, what, len(parents), parents, 1, func(ctx context.Context, p parent) ([]int, error) {
		n, err := count(ctx, p)
		return []int{n}, err
	})[0]
}

// listing is one per-parent listing of a related service: the measure it
// serves, its operation (for the service's gate) and one page of it for a
// parent.
type listing[API any] struct {
	measure, op string
	page        func(ctx context.Context, api API, p parent, tok *string) (int, *string, error)
	// alsoFor names measures besides measure that need this listing
	// (the options of Cases fields need the fields listed).
	alsoFor []string
}

// largestPerParent measures, into res, each listing the run needs over
// the parents, every call through g.
func largestPerParent[API any](ctx context.Context, env *Env, g *gate, api API, what string, parents []parent, listings []listing[API], res map[Target]quota.Measurement) {
	for _, l := range listings {
		if !env.wantsAny(append([]string{l.measure}, l.alsoFor...)...) {
			continue
		}
		res[Target{Measure: l.measure}] = largestOf(ctx, env, what, parents, func(ctx context.Context, p parent) (int, error) {
			return gatedPages(g, l.op, func(tok *string) (int, *string, error) { return l.page(ctx, api, p, tok) })
		})
	}
}
