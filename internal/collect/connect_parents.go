package collect

import (
	"context"
	"fmt"

	"github.com/cqmon/cqmon/internal/quota"
)

// parentPage fetches one page of parents.
type parentPage func(ctx context.Context, c ConnectAPI, instanceID string, token *string) ([]parent, *string, error)

// boundedPage fetches one page of parents with, for each, upper bounds on
// its children that the listing gives for free (4 channels × the
// associated queues of a routing profile, the latest version number of an
// evaluation form), one per bound slot; a negative value means no bound.
type boundedPage func(ctx context.Context, c ConnectAPI, instanceID string, token *string) ([]parent, [][]int, *string, error)

// childPage counts one page of one parent's children, one count per
// measure of its child (a listing can serve several quotas).
type childPage func(ctx context.Context, c ConnectAPI, instanceID, parentID string, token *string) ([]int, *string, error)

// child is a per-parent listing and the measures it serves.
type child struct {
	measures []string
	page     childPage
	// bound, when positive, is the 1-based slot of the parents' bounds
	// that applies to this child's first measure.
	bound int
}

// instanceBound is an optional extra call a family makes once per
// instance: a count that bounds every parent's children of boundMeasure (a
// queue cannot hold more quick connects than the instance has; an hours of
// operation cannot have more overrides than the whole instance). When
// countMeasure is set the count is also that measure's value.
type instanceBound struct {
	countMeasure, boundMeasure string
	count                      func(ctx context.Context, c ConnectAPI, instanceID string) (n int, why string, err error)
}

// withChildren is a family that lists an instance's parents once, which
// gives the count of countMeasure, and then, per parent that exists,
// counts its children; each child measure reports the largest count and
// names the parent holding it.
func withChildren(countMeasure string, list parentPage, children ...child) Family {
	return withChildrenBounded(countMeasure, boundless(list), nil, children...)
}

// boundless adapts a listing that gives no bounds.
func boundless(list parentPage) boundedPage {
	return func(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, [][]int, *string, error) {
		ps, next, err := list(ctx, c, id, tok)
		return ps, nil, next, err
	}
}

// withChildrenBounded is withChildren with bounds that can spare the
// per-parent calls: per parent from the listing, or instance-wide (ib).
func withChildrenBounded(countMeasure string, list boundedPage, ib *instanceBound, children ...child) Family {
	measures := []string{countMeasure}
	if ib != nil && ib.countMeasure != "" {
		measures = append(measures, ib.countMeasure)
	}
	for _, ch := range children {
		measures = append(measures, ch.measures...)
	}
	return Family{
		Measures: measures,
		Instance: func(ctx context.Context, env *Env, in quota.Instance) map[string]quota.Measurement {
			res := make(map[string]quota.Measurement, len(measures))
			// Parents are kept only while a per-parent quota could still be
			// measured: past MaxParents they are counted, not held, so an
			// instance with 100,000 users costs no memory.
			var parents []parent
			var bounds [][]int
			keep := true
			total, err := countPages(ctx, env.Connect, in.ID, func(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
				ps, bs, next, err := list(ctx, c, id, tok)
				if keep {
					parents = append(parents, ps...)
					if bs == nil {
						bs = make([][]int, len(ps))
					}
					bounds = append(bounds, bs...)
					if env.MaxParents > 0 && len(parents) > env.MaxParents {
						keep, parents, bounds = false, nil, nil
					}
				}
				return len(ps), next, err
			})
			if err != nil {
				for _, m := range measures {
					res[m] = quota.Measurement{Err: fmt.Errorf("count %s: %w", countMeasure, err)}
				}
				return res
			}
			res[countMeasure] = quota.Measurement{Value: float64(total)}
			known := map[string]bound{}
			// The instance-wide bound is one call, made without waiting for
			// the limits that decide whether it serves: a quota with a bound
			// has a code or a documented default, so it nearly always does.
			if ib != nil {
				n, why, err := ib.count(ctx, env.Connect, in.ID)
				switch {
				case err != nil && ib.countMeasure != "":
					res[ib.countMeasure] = quota.Measurement{Err: fmt.Errorf("count %s: %w", ib.countMeasure, err)}
				case err == nil:
					if ib.countMeasure != "" {
						res[ib.countMeasure] = quota.Measurement{Value: float64(n)}
					}
					known[ib.boundMeasure] = bound{value: n, why: why}
				}
			}
			for _, ch := range children {
				if !env.wantsAny(ch.measures...) {
					continue
				}
				if ch.bound > 0 {
					if b, ok := parentBound(parents, bounds, ch.bound-1); ok {
						known[ch.measures[0]] = b
					}
				}
				if b, ok := known[ch.measures[0]]; ok && len(ch.measures) == 1 && env.safelyUnder(ch.measures[0], in.ID, b.value) {
					res[ch.measures[0]] = boundMeasurement(b)
					continue
				}
				if ch.bound > 0 && len(ch.measures) == 1 {
					if m, ok := countNearThreshold(ctx, env, in.ID, total, parents, bounds, ch); ok {
						res[ch.measures[0]] = m
						continue
					}
				}
				for m, v := range maxOverParents(ctx, env, in.ID, total, parents, ch) {
					res[m] = v
				}
			}
			return res
		},
	}
}

