package quota

import (
	"sort"
	"time"
)

// AlertState is what cqmon remembers about one quota between runs so that
// each piece of news is told once: when the quota crossed the threshold,
// when it was last notified and at which severity. It is keyed by
// (account, Region, instance, quota); InstanceID is empty for
// account-level quotas and QuotaID is the quota code, or the catalog key
// for a quota without a code.
//
// A recovery is remembered too, as the state with RecoveredAt set, rather
// than by forgetting the state: with several stores, a store that missed
// the recovery still holds the alert, and only a recovery record newer
// than that alert tells which of the two is the last word (see Newest).
type AlertState struct {
	Account         string    `json:"account"`
	Region          string    `json:"region"`
	InstanceID      string    `json:"instance_id"`
	QuotaID         string    `json:"quota_id"`
	FirstSeen       time.Time `json:"first_seen"`
	LastNotified    time.Time `json:"last_notified"`
	LastSeverity    string    `json:"last_severity"`
	LastUtilization float64   `json:"last_utilization"`
	// RecoveredAt, when set, is when the quota's recovery was told: the
	// alert is over, and the quota is as if never alerted.
	RecoveredAt time.Time `json:"recovered_at,omitzero"`

	// UnknownReason is the reason last told for the quota being unknown;
	// empty when none is remembered. A state may hold only this (no
	// violation told: LastSeverity empty). UnknownAt is when it was last
	// set or cleared.
	UnknownReason string    `json:"unknown_reason,omitempty"`
	UnknownAt     time.Time `json:"unknown_at,omitzero"`
}

// Recovered reports whether the state records a recovery, not an alert.
func (s AlertState) Recovered() bool { return !s.RecoveredAt.IsZero() }

// Version is when the state was written: every write is a message told
// or an unknown's reason set or cleared, so it is the latest of
// LastNotified, RecoveredAt and UnknownAt.
func (s AlertState) Version() time.Time {
	v := s.LastNotified
	for _, t := range []time.Time{s.RecoveredAt, s.UnknownAt} {
		if t.After(v) {
			v = t
		}
	}
	return v
}

// Same reports whether two states say the same thing.
func (s AlertState) Same(o AlertState) bool {
	return s.Key() == o.Key() && s.FirstSeen.Equal(o.FirstSeen) && s.LastNotified.Equal(o.LastNotified) &&
		s.LastSeverity == o.LastSeverity && s.LastUtilization == o.LastUtilization && s.RecoveredAt.Equal(o.RecoveredAt) &&
		s.UnknownReason == o.UnknownReason && s.UnknownAt.Equal(o.UnknownAt)
}

// Newest merges the alert memories read from several stores into one:
// per key, the state with the latest Version wins, whatever store it
// came from; on a tie the earlier list wins. The result is ordered by
// Key.
func Newest(memories ...[]AlertState) []AlertState {
	best := map[string]AlertState{}
	for _, states := range memories {
		for _, s := range states {
			if b, ok := best[s.Key()]; !ok || s.Version().After(b.Version()) {
				best[s.Key()] = s
			}
		}
	}
	out := make([]AlertState, 0, len(best))
	for _, s := range best {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// Key is the state's identity: account/region/instance/quota.
func (s AlertState) Key() string {
	return s.Account + "/" + s.Region + "/" + s.InstanceID + "/" + s.QuotaID
}

// QuotaID is the identity of a result's quota in alert state and history:
// its code when it has one, else its catalog key.
func (r Result) QuotaID() string {
	if r.QuotaCode != nil {
		return *r.QuotaCode
	}
	return r.Key
}
