package store

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// metricList is a record's metrics. It is written as the report's results
// and read from those or from the Python Lambda's entries, whose values sit
// under other names: current_usage, quota_limit and
// utilization_percentage.
type metricList []quota.Result

// storedMetric is one metric as read: cqmon's fields, and the Python
// Lambda's.
type storedMetric struct {
	quota.Result
	CurrentUsage          looseNumber `json:"current_usage"`
	QuotaLimit            looseNumber `json:"quota_limit"`
	UtilizationPercentage looseNumber `json:"utilization_percentage"`
	// QuotaCode shadows the result's: the Lambda wrote codes of its own
	// making (and empty strings) where Service Quotas has none.
	QuotaCode *string `json:"quota_code"`
	// Status shadows the result's: the Lambda wrote it in capitals.
	Status string `json:"status"`
}

// UnmarshalJSON reads the metrics, filling cqmon's fields from the
// Lambda's where cqmon's are absent. A code that is not of Service Quotas'
// form is dropped, so that the entry is matched by its name; a value that
// is not a number reads as unknown, never as 0.
func (l *metricList) UnmarshalJSON(b []byte) error {
	var raw []storedMetric
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(metricList, len(raw))
	for i, m := range raw {
		r := m.Result
		if m.QuotaCode != nil {
			if code := strings.TrimSpace(*m.QuotaCode); quota.ValidCode(code) {
				r.QuotaCode = &code
			}
		}
		r.Usage = firstKnown(r.Usage, m.CurrentUsage.value)
		r.Limit = firstKnown(r.Limit, m.QuotaLimit.value)
		r.Utilization = firstKnown(r.Utilization, m.UtilizationPercentage.value)
		if r.Usage == nil {
			r.Utilization = nil // the Lambda wrote 0% for what it could not read
		}
		r.Status = quota.Status(strings.ToLower(m.Status))
		if r.Status == "" && r.Usage == nil {
			r.Status = quota.StatusUnknown
		}
		out[i] = r
	}
	*l = out
	return nil
}

func firstKnown(a, b *float64) *float64 {
	if a != nil {
		return a
	}
	return b
}

// looseNumber reads a number written as a JSON number or as a numeric
// string (DynamoDB's Decimal, a str() of a value); anything else (null,
// "N/A", an object) is unknown.
type looseNumber struct{ value *float64 }

// UnmarshalJSON never fails: what is not a number is unknown.
func (n *looseNumber) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64); err == nil && !isNaNOrInf(f) {
		n.value = &f
	}
	return nil
}

func isNaNOrInf(f float64) bool { return f != f || f > 1e308 || f < -1e308 }

// UnmarshalJSON reads the summary's figures as numbers or numeric strings
// (the Python Lambda's Decimal written with str()); others read as 0, as
// an absent summary does.
func (s *summaryRecord) UnmarshalJSON(b []byte) error {
	var raw struct {
		Max looseNumber `json:"max_utilization"`
		Avg looseNumber `json:"avg_utilization"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = summaryRecord{}
	if raw.Max.value != nil {
		s.MaxUtilization = *raw.Max.value
	}
	if raw.Avg.value != nil {
		s.AvgUtilization = *raw.Avg.value
	}
	return nil
}