// boundMeasurement reports a bound that sits far enough under the
// threshold to stand for the exact maximum.
func boundMeasurement(b bound) quota.Measurement {
	if b.value == 0 {
		// A bound of none is exact.
		return quota.Measurement{Value: 0, Note: "none on any parent (" + b.why + ")"}
	}
	return quota.Measurement{Value: float64(b.value), Approximate: true, Parent: b.where,
		Note: fmt.Sprintf("at most %d (%s): far enough under the threshold that the per-parent calls were saved", b.value, b.why)}
}

// countNearThreshold counts exactly only the parents whose own bound from
// the listing is not far enough under the threshold: one call per parent
// near it instead of one per parent. The others' largest bound stands for
// them. It declines (false) when a parent has no bound.
func countNearThreshold(ctx context.Context, env *Env, instanceID string, total int, parents []parent, bounds [][]int, ch child) (quota.Measurement, bool) {
	slot, measure := ch.bound-1, ch.measures[0]
	rest := bound{value: -1}
	var near []parent
	for i, p := range parents {
		if slot >= len(bounds[i]) || bounds[i][slot] < 0 {
			return quota.Measurement{}, false
		}
		v := bounds[i][slot]
		if !env.safelyUnder(measure, instanceID, v) {
			near = append(near, p)
			continue
		}
		if v > rest.value {
			rest = bound{value: v, where: p.label, why: "from the parent listing"}
		}
	}
	if len(near) == 0 || len(near) == len(parents) {
		return quota.Measurement{}, false
	}
	m := maxOverParents(ctx, env, instanceID, total, near, ch)[measure]
	if m.Err != nil || m.Value >= float64(rest.value) {
		if m.Err == nil {
			m.Note = fmt.Sprintf("counted on the %d of %d parents whose listing bound is near the threshold; the others hold at most %d", len(near), len(parents), rest.value)
		}
		return m, true
	}
	b := boundMeasurement(rest)
	b.Note = fmt.Sprintf("at most %d (%s); the %d parents near the threshold were counted, largest %g on %s", rest.value, rest.why, len(near), m.Value, m.Parent)
	return b, true
}

// bound is an upper bound on a per-parent maximum.
type bound struct {
	value int
	where string
	why   string
}

// parentBound is the largest of the parents' own bounds, if every parent
// has one.
func parentBound(parents []parent, bounds [][]int, slot int) (bound, bool) {
	b := bound{value: -1}
	for i, p := range parents {
		if slot >= len(bounds[i]) || bounds[i][slot] < 0 {
			return bound{}, false
		}
		if v := bounds[i][slot]; v > b.value {
			b = bound{value: v, where: p.label, why: "from the parent listing"}
		}
	}
	return b, len(parents) > 0
}

// maxOverParents counts every parent's children of ch (largest). The
// bound on the fan-out applies to total, every parent of the instance.
func maxOverParents(ctx context.Context, env *Env, instanceID string, total int, parents []parent, ch child) map[string]quota.Measurement {
	ms := largest(ctx, env, "parents", total, parents, len(ch.measures), func(ctx context.Context, p parent) ([]int, error) {
		counts := make([]int, len(ch.measures))
		_, err := followPages(func(token *string) (int, *string, error) {
			page, next, err := ch.page(ctx, env.Connect, instanceID, p.id, token)
			for k, n := range page {
				counts[k] += n
			}
			return 0, next, err
		})
		return counts, err
	})
	res := make(map[string]quota.Measurement, len(ch.measures))
	for k, m := range ch.measures {
		res[m] = ms[k]
	}
	return res
}
