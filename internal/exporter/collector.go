// Package exporter serves a run's results to Prometheus. Scans run on
// their own schedule; a scrape only reads the last completed snapshot, so
// it never calls AWS (each call costs the account throttle budget), never
// waits for a scan in progress, and a failed scan leaves the last good
// values in place while it raises the error counter.
//
// Metric names follow the Prometheus naming conventions: base units,
// _total for counters, _ratio for a utilization (0-1, above 1 past the
// limit).
package exporter

import (
	"cmp"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cqmon/cqmon/internal/quota"
)

// Snapshot is what one completed scan leaves for the scrapes that follow.
type Snapshot struct {
	Report   *quota.Report
	Duration time.Duration
	Finished time.Time
}

// OpCount is the number of calls made to one AWS operation since the
// process started, and how many of them AWS throttled.
type OpCount struct {
	Service   string
	Operation string
	Calls     int
	Throttled int
}

// quotaLabels label every per-quota series. service keeps two quotas
// apart that share a name and have no code.
var quotaLabels = []string{"account", "region", "instance_id", "instance_alias", "service", "quota_code", "quota_name", "limit_source"}

var unknownLabels = []string{"account", "region", "instance_id", "instance_alias", "service", "quota_code", "quota_name", "reason_kind"}

var (
	descUsage = prometheus.NewDesc("cqmon_quota_usage",
		"Usage of the quota at the last completed scan, in the quota's unit.", quotaLabels, nil)
	descLimit = prometheus.NewDesc("cqmon_quota_limit",
		"Limit applied to the quota at the last completed scan (limit_source says where it came from).", quotaLabels, nil)
	descUtilization = prometheus.NewDesc("cqmon_quota_utilization_ratio",
		"Usage divided by limit at the last completed scan (1 is the limit).", quotaLabels, nil)
	descUnknown = prometheus.NewDesc("cqmon_quota_unknown",
		"1 for a quota whose usage or limit could not be read at the last completed scan; reason_kind says why.", unknownLabels, nil)
	descQuotaThreshold = prometheus.NewDesc("cqmon_quota_threshold_ratio",
		"Utilization at or above which this quota is a violation: --threshold, or the --threshold-for rule that matched it.", quotaLabels, nil)
	descTimeToLimit = prometheus.NewDesc("cqmon_quota_time_to_limit_seconds",
		"Time until the quota's usage trend (Theil-Sen over its stored history) reaches the limit; absent when there is no forecast.", quotaLabels, nil)
	descSingleton = prometheus.NewDesc("cqmon_quota_singleton",
		"1 for a quota whose limit is 1 and whose one item fills it: full by design, alerted only with --alert-singletons.", quotaLabels, nil)
	descThreshold = prometheus.NewDesc("cqmon_violation_threshold_ratio",
		"Utilization at or above which cqmon reports a violation (--threshold; cqmon_quota_threshold_ratio holds each quota's own).", nil, nil)
	descDuration = prometheus.NewDesc("cqmon_scan_duration_seconds",
		"How long the last completed scan took.", nil, nil)
	descLastSuccess = prometheus.NewDesc("cqmon_scan_last_success_timestamp_seconds",
		"When the last completed scan finished, in seconds since the epoch.", nil, nil)
	descCalls = prometheus.NewDesc("cqmon_api_calls_total",
		"AWS API calls made by scans since the process started.", []string{"service", "operation"}, nil)
	descThrottled = prometheus.NewDesc("cqmon_api_throttled_total",
		"AWS API calls answered with a throttling error since the process started.", nil, nil)
	descErrors = prometheus.NewDesc("cqmon_scan_errors_total",
		"Scans that failed to complete since the process started; the last good values stay.", nil, nil)
)

// Collector emits the last completed snapshot as const metrics. It is a
// prometheus.Collector for a registry of the caller's own.
type Collector struct {
	mu     sync.Mutex
	snap   *Snapshot
	ops    []OpCount
	errors int
}

// NewCollector returns a collector with no snapshot yet: a scrape before
// the first scan completes holds the counters only.
func NewCollector() *Collector { return &Collector{} }

// Completed hands over the snapshot of a completed scan and the call
// counts so far. The snapshot must not change afterwards.
func (c *Collector) Completed(s Snapshot, ops []OpCount) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snap, c.ops = &s, ops
}

// Failed counts a scan that did not complete and records the calls it
// made; the last snapshot stays.
func (c *Collector) Failed(ops []OpCount) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errors++
	c.ops = ops
}

