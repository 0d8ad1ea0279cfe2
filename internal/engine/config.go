// Package engine runs one monitoring pass: it discovers the Amazon Connect
// instances of each Region, reads applied limits, runs the collectors, and
// evaluates every measured quota into a report.
package engine

import (
	"fmt"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// Defaults of a run.
const (
	DefaultThreshold   = 80
	DefaultLookback    = time.Hour
	DefaultConcurrency = 8
	// DefaultMaxParents keeps a per-parent quota to at most a thousand
	// calls per instance: proficiencies per agent take one call per user.
	DefaultMaxParents = 1000
	// DefaultMargin keeps exact counts for anything within 10 points of
	// the threshold.
	DefaultMargin = 10
	// MinLookback is the shortest lookback: CloudWatch's one-minute
	// period.
	MinLookback = time.Minute
	// MaxLookback is how far back CloudWatch keeps one-minute data that
	// Connect's concurrency metrics are published at (two weeks).
	MaxLookback = 14 * 24 * time.Hour
)

// Config is one run's configuration, filled from flags (CLI) or the
// environment (Lambda) and checked by Validate.
type Config struct {
	// Regions to scan; empty means the SDK's configured Region.
	Regions []string
	// Threshold in percent (1–99): a quota at or above it is a violation.
	Threshold float64
	// ThresholdRules override Threshold for the quotas they match; see
	// quota.Thresholds for the precedence.
	ThresholdRules []quota.ThresholdRule
	// Lookback is the window for peak-over-window metrics.
	Lookback time.Duration
	// Concurrency bounds the calls in flight at once.
	Concurrency int
	// Margin, in percentage points: a value known only as a bound (or an
	// approximate count) is used instead of an exact count only when it
	// sits more than Margin points under the threshold.
	Margin float64
	// MaxParents bounds per-parent fan-outs (one call per user, queue,
	// routing profile...): a per-parent quota of an instance with more
	// parents is reported unknown instead. 0 means no bound.
	MaxParents int
	// SkipServices are service codes (voiceid, cases...) whose quotas the
	// run does not measure: they are reported unknown, skipped, and no
	// call is made for them.
	SkipServices []string
}

// DefaultConfig returns the configuration of a run with no options.
func DefaultConfig() Config {
	return Config{Threshold: DefaultThreshold, Lookback: DefaultLookback, Concurrency: DefaultConcurrency, MaxParents: DefaultMaxParents, Margin: DefaultMargin}
}

// Thresholds returns the run's threshold resolution.
func (c Config) Thresholds() quota.Thresholds {
	return quota.Thresholds{Global: c.Threshold, Rules: c.ThresholdRules}
}

// Validate checks every field and names the first bad one with its value.
func (c Config) Validate() error {
	for _, r := range c.Regions {
		if !quota.ValidRegion(r) {
			return fmt.Errorf("regions: %q is not an AWS Region name (like us-east-1)", r)
		}
	}
	if err := quota.CheckThreshold(c.Threshold); err != nil {
		return fmt.Errorf("threshold: %w", err)
	}
	for _, t := range c.ThresholdRules {
		if err := quota.CheckThreshold(t.Percent); err != nil {
			return fmt.Errorf("threshold-for: %s: %w", t, err)
		}
	}
	if c.Lookback < MinLookback || c.Lookback > MaxLookback {
		return fmt.Errorf("lookback: %s is outside %s–%s", quota.FormatDuration(c.Lookback), quota.FormatDuration(MinLookback), quota.FormatDuration(MaxLookback))
	}
	if c.Concurrency < 1 || c.Concurrency > 64 {
		return fmt.Errorf("concurrency: %d is outside 1–64", c.Concurrency)
	}
	if !quota.InRange(c.Margin, 0, 50) {
		return fmt.Errorf("margin: %v is outside 0–50 (percentage points)", c.Margin)
	}
	if c.MaxParents < 0 {
		return fmt.Errorf("max-parents: %d is negative", c.MaxParents)
	}
	return nil
}
