package quota

import "time"

// AlertState is what cqmon remembers about one quota between runs so that
// each piece of news is told once: when the quota crossed the threshold,
// when it was last notified and at which severity. It is keyed by
// (account, Region, instance, quota); InstanceID is empty for
// account-level quotas and QuotaID is the quota code, or the catalog key
// for a quota without a code.
type AlertState struct {
	Account         string    `json:"account"`
	Region          string    `json:"region"`
	InstanceID      string    `json:"instance_id"`
	QuotaID         string    `json:"quota_id"`
	FirstSeen       time.Time `json:"first_seen"`
	LastNotified    time.Time `json:"last_notified"`
	LastSeverity    string    `json:"last_severity"`
	LastUtilization float64   `json:"last_utilization"`
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
