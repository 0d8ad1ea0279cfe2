package report

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// Statuses a Filter may select: the result statuses, and "near" for OK
// quotas within the near band under the threshold.
var Statuses = []string{string(quota.StatusViolation), string(quota.StatusUnknown), string(quota.StatusOK), "near"}

// AccountScope is the Filter.Instance value that selects the
// account-level quotas, as in `cqmon history --instance account`.
const AccountScope = "account"

// Filter selects rows of the full listing. Empty fields select everything.
type Filter struct {
	// Instance is an instance ID or alias (alias case-insensitive), or
	// AccountScope.
	Instance string
	// Status is one of Statuses.
	Status string
	// Quota is a quota code (L-XXXXXXXX), a catalog key, or a glob over
	// quota names (path.Match syntax: * ? [a-z]), ignoring case.
	Quota string
}

// Empty reports whether the filter selects everything.
func (f Filter) Empty() bool { return f == Filter{} }

// ParseStatus checks a --status value.
func ParseStatus(v string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	if !slices.Contains(Statuses, s) {
		return "", fmt.Errorf("%q is not one of %s", v, strings.Join(Statuses, ", "))
	}
	return s, nil
}

// ParseQuota checks a --quota value: a code, a key or a name glob.
func ParseQuota(v string) (string, error) {
	q := strings.TrimSpace(v)
	if q == "" {
		return "", fmt.Errorf("%q names no quota", v)
	}
	if _, err := path.Match(strings.ToLower(q), ""); err != nil {
		return "", fmt.Errorf("%q is not a valid name pattern: %v", v, err)
	}
	return q, nil
}

// Check reports an Instance that names no instance of the report, with
// the names it could have been.
func (f Filter) Check(rep *quota.Report) error {
	if f.Instance == "" || strings.EqualFold(f.Instance, AccountScope) {
		return nil
	}
	var names []string
	for _, in := range rep.Instances {
		if f.instance(in.InstanceID, in.InstanceAlias) {
			return nil
		}
		names = append(names, orDash(in.InstanceAlias))
	}
	names = append(names, AccountScope)
	return fmt.Errorf("instance: %q is neither the ID nor the alias of an instance of this run (%s)", f.Instance, strings.Join(names, ", "))
}

// instance reports whether the filter's Instance selects this instance;
// id is empty for the account-level quotas.
func (f Filter) instance(id, alias string) bool {
	switch {
	case f.Instance == "":
		return true
	case id == "":
		return strings.EqualFold(f.Instance, AccountScope)
	}
	return f.Instance == id || strings.EqualFold(f.Instance, alias)
}

// result reports whether the filter's Status and Quota select r.
func (f Filter) result(r quota.Result, threshold, near float64) bool {
	switch f.Status {
	case "":
	case "near":
		if !Near(r, threshold, near) {
			return false
		}
	default:
		if string(r.Status) != f.Status {
			return false
		}
	}
	if f.Quota == "" {
		return true
	}
	if strings.EqualFold(f.Quota, r.QuotaID()) || f.Quota == r.Key {
		return true
	}
	return quota.MatchName(f.Quota, r.QuotaName)
}

// Near reports whether r is an OK quota within band percentage points
// under its threshold (its own, else the report's threshold): not a
// violation yet, but the next to become one.
func Near(r quota.Result, threshold, band float64) bool {
	if r.Threshold > 0 {
		threshold = r.Threshold
	}
	return r.Status == quota.StatusOK && r.Utilization != nil &&
		*r.Utilization < threshold && *r.Utilization >= threshold-band
}

// idleRate reports whether r is an API request rate that saw no calls:
// the rows that swamp a full listing (one per Connect API and Region).
func idleRate(r quota.Result) bool {
	return r.Status == quota.StatusOK && r.Usage != nil && *r.Usage == 0 &&
		strings.HasPrefix(r.QuotaName, "Rate of ") && strings.HasSuffix(r.QuotaName, " API requests")
}
