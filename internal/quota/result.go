package quota

import (
	"fmt"
	"math"
	"time"
)

// Instance is one Amazon Connect instance found by discovery.
type Instance struct {
	ID     string
	ARN    string
	Alias  string
	Region string
	Status string
}

// Active reports whether the instance can be measured.
func (i Instance) Active() bool { return i.Status == "ACTIVE" }

// Measurement is a usage value produced by a collector.
type Measurement struct {
	Value float64
	// Parent names the parent holding the maximum, for per-parent quotas.
	Parent string
	// Note explains how the value was read when that matters to a reader
	// (for example "no datapoints in window: no activity, read as 0").
	Note string
	// Approximate is set when the value is an estimate (ApproximateTotalCount).
	Approximate bool
	// Breach, when set, is AWS's own evidence that the limit was hit in the
	// window (Connect's CallsBreachingConcurrencyQuota and the like): the
	// quota is a violation even when the peak reads under the threshold.
	Breach string
	// Err is set when the usage could not be read; the result is unknown.
	Err error
}

// Limit is the value a quota is measured against.
type Limit struct {
	Value  float64
	Source LimitSource
	// Adjustable, when known from Service Quotas, overrides the catalog.
	Adjustable *bool
	// Name is the quota's name as Service Quotas returned it, if it did.
	Name string
	// Note tells the reader something about the limit (why a fallback was
	// used).
	Note string
	// Err is set when no limit could be found; the result is unknown.
	Err error
}

// Result is one evaluated quota: the row of a report.
type Result struct {
	ServiceCode string      `json:"service_code"`
	QuotaCode   *string     `json:"quota_code"`
	QuotaName   string      `json:"quota_name"`
	Key         string      `json:"key"`
	Scope       Scope       `json:"scope"`
	Region      string      `json:"region,omitempty"`
	Usage       *float64    `json:"usage"`
	Limit       *float64    `json:"limit"`
	LimitSource LimitSource `json:"limit_source,omitempty"`
	Utilization *float64    `json:"utilization"`
	Status      Status      `json:"status"`
	Reason      string      `json:"reason,omitempty"`
	Parent      string      `json:"parent,omitempty"`
	Approximate bool        `json:"approximate,omitempty"`
	Note        string      `json:"note,omitempty"`
	Adjustable  bool        `json:"adjustable"`
	// Forecast is when the usage's trend reaches the limit, from the
	// quota's history; nil when there is no trend to tell (ForecastOf).
	Forecast *Forecast `json:"forecast"`
	// Threshold is the threshold this row was judged against (percent):
	// the global one or the per-quota rule that matched (see Thresholds).
	Threshold float64 `json:"threshold"`
	// Singleton is set when the limit is 1 and its one item fills it (the
	// one Pinpoint application an instance may have): a violation by
	// design, reported but not alerted unless asked for.
	Singleton bool `json:"singleton,omitempty"`
	// IncreaseRequest is the newest open, else the newest, increase
	// request of the last 90 days for this quota (and this instance, for
	// resource-level requests).
	IncreaseRequest *IncreaseRequest `json:"increase_request,omitempty"`

	// UnknownCause, on an unknown result, says that the unknown is
	// expected rather than a failure: UnknownByDesign or UnknownSkipped.
	// Empty for every other result.
	UnknownCause UnknownCause `json:"unknown_cause,omitempty"`
	// AccountID and AccountName name the account of an account-level
	// result (instance results carry theirs on the instance).
	AccountID   string `json:"account_id,omitempty"`
	AccountName string `json:"account_name,omitempty"`
}

// UnknownCause says why an unknown result is expected.
type UnknownCause string

// Causes of an expected unknown.
const (
	// UnknownByDesign: the quota has no Service Quotas code and AWS
	// documents no default, so no limit can ever be known for it.
	UnknownByDesign UnknownCause = "by-design"
	// UnknownSkipped: the run skipped the quota's service on purpose
	// (--skip-service) and made none of its calls.
	UnknownSkipped UnknownCause = "skipped"
)

// LimitUnknowable reports whether no limit can ever be found for the
// quota: it has no Service Quotas code and no documented default.
func (d Definition) LimitUnknowable() bool { return d.Code == "" && d.Default == nil }

// Evaluate turns a measurement and a limit into a Result. A quota is a
// violation when its utilization is at or above threshold percent. Missing
// usage or limit gives StatusUnknown with the reason, never 0%.
func Evaluate(d Definition, m Measurement, l Limit, threshold float64) Result {
	r := Result{
		ServiceCode: d.ServiceCode,
		QuotaName:   d.Name,
		Key:         d.Key,
		Scope:       d.Scope,
		Parent:      m.Parent,
		Approximate: m.Approximate,
		Note:        m.Note,
		Adjustable:  d.Adjustable,
		Threshold:   threshold,
	}
	if d.Code != "" {
		code := d.Code
		r.QuotaCode = &code
	}
	if l.Adjustable != nil {
		r.Adjustable = *l.Adjustable
	}
	if l.Name != "" {
		r.QuotaName = l.Name
	}
	r.Note = joinNote(r.Note, l.Note)
	if m.Err != nil {
		r.Status, r.Reason = StatusUnknown, "usage: "+m.Err.Error()
		r.Parent, r.Approximate = "", false
		return r
	}
	usage := m.Value
	r.Usage = &usage
	if l.Err != nil {
		r.Status, r.Reason = StatusUnknown, "limit: "+l.Err.Error()
		return r
	}
	limit := l.Value
	r.Limit, r.LimitSource = &limit, l.Source
	switch {
	case limit > 0:
		u := round2(usage / limit * 100)
		r.Utilization = &u
		r.Status = StatusOK
		if u >= threshold {
			r.Status = StatusViolation
		}
		if m.Breach != "" {
			r.Status, r.Reason = StatusViolation, m.Breach
		}
		r.Singleton = limit == 1 && usage == 1
	case usage > 0:
		r.Status = StatusViolation
		r.Reason = fmt.Sprintf("usage %s against a limit of 0", FormatNumber(usage))
	default:
		r.Status = StatusOK
		r.Note = joinNote(r.Note, "the limit is 0: this feature cannot be used until the quota is raised")
	}
	return r
}

