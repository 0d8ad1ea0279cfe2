package collect

import (
	"context"
	"fmt"
	"time"

	"github.com/cqmon/cqmon/internal/awsapi"
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
	// Limits are the Region's Service Quotas values (for the usage metric
	// Service Quotas names for a quota).
	Limits *Limits
	// Fanout runs fn(0) ... fn(n-1) under the run's concurrency limit and
	// returns when all are done. Families use it for per-parent calls.
	Fanout func(ctx context.Context, n int, fn func(ctx context.Context, i int))
	// Ready, when set, is closed once Limits, Needed and SafelyUnder are
	// filled in: the engine reads Service Quotas while the counts that do
	// not depend on it are already running. Families wait for it (through
	// wantsAny or awaitLimits) before any decision that needs a limit.
	Ready <-chan struct{}
	// Needed, when set, holds the measures the run asks for; a family may
	// skip the calls that serve only measures not in it.
	Needed map[string]bool
	// SafelyUnder reports whether a usage of value for the measure on the
	// instance would sit under the threshold by more than the margin
	// (then an upper bound is as good as an exact count and costs less).
	SafelyUnder func(measure, instanceID string, value float64) bool
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
var errRepeatedToken = fmt.Errorf("%w: NextToken repeated", awsapi.ErrMalformed)

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

// wantsAny reports whether the run needs any of the measures.
func (env *Env) wantsAny(measures []string) bool {
	env.awaitLimits()
	if env.Needed == nil {
		return true
	}
	for _, m := range measures {
		if env.Needed[m] {
			return true
		}
	}
	return false
}

// awaitLimits blocks until the engine has read the Region's limits.
func (env *Env) awaitLimits() {
	if env.Ready != nil {
		<-env.Ready
	}
}
