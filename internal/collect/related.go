package collect

import (
	"sync"

	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/quota"
)

// Connect's related services (Cases, Customer Profiles, Q in Connect,
// Voice ID, AppIntegrations, outbound campaigns) are each read by one
// Region family: it lists the service's parents once, then takes the
// largest child count over them (largest, parents.go). A service that is
// not enabled, not offered in the Region or not permitted answers its
// first call with that error; the family then reports every quota of the
// service unknown with that one reason and makes no other call (a gate).

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
	switch awserr.Classify(err) {
	case awserr.KindNotEnabled, awserr.KindNotInRegion, awserr.KindAccessDenied:
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
	case err == nil || awserr.Classify(err) == awserr.KindCanceled:
	case first && (g.anyFirst || refusal(err)):
		g.service = err
	case awserr.Classify(err) == awserr.KindAccessDenied:
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