// Full reports whether a known usage sits exactly at its limit.
func (r Result) Full() bool {
	return r.Usage != nil && r.Limit != nil && *r.Limit > 0 && *r.Usage == *r.Limit
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// FormatDuration prints a duration the way people write it: 1h, 90m, 14d.
func FormatDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// FormatNumber prints a usage or limit without a needless fraction.
func FormatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%.2f", f)
}

// Plural counts things in words: "1 quota", "2 quotas".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Summary aggregates the results of one instance, or of the account.
type Summary struct {
	MetricsCount    int `json:"metrics_count"`
	ViolationsCount int `json:"violations_count"`
	// SingletonsCount is how many of the violations are singletons (a
	// limit of 1 that its one item fills, by design; Result.Singleton),
	// which alert only when asked for.
	SingletonsCount int     `json:"singletons_count,omitempty"`
	UnknownCount    int     `json:"unknown_count"`
	MaxUtilization  float64 `json:"max_utilization"`
	AvgUtilization  float64 `json:"avg_utilization"`
}

// Summarize counts results; utilization figures cover known results only.
func Summarize(rs []Result) Summary {
	s := Summary{MetricsCount: len(rs)}
	var sum float64
	var n int
	for _, r := range rs {
		switch r.Status {
		case StatusViolation:
			s.ViolationsCount++
			if r.Singleton {
				s.SingletonsCount++
			}
		case StatusUnknown:
			s.UnknownCount++
		}
		if r.Utilization != nil {
			sum += *r.Utilization
			n++
			s.MaxUtilization = math.Max(s.MaxUtilization, *r.Utilization)
		}
	}
	if n > 0 {
		s.AvgUtilization = round2(sum / float64(n))
	}
	return s
}

// Violations is how many violations call for action: every violation
// but the singletons, which count only when alertSingletons is set, as
// alerts and --fail-on violation count them.
func (s Summary) Violations(alertSingletons bool) int {
	if alertSingletons {
		return s.ViolationsCount
	}
	return s.ViolationsCount - s.SingletonsCount
}

// InstanceReport holds one instance's results.
type InstanceReport struct {
	AccountID      string   `json:"account_id"`
	AccountName    string   `json:"account_name,omitempty"`
	InstanceID     string   `json:"instance_id"`
	InstanceARN    string   `json:"instance_arn"`
	InstanceAlias  string   `json:"instance_alias"`
	Region         string   `json:"region"`
	InstanceStatus string   `json:"instance_status"`
	Metrics        []Result `json:"metrics"`
	Summary        Summary  `json:"summary"`
}

// AccountReport holds the account-level results of every Region scanned.
type AccountReport struct {
	Metrics []Result `json:"metrics"`
	Summary Summary  `json:"summary"`
}

// RunError is a problem of the run that is not one quota's unknown result:
// a Region whose instances could not be listed, a catalog code AWS does not
// know, a sink that failed.
type RunError struct {
	// AccountID is set when the run covered more than one account.
	AccountID string `json:"account_id,omitempty"`
	Region    string `json:"region,omitempty"`
	Scope     string `json:"scope"`
	Message   string `json:"message"`
}

// Report is the document a run produces (the JSON output of scan and demo).
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	RunID         string    `json:"run_id"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at"`
	AccountID     string    `json:"account_id"`
	Regions       []string  `json:"regions"`
	Threshold     float64   `json:"threshold"`
	Lookback      string    `json:"lookback"`
	// Accounts lists every account the run considered, scanned or not.
	Accounts  []AccountStatus  `json:"accounts"`
	Instances []InstanceReport `json:"instances"`
	Account   AccountReport    `json:"account"`
	// Coverage is the catalog's coverage, with the codes Service Quotas
	// confirmed in this run.
	Coverage *Coverage  `json:"coverage,omitempty"`
	Errors   []RunError `json:"errors"`
	// Part, when set, says the report is one part of a larger run, so
	// that stores key its account-level record, execution summary and
	// latest report by it and the parts never overwrite each other. A run
	// of the caller's own account alone leaves it nil: the single-account
	// layout, the Python Lambda's.
	Part *Part `json:"-"`
}

// SchemaVersion is the version of the Report document layout.
const SchemaVersion = 1

// Totals sums the summaries of every instance and the account.
func (r *Report) Totals() Summary {
	all := append([]Result(nil), r.Account.Metrics...)
	for _, in := range r.Instances {
		all = append(all, in.Metrics...)
	}
	return Summarize(all)
}
