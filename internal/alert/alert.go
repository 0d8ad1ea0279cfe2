// Package alert tells people about quotas close to their limit, once per
// piece of news. It plans one consolidated message per Amazon Connect
// instance (and one for account-level quotas) from a report and the alert
// state remembered between runs, renders it for email, chat and programs,
// sends it to every configured channel, and advances the remembered state
// only for messages every channel accepted.
//
// A quota is told about when it newly crosses the threshold, when it
// escalates to a higher severity band, as a reminder once RemindAfter has
// passed since it was last told about, and once when it recovers below the
// threshold minus the hysteresis. Unknown results never alert and never
// recover a quota.
package alert

import (
	"fmt"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// Defaults of the alert configuration.
const (
	// DefaultThreshold is used when neither the configuration nor the
	// report names a threshold (percent).
	DefaultThreshold = 80
	// DefaultRemindAfter is how long a quota that stays high goes without
	// being mentioned before a reminder: once a day keeps a long-standing
	// problem visible without becoming noise.
	DefaultRemindAfter = 24 * time.Hour
	// DefaultHysteresis is how many percentage points below the threshold
	// a quota must drop to count as recovered, so a quota hovering at the
	// line does not alternate between alert and recovery.
	DefaultHysteresis = 5
	// MaxHysteresis bounds the hysteresis, in percentage points.
	MaxHysteresis = 50
	// MinRemindAfter is the shortest RemindAfter.
	MinRemindAfter = time.Minute
)

// Config decides what is news. Start from DefaultConfig.
type Config struct {
	// Threshold in percent; 0 means the report's threshold.
	Threshold float64
	// RemindAfter is the least time between two messages about a quota
	// that stays at the same severity; 0 means DefaultRemindAfter.
	RemindAfter time.Duration
	// Hysteresis in percentage points: a quota recovers when its
	// utilization drops below Threshold-Hysteresis.
	Hysteresis float64
	// Mutes lists quotas and instances that never alert.
	Mutes []Mute
	// Horizon: a quota under the threshold whose forecast reaches the
	// limit within it alerts, marked forecast; 0 turns that off.
	Horizon time.Duration
	// AlertSingletons alerts about quotas whose limit is 1 and whose one
	// item fills it (quota.Result.Singleton); by default they are only
	// reported.
	AlertSingletons bool
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// NameAccount names the account in every subject: set when a run
	// covers more than one account.
	NameAccount bool
}

// DefaultConfig returns the configuration used when no option is given.
func DefaultConfig() Config {
	return Config{RemindAfter: DefaultRemindAfter, Hysteresis: DefaultHysteresis, Horizon: DefaultHorizon}
}

// Validate checks every field and names the first bad one with its value.
func (c Config) Validate() error {
	if c.Threshold != 0 {
		if err := quota.CheckThreshold(c.Threshold); err != nil {
			return fmt.Errorf("threshold: %w", err)
		}
	}
	if c.RemindAfter < 0 || c.RemindAfter > 0 && c.RemindAfter < MinRemindAfter {
		return fmt.Errorf("remind-after: %s is shorter than %s", c.RemindAfter, quota.FormatDuration(MinRemindAfter))
	}
	if !quota.InRange(c.Hysteresis, 0, MaxHysteresis) {
		return fmt.Errorf("hysteresis: %v is outside 0–%d (percentage points)", c.Hysteresis, MaxHysteresis)
	}
	if c.Threshold != 0 && c.Hysteresis >= c.Threshold {
		return fmt.Errorf("hysteresis: %v is not below the threshold %v", c.Hysteresis, c.Threshold)
	}
	return validHorizon(c.Horizon)
}

// resolved fills the defaults that depend on the report.
func (c Config) resolved(rep *quota.Report) Config {
	if c.Threshold == 0 {
		c.Threshold = rep.Threshold
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.RemindAfter == 0 {
		c.RemindAfter = DefaultRemindAfter
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Severity is the band a quota's utilization falls in. The bands above the
// threshold are fixed at the 85/90/95% marks; a threshold above a mark
// simply leaves the lower bands unused.
type Severity string

// Severities, lowest first.
const (
	// SeverityOK: below the threshold.
	SeverityOK Severity = "ok"
	// SeverityWarning: from the threshold up to 85%.
	SeverityWarning Severity = "warning"
	// SeverityHigh: from 85% up to 90%.
	SeverityHigh Severity = "high"
	// SeverityCritical: from 90% up to 95%.
	SeverityCritical Severity = "critical"
	// SeverityEmergency: from 95% up to 100%.
	SeverityEmergency Severity = "emergency"
	// SeverityFull: usage exactly at the limit: nothing more fits, but
	// nothing failed yet.
	SeverityFull Severity = "full"
	// SeverityExceeded: over the limit, including any usage against a
	// limit of 0.
	SeverityExceeded Severity = "exceeded"
)

// bands maps the lower bound of each band above the threshold, highest
// first.
var bands = []struct {
	from float64
	sev  Severity
}{
	{100, SeverityExceeded},
	{95, SeverityEmergency},
	{90, SeverityCritical},
	{85, SeverityHigh},
}

// SeverityOf returns the band of a utilization (percent) for a threshold.
func SeverityOf(utilization, threshold float64) Severity {
	if utilization < threshold {
		return SeverityOK
	}
	for _, b := range bands {
		if utilization >= b.from {
			return b.sev
		}
	}
	return SeverityWarning
}

// severityOf is the band of a result: full when its usage is exactly
// its limit, exceeded only over it (a utilization rounded to 100% from
// just under the limit stays an emergency).
func severityOf(r quota.Result, threshold float64) Severity {
	if r.Utilization == nil {
		return SeverityExceeded
	}
	s := SeverityOf(*r.Utilization, threshold)
	if s == SeverityExceeded && r.Usage != nil && r.Limit != nil {
		switch {
		case r.Full():
			return SeverityFull
		case *r.Usage < *r.Limit:
			return SeverityEmergency
		}
	}
	return s
}

// Rank orders severities: 0 for ok or an unrecognised name, 6 for
// exceeded.
func (s Severity) Rank() int {
	switch s {
	case SeverityWarning:
		return 1
	case SeverityHigh:
		return 2
	case SeverityCritical:
		return 3
	case SeverityEmergency:
		return 4
	case SeverityFull:
		return 5
	case SeverityExceeded:
		return 6
	}
	return 0
}
