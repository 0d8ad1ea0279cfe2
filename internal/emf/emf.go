// Package emf turns a run's report into CloudWatch Embedded Metric Format
// records: JSON log lines from which CloudWatch Logs extracts metrics, so
// the Lambda publishes its results as metrics without a PutMetricData call
// (and without the permission, the API budget or the latency of one).
//
// One record per emitted quota carries Utilization (percent), Usage and
// Limit under the dimensions Account, Region, Instance (the alias, or
// "account" for account-level quotas) and Quota (the Service Quotas code,
// or cqmon's key when the quota has none). The same record rolls
// Utilization up per instance (Account, Region, Instance: the worst quota
// of the instance under the Maximum statistic) and, for Amazon Connect's
// own quotas, per account (Account: "any Connect quota of this account").
// One record per run carries Violations, Unknown, QuotasMeasured,
// ScanSeconds, APICalls and Throttled under Account.
//
// A value that is not known is left out of its record, so CloudWatch shows
// a gap, never a 0.
//
// The record layout follows the specification at
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html;
// Check enforces it on every record Write produces.
package emf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// DefaultNamespace is the CloudWatch namespace of cqmon's metrics.
const DefaultNamespace = "cqmon"

// Dimension names.
const (
	DimAccount  = "Account"
	DimRegion   = "Region"
	DimInstance = "Instance"
	DimQuota    = "Quota"
)

// AccountInstance is the Instance dimension of account-level quotas.
const AccountInstance = "account"

// Metric names.
const (
	MetricUtilization    = "Utilization"
	MetricUsage          = "Usage"
	MetricLimit          = "Limit"
	MetricViolations     = "Violations"
	MetricUnknown        = "Unknown"
	MetricQuotasMeasured = "QuotasMeasured"
	MetricScanSeconds    = "ScanSeconds"
	MetricAPICalls       = "APICalls"
	MetricThrottled      = "Throttled"
)

// Run holds the figures of a run that the report does not: what the scan
// cost in time and API calls.
type Run struct {
	Duration  time.Duration
	APICalls  int
	Throttled int
	// AlertSingletons counts singletons (a limit of 1 that its one item
	// fills) in the Violations metric, as alerts then do; by default an
	// alarm on Violations is not held up by them.
	AlertSingletons bool
}

// Record is one EMF document: the _aws metadata and the members it names,
// plus members kept for CloudWatch Logs Insights only.
type Record map[string]any

// metadata is the _aws member.
type metadata struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

// directive is a MetricDirective: which members are metrics, under which
// dimension sets.
type directive struct {
	Namespace  string       `json:"Namespace"`
	Dimensions [][]string   `json:"Dimensions"`
	Metrics    []definition `json:"Metrics"`
}

// definition is a MetricDefinition.
type definition struct {
	Name string `json:"Name"`
	Unit string `json:"Unit,omitempty"`
}

// Records returns the records of one run: one per quota sel admits that
// has at least one known value, then the run's own record.
func Records(rep *quota.Report, run Run, sel Selection, namespace string) []Record {
	ts := rep.FinishedAt
	if ts.IsZero() {
		ts = rep.StartedAt
	}
	stamp := ts.UnixMilli()
	account := rep.AccountID
	if account == "" {
		// STS did not answer; the values are still worth having.
		account = "unknown"
	}
	var out []Record
	for _, in := range rep.Instances {
		name := in.InstanceAlias
		if name == "" {
			name = in.InstanceID
		}
		for _, r := range in.Metrics {
			if sel.admits(r, true) {
				if rec := quotaRecord(account, in.Region, name, r, stamp, namespace); rec != nil {
					rec["InstanceId"] = in.InstanceID
					out = append(out, rec)
				}
			}
		}
	}
	for _, r := range rep.Account.Metrics {
		if sel.admits(r, false) {
			if rec := quotaRecord(account, r.Region, AccountInstance, r, stamp, namespace); rec != nil {
				out = append(out, rec)
			}
		}
	}
	return append(out, runRecord(rep, account, run, stamp, namespace))
}