// LastSuccess returns when the last completed scan finished (zero before
// the first).
func (c *Collector) LastSuccess() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap == nil {
		return time.Time{}
	}
	return c.snap.Finished
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descUsage, descLimit, descUtilization, descUnknown, descQuotaThreshold, descTimeToLimit, descSingleton, descThreshold,
		descDuration, descLastSuccess, descCalls, descThrottled, descErrors} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. It holds the lock only to
// take the snapshot, which is never written after it is handed over.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	snap, ops, errs := c.snap, c.ops, c.errors
	c.mu.Unlock()

	ch <- prometheus.MustNewConstMetric(descErrors, prometheus.CounterValue, float64(errs))
	throttled := 0
	for _, op := range ops {
		ch <- prometheus.MustNewConstMetric(descCalls, prometheus.CounterValue, float64(op.Calls), op.Service, op.Operation)
		throttled += op.Throttled
	}
	ch <- prometheus.MustNewConstMetric(descThrottled, prometheus.CounterValue, float64(throttled))
	if snap == nil {
		return
	}
	rep := snap.Report
	ch <- prometheus.MustNewConstMetric(descDuration, prometheus.GaugeValue, snap.Duration.Seconds())
	ch <- prometheus.MustNewConstMetric(descLastSuccess, prometheus.GaugeValue, float64(snap.Finished.UnixNano())/1e9)
	ch <- prometheus.MustNewConstMetric(descThreshold, prometheus.GaugeValue, rep.Threshold/100)
	for _, in := range rep.Instances {
		for _, r := range in.Metrics {
			collectResult(ch, rep, cmp.Or(in.AccountID, rep.AccountID), in.Region, in.InstanceID, in.InstanceAlias, r)
		}
	}
	for _, r := range rep.Account.Metrics {
		collectResult(ch, rep, cmp.Or(r.AccountID, rep.AccountID), r.Region, "", "", r)
	}
}

// collectResult emits one quota's known values, its threshold, its
// forecast when it has one, and the unknown marker when it is unknown: an
// unknown value is absent, never 0. account is the account the quota
// belongs to: in a run of several accounts, not the report's (the
// caller's), or two accounts' account-level quotas would be one series.
func collectResult(ch chan<- prometheus.Metric, rep *quota.Report, account, region, id, alias string, r quota.Result) {
	code := ""
	if r.QuotaCode != nil {
		code = *r.QuotaCode
	}
	labels := []string{account, region, id, alias, r.ServiceCode, code, r.QuotaName, string(r.LimitSource)}
	if r.Usage != nil {
		ch <- prometheus.MustNewConstMetric(descUsage, prometheus.GaugeValue, *r.Usage, labels...)
	}
	if r.Limit != nil {
		ch <- prometheus.MustNewConstMetric(descLimit, prometheus.GaugeValue, *r.Limit, labels...)
	}
	if r.Utilization != nil {
		ch <- prometheus.MustNewConstMetric(descUtilization, prometheus.GaugeValue, *r.Utilization/100, labels...)
	}
	threshold := r.Threshold
	if threshold == 0 {
		// A report from before per-quota thresholds: the run's applies.
		threshold = rep.Threshold
	}
	ch <- prometheus.MustNewConstMetric(descQuotaThreshold, prometheus.GaugeValue, threshold/100, labels...)
	if r.Forecast != nil {
		ch <- prometheus.MustNewConstMetric(descTimeToLimit, prometheus.GaugeValue, r.Forecast.DaysToLimit*86400, labels...)
	}
	if r.Singleton {
		ch <- prometheus.MustNewConstMetric(descSingleton, prometheus.GaugeValue, 1, labels...)
	}
	if r.Status == quota.StatusUnknown {
		ch <- prometheus.MustNewConstMetric(descUnknown, prometheus.GaugeValue, 1,
			account, region, id, alias, r.ServiceCode, code, r.QuotaName, ReasonKind(r.Reason))
	}
}

// ReasonKind reduces an unknown result's reason to its class, for a label
// of few values: "usage: access denied: connect:ListRules (...)" gives
// "usage: access denied", "limit: no limit: ..." gives "limit: no limit".
func ReasonKind(reason string) string {
	side, rest, ok := strings.Cut(reason, ": ")
	if !ok {
		return "other"
	}
	if i := strings.IndexAny(rest, ":,("); i >= 0 {
		rest = rest[:i]
	}
	return side + ": " + strings.TrimSpace(rest)
}
