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
	var token *string
	seen := map[string]bool{}
	total := 0
	for {
		n, next, err := page(ctx, c, instanceID, token)
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