// quotaRecord is the record of one result, or nil when none of its values
// is known.
func quotaRecord(account, region, instance string, r quota.Result, stamp int64, namespace string) Record {
	rec := Record{
		DimAccount: account, DimRegion: region, DimInstance: instance, DimQuota: quotaID(r),
		"QuotaName": r.QuotaName, "Status": string(r.Status),
	}
	var full []definition
	if r.Utilization != nil {
		full = append(full, definition{Name: MetricUtilization, Unit: "Percent"})
		rec[MetricUtilization] = *r.Utilization
	}
	if r.Usage != nil {
		full = append(full, definition{Name: MetricUsage})
		rec[MetricUsage] = *r.Usage
	}
	if r.Limit != nil {
		full = append(full, definition{Name: MetricLimit})
		rec[MetricLimit] = *r.Limit
		rec["LimitSource"] = string(r.LimitSource)
	}
	if len(full) == 0 {
		return nil
	}
	// For Logs Insights only, not metrics: a violation by design, and the
	// forecast (a DaysToLimit metric would cost as much as Utilization).
	if r.Singleton {
		rec["Singleton"] = true
	}
	if r.Forecast != nil {
		rec["DaysToLimit"] = r.Forecast.DaysToLimit
	}
	directives := []directive{{Namespace: namespace, Dimensions: [][]string{{DimAccount, DimRegion, DimInstance, DimQuota}}, Metrics: full}}
	if r.Utilization != nil {
		rollups := [][]string{{DimAccount, DimRegion, DimInstance}}
		if r.ServiceCode == "connect" {
			rollups = append(rollups, []string{DimAccount})
		}
		directives = append(directives, directive{Namespace: namespace, Dimensions: rollups,
			Metrics: []definition{{Name: MetricUtilization, Unit: "Percent"}}})
	}
	rec["_aws"] = metadata{Timestamp: stamp, CloudWatchMetrics: directives}
	return rec
}

// quotaID is the Quota dimension: the code, or cqmon's key.
func quotaID(r quota.Result) string {
	if r.QuotaCode != nil {
		return *r.QuotaCode
	}
	return r.Key
}

// runRecord is the record of the run itself.
func runRecord(rep *quota.Report, account string, run Run, stamp int64, namespace string) Record {
	t := rep.Totals()
	return Record{
		"_aws": metadata{Timestamp: stamp, CloudWatchMetrics: []directive{{
			Namespace:  namespace,
			Dimensions: [][]string{{DimAccount}},
			Metrics: []definition{
				{Name: MetricViolations, Unit: "Count"}, {Name: MetricUnknown, Unit: "Count"},
				{Name: MetricQuotasMeasured, Unit: "Count"}, {Name: MetricScanSeconds, Unit: "Seconds"},
				{Name: MetricAPICalls, Unit: "Count"}, {Name: MetricThrottled, Unit: "Count"},
			},
		}}},
		DimAccount:           account,
		"RunId":              rep.RunID,
		MetricViolations:     t.Violations(run.AlertSingletons),
		MetricUnknown:        t.UnknownCount,
		MetricQuotasMeasured: t.MetricsCount - t.UnknownCount,
		MetricScanSeconds:    math.Round(run.Duration.Seconds()*1000) / 1000,
		MetricAPICalls:       run.APICalls,
		MetricThrottled:      run.Throttled,
	}
}

// Write writes each record as one line (one log event), after checking
// it against the specification. A record that fails the check is left
// out and named in the error; the others are written. It returns how many
// records it wrote.
func Write(w io.Writer, records []Record) (int, error) {
	n := 0
	var errs []error
	for _, rec := range records {
		b, err := json.Marshal(rec)
		if err == nil {
			err = Check(b)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%v (record for %v/%v/%v)", err, rec[DimRegion], rec[DimInstance], rec[DimQuota]))
			continue
		}
		// One Write per line: a log event is never split between writers.
		if _, err := w.Write(append(b, '\n')); err != nil {
			return n, errors.Join(append(errs, fmt.Errorf("write emf record: %w", err))...)
		}
		n++
	}
	return n, errors.Join(errs...)
}

// MetricCount returns how many distinct CloudWatch metrics (namespace,
// name and dimension values) the records define: what CloudWatch bills
// per month.
func MetricCount(records []Record) (int, error) {
	seen := map[string]bool{}
	for _, rec := range records {
		b, err := json.Marshal(rec)
		if err != nil {
			return 0, err
		}
		doc, err := parse(b)
		if err != nil {
			return 0, err
		}
		for _, d := range doc.meta.CloudWatchMetrics {
			for _, set := range d.Dimensions {
				for _, m := range d.Metrics {
					var key bytes.Buffer
					fmt.Fprintf(&key, "%s\x00%s", d.Namespace, m.Name)
					for _, dim := range set {
						fmt.Fprintf(&key, "\x00%s=%v", dim, doc.members[dim])
					}
					seen[key.String()] = true
				}
			}
		}
	}
	return len(seen), nil
}
