package collect

import (
	"context"
	"fmt"
	"time"

	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/quota"
)

// Env is what collectors need in one Region.
type Env struct {
	Region   string
	Connect  ConnectAPI
	Metrics  MetricsAPI
	Lookback time.Duration
	// Now is the end of metric windows.
	Now time.Time
	// Instances are every instance discovered in the Region, whatever
	// their status.
	Instances []quota.Instance
	// Definitions are the measured quotas of the run; families with a
	// Prefix read the measures they must produce from them.
	Definitions []quota.Definition
	// Fanout runs fn(0) ... fn(n-1) under the run's concurrency limit and
	// returns when all are done. Families use it for per-parent calls;
	// without it they run one after the other.
	Fanout func(ctx context.Context, n int, fn func(ctx context.Context, i int))
	// Plan, when set, brings what the engine decides from the Region's
	// limits. The engine reads Service Quotas while the counts that do not
	// depend on it already run; the methods that read the plan wait for
	// it. Without a plan every measure is wanted and no limit is known.
	Plan *Plan
	// Pace, when set, receives the account's recent peak rate (calls per
	// second) of each Connect operation with a rate quota, as soon as it is
	// read, so that the pacer can spend what the customer leaves idle.
	Pace func(operation string, peakRPS float64)
	// MaxParents bounds per-parent fan-outs: a quota whose parents are more
	// numerous is reported unknown rather than spend one call per parent.
	// 0 means no bound.
	MaxParents int

	// Connect's related services, one client each (related.go).
	Cases           CasesAPI
	Profiles        ProfilesAPI
	QConnect        QConnectAPI
	VoiceID         VoiceIDAPI
	AppIntegrations AppIntegrationsAPI
	Campaigns       CampaignsAPI
}

// Target names one measurement: a measure of an instance, or of the
// Region when InstanceID is empty.
type Target struct {
	InstanceID string
	Measure    string
}

// Family is one collector: a set of measures read with one API family.
// Exactly one of Instance or Region is set.
type Family struct {
	// Measures lists the measure keys the family produces.
	Measures []string
	// Prefix, when set, makes the family produce every measure of the run
	// that starts with it (one per operation, for example).
	Prefix string
	// Instance measures one ACTIVE instance; the engine fans it out.
	Instance func(ctx context.Context, env *Env, in quota.Instance) map[string]quota.Measurement
	// Region measures once per Region (batched calls, account-level
	// counts); results for instances carry their InstanceID.
	Region func(ctx context.Context, env *Env, active []quota.Instance) map[Target]quota.Measurement
}

// errRepeatedToken marks a pagination that would never end.
var errRepeatedToken = fmt.Errorf("%w: NextToken repeated", awserr.ErrMalformed)

// pageFunc fetches one page: how many items it held and the next token.
type pageFunc func(ctx context.Context, c ConnectAPI, instanceID string, token *string) (int, *string, error)

// countPages follows NextToken to the end and returns the number of items.
func countPages(ctx context.Context, c ConnectAPI, instanceID string, page pageFunc) (int, error) {
	return followPages(func(token *string) (int, *string, error) { return page(ctx, c, instanceID, token) })
}

// followPages calls page until it returns no NextToken and adds up the
// items of every page. A token seen twice ends it with an error.
func followPages(page func(token *string) (int, *string, error)) (int, error) {
	var token *string
	seen := map[string]bool{}
	total := 0
	for {
		n, next, err := page(token)
		if err != nil {
			return total, err
		}
		total += n
		if next == nil || *next == "" {
			return total, nil
		}
		if seen[*next] {
			return total, errRepeatedToken
		}
		seen[*next] = true
		token = next
	}
}

// count is a family of one measure: the number of items of one listing.
func count(measure string, page pageFunc) Family {
	return Family{
		Measures: []string{measure},
		Instance: func(ctx context.Context, env *Env, in quota.Instance) map[string]quota.Measurement {
			n, err := countPages(ctx, env.Connect, in.ID, page)
			if err != nil {
				return map[string]quota.Measurement{measure: {Err: fmt.Errorf("count %s: %w", measure, err)}}
			}
			return map[string]quota.Measurement{measure: {Value: float64(n)}}
		},
	}
}

// Plan is what the engine decides for the families once it has read the
// Region's limits: the limits themselves, the measures the run needs, and
// which values sit safely under their thresholds. It is filled in once,
// by Decide, while the families run; its readers wait for it, so none can
// read it too early.
type Plan struct {
	ready       chan struct{}
	limits      *Limits
	needed      map[string]bool
	safelyUnder func(measure, instanceID string, value float64) bool
}

// NewPlan returns a plan still to be decided.
func NewPlan() *Plan { return &Plan{ready: make(chan struct{})} }

// Decide fills the plan in and releases the families waiting for it. It
// is called once. needed, when not nil, holds the measures the run asks
// for: a family may skip the calls that serve only others. safelyUnder
// reports whether a usage of value for the measure on the instance would
// sit under the threshold by more than the margin (then an upper bound is
// as good as an exact count and costs less).
func (p *Plan) Decide(limits *Limits, needed map[string]bool, safelyUnder func(measure, instanceID string, value float64) bool) {
	p.limits, p.needed, p.safelyUnder = limits, needed, safelyUnder
	close(p.ready)
}

// decided waits for the plan and returns it; a nil plan is decided and
// empty.
func (env *Env) decided() *Plan {
	if env.Plan == nil {
		return &Plan{}
	}
	<-env.Plan.ready
	return env.Plan
}

// limits waits for the plan and returns the Region's limits (nil without
// a plan).
func (env *Env) limits() *Limits { return env.decided().limits }

// wantsAny waits for the plan and reports whether the run needs any of
// the measures.
func (env *Env) wantsAny(measures ...string) bool {
	p := env.decided()
	if p.needed == nil {
		return true
	}
	for _, m := range measures {
		if p.needed[m] {
			return true
		}
	}
	return false
}

// safelyUnder waits for the plan and reports whether a value of the
// measure on the instance sits under the threshold by more than the
// margin (never without a plan).
func (env *Env) safelyUnder(measure, instanceID string, v int) bool {
	p := env.decided()
	return p.safelyUnder != nil && p.safelyUnder(measure, instanceID, float64(v))
}
