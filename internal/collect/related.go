package collect

import (
	"context"
	"fmt"
	"sync"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/quota"
)

// Connect's related services (Cases, Customer Profiles, Q in Connect,
// Voice ID, AppIntegrations, outbound campaigns) are each read by one
// Region family: it lists the service's parents once, then fans the
// per-parent calls out through env.Fanout. A service that is not enabled,
// not offered in the Region or not permitted answers its first call with
// that error; the family then reports every quota of the service unknown
// with that one reason and makes no other call (a gate).

// gate lets a service's calls through until one shows that the others
// cannot succeed, and then answers them with that error without calling.
type gate struct {
	mu      sync.Mutex
	decided bool
	// anyFirst: any failure of the service's first call closes the gate
	// (a service that may no longer exist), not only a refusal.
	anyFirst bool
	service  error            // the first call's refusal: every call returns it
	ops      map[string]error // operations denied by IAM: their calls return it
}

func newGate(anyFirst bool) *gate { return &gate{anyFirst: anyFirst, ops: map[string]error{}} }

// refusal reports whether err says the service will not answer in this
// Region at all: not enabled, not offered here, or not permitted.
func refusal(err error) bool {
	switch awsapi.Classify(err) {
	case awsapi.KindNotEnabled, awsapi.KindNotInRegion, awsapi.KindAccessDenied:
		return true
	}
	return false
}

// call runs fn, the call of operation op, unless the gate is closed. The
// first call of the service decides for the whole service; a later
// access-denied answer closes only its operation (IAM grants actions one
// by one), so one denied child listing is not repeated for every parent.
func (g *gate) call(op string, fn func() error) error {
	g.mu.Lock()
	if err := g.closedFor(op); err != nil {
		g.mu.Unlock()
		return err
	}
	g.mu.Unlock()
	err := fn()
	g.mu.Lock()
	defer g.mu.Unlock()
	first := !g.decided
	g.decided = true
	switch {
	case err == nil || awsapi.Classify(err) == awsapi.KindCanceled:
	case first && (g.anyFirst || refusal(err)):
		g.service = err
	case awsapi.Classify(err) == awsapi.KindAccessDenied:
		g.ops[op] = err
	}
	return err
}

// closedFor returns the error that closed the gate for op; g.mu is held.
func (g *gate) closedFor(op string) error {
	if g.service != nil {
		return g.service
	}
	return g.ops[op]
}

// fanout runs fn for 0..n-1 through env.Fanout, or one after the other
// when the Env has none.
func fanout(ctx context.Context, env *Env, n int, fn func(ctx context.Context, i int)) {
	if env.Fanout != nil {
		env.Fanout(ctx, n, fn)
		return
	}
	for i := range n {
		fn(ctx, i)
	}
}

// maxChildren counts each parent's children through env.Fanout and keeps
// the largest count, naming the parent that holds it. One failed parent
// makes the maximum unknown: it cannot be known without that parent. what
// names the parents ("domains") for notes and errors.
func maxChildren(ctx context.Context, env *Env, what string, parents []relatedParent, count func(ctx context.Context, p relatedParent) (int, error)) quota.Measurement {
	if len(parents) == 0 {
		return quota.Measurement{Value: 0, Note: fmt.Sprintf("no %s, so nothing counts against this quota", what)}
	}
	if env.MaxParents > 0 && len(parents) > env.MaxParents {
		return quota.Measurement{Err: fmt.Errorf("%w: %d %s would take one call each, more than the %d allowed (--max-parents)",
			awsapi.ErrSkipped, len(parents), what, env.MaxParents)}
	}
	var mu sync.Mutex
	var firstErr error
	best, where := -1, ""
	fanout(ctx, env, len(parents), func(ctx context.Context, i int) {
		n, err := count(ctx, parents[i])
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil && firstErr == nil:
			firstErr = fmt.Errorf("%s: %w", parents[i].label, err)
		case err == nil && (n > best || n == best && parents[i].label < where):
			best, where = n, parents[i].label
		}
	})
	if firstErr != nil {
		return quota.Measurement{Err: firstErr}
	}
	return quota.Measurement{Value: float64(best), Parent: where}
}

// allFailed gives every measure the same failed measurement.
func allFailed(measures []string, m quota.Measurement) map[Target]quota.Measurement {
	res := make(map[Target]quota.Measurement, len(measures))
	for _, name := range measures {
		res[Target{Measure: name}] = m
	}
	return res
}

// relatedCount is the measurement of a count that may have failed.
func relatedCount(n int, err error) quota.Measurement {
	if err != nil {
		return quota.Measurement{Err: err}
	}
	return quota.Measurement{Value: float64(n)}
}

// gatedPages follows the pages of one operation, each call through g.
func gatedPages(g *gate, op string, page func(token *string) (int, *string, error)) (int, error) {
	return followPages(func(tok *string) (int, *string, error) {
		var n int
		var next *string
		err := g.call(op, func() (err error) {
			n, next, err = page(tok)
			return err
		})
		return n, next, err
	})
}

// relatedParent is one resource with per-parent children: its id for the
// child calls, and its label for reports (`domain "claims"`).
type relatedParent struct{ id, label string }
