package store

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// RecordVersion is the layout version written in the schema_version field
// of every record. Readers accept older versions (legacy records have
// none, read as 0) and ignore fields they do not know.
const RecordVersion = 1

// AccountInstanceID stands for the instance ID in the record of a run's
// account-level quotas.
const AccountInstanceID = "account"

// stampLayout is fixed-width UTC, so that text order is time order in
// DynamoDB sort keys and bbolt keys.
const stampLayout = "2006-01-02T15:04:05Z"

// stampLayouts are the timestamp forms readers accept: cqmon's, and the
// legacy records' Python isoformat() without a zone (read as UTC).
var stampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02T15:04:05"}

func stamp(t time.Time) string { return t.UTC().Format(stampLayout) }

func parseStamp(s string) (time.Time, error) {
	for _, l := range stampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q is not ISO 8601", s)
}

// runRecord is a Run as written: the legacy attributes (id, timestamp,
// instance_id, instance_alias, metrics_count, violations_count, metrics,
// summary) and cqmon's (schema_version, run_id, account, region,
// unknown_count, instance_status, threshold, lookback).
type runRecord struct {
	SchemaVersion   int           `json:"schema_version"`
	ID              string        `json:"id"`
	Timestamp       string        `json:"timestamp"`
	RunID           string        `json:"run_id"`
	Account         string        `json:"account"`
	Region          string        `json:"region"`
	InstanceID      string        `json:"instance_id"`
	InstanceAlias   string        `json:"instance_alias"`
	InstanceStatus  string        `json:"instance_status,omitempty"`
	Threshold       float64       `json:"threshold,omitempty"`
	Lookback        string        `json:"lookback,omitempty"`
	MetricsCount    int           `json:"metrics_count"`
	ViolationsCount int           `json:"violations_count"`
	UnknownCount    int           `json:"unknown_count"`
	Metrics         metricList    `json:"metrics"`
	Summary         summaryRecord `json:"summary"`
	// part is the report's part segment (see partSegment) on the account
	// record of a part of a larger run; empty otherwise.
	part string
}

type summaryRecord struct {
	MaxUtilization float64 `json:"max_utilization"`
	AvgUtilization float64 `json:"avg_utilization"`
}

// legacyID is the legacy item id: instance_<first 8 of the instance ID>_<epoch
// seconds of the run start>.
func legacyID(instanceID string, started time.Time) string {
	short := instanceID
	if len(short) > 8 {
		short = short[:8]
	}
	return fmt.Sprintf("instance_%s_%d", short, started.Unix())
}

// partSegment is the segment that keys the account-level record,
// execution summary and latest report of a part of a larger run: the
// account, and for an organization item the account and Region
// ("222222222222-eu-west-2"). It is empty for a run of the caller's own
// account alone, whose keys stay the Python Lambda's.
func partSegment(rep *quota.Report) (string, error) {
	p := rep.Part
	if p == nil {
		return "", nil
	}
	if !quota.ValidAccountID(p.AccountID) {
		return "", fmt.Errorf("store: report part account %q is not a 12-digit account id", p.AccountID)
	}
	if p.Region == "" {
		return p.AccountID, nil
	}
	if !quota.ValidRegion(p.Region) {
		return "", fmt.Errorf("store: report part region %q is not an AWS Region name", p.Region)
	}
	return p.AccountID + "-" + p.Region, nil
}

var (
	// segmentPattern matches every segment partSegment gives.
	segmentPattern = regexp.MustCompile(`^[0-9]{12}(-[a-z]{2}(-[a-z]+)+-[0-9]+)?$`)
)

// accountRecordID is the item id of the account-level record: the legacy one,
// or with the part's segment when the run is a part of a larger one.
func accountRecordID(segment string, started time.Time) string {
	if segment == "" {
		return legacyID(AccountInstanceID, started)
	}
	return fmt.Sprintf("instance_%s_%s_%d", AccountInstanceID, segment, started.Unix())
}

// records splits a report into its run records: one per instance, then
// one for the account-level quotas when there are any.
func records(rep *quota.Report) ([]runRecord, error) {
	segment, err := partSegment(rep)
	if err != nil {
		return nil, err
	}
	started := rep.StartedAt.UTC().Truncate(time.Second)
	rec := func(id, alias, status, region string, ms []quota.Result, s quota.Summary) runRecord {
		if ms == nil {
			ms = []quota.Result{}
		}
		return runRecord{
			SchemaVersion: RecordVersion, ID: legacyID(id, started), Timestamp: stamp(started),
			RunID: rep.RunID, Account: rep.AccountID, Region: region,
			InstanceID: id, InstanceAlias: alias, InstanceStatus: status,
			Threshold: rep.Threshold, Lookback: rep.Lookback,
			MetricsCount: s.MetricsCount, ViolationsCount: s.ViolationsCount, UnknownCount: s.UnknownCount,
			Metrics: metricList(ms), Summary: summaryRecord{s.MaxUtilization, s.AvgUtilization},
		}
	}
	var out []runRecord
	for _, in := range rep.Instances {
		out = append(out, rec(in.InstanceID, in.InstanceAlias, in.InstanceStatus, in.Region, in.Metrics, in.Summary))
	}
	if len(rep.Account.Metrics) > 0 {
		r := rec(AccountInstanceID, "", "", strings.Join(rep.Regions, ","), rep.Account.Metrics, rep.Account.Summary)
		r.ID, r.part = accountRecordID(segment, started), segment
		out = append(out, r)
	}
	return out, nil
}

func (r runRecord) run() (Run, error) {
	t, err := parseStamp(r.Timestamp)
	if err != nil {
		return Run{}, fmt.Errorf("record %s: %w", r.ID, err)
	}
	if r.SchemaVersion == 0 && r.UnknownCount == 0 {
		// The Python Lambda kept no count of its unknowns.
		for _, m := range r.Metrics {
			if m.Status == quota.StatusUnknown {
				r.UnknownCount++
			}
		}
	}
	return Run{
		SchemaVersion: r.SchemaVersion, RunID: r.RunID, Time: t,
		AccountID: r.Account, Region: r.Region, InstanceID: r.InstanceID, InstanceAlias: r.InstanceAlias,
		InstanceStatus: r.InstanceStatus, Threshold: r.Threshold, Lookback: r.Lookback,
		Summary: quota.Summary{
			MetricsCount: r.MetricsCount, ViolationsCount: r.ViolationsCount, UnknownCount: r.UnknownCount,
			MaxUtilization: r.Summary.MaxUtilization, AvgUtilization: r.Summary.AvgUtilization,
		},
		Metrics: []quota.Result(r.Metrics),
	}, nil
}

// pointRecord is a Point as written. Its time is "at", not "timestamp", so
// that DynamoDB point items stay out of the by_instance index.
type pointRecord struct {
	SchemaVersion int          `json:"schema_version"`
	At            string       `json:"at"`
	RunID         string       `json:"run_id"`
	Account       string       `json:"account"`
	Region        string       `json:"region"`
	InstanceID    string       `json:"instance_id"`
	InstanceAlias string       `json:"instance_alias,omitempty"`
	QuotaID       string       `json:"quota_id"`
	QuotaName     string       `json:"quota_name"`
	Usage         *float64     `json:"usage"`
	Limit         *float64     `json:"limit"`
	Utilization   *float64     `json:"utilization"`
	Status        quota.Status `json:"status"`
}

func (r runRecord) points() []pointRecord {
	ps := make([]pointRecord, 0, len(r.Metrics))
	for _, m := range r.Metrics {
		region := m.Region
		if region == "" {
			region = r.Region
		}
		ps = append(ps, pointRecord{
			SchemaVersion: RecordVersion, At: r.Timestamp, RunID: r.RunID, Account: r.Account,
			Region: region, InstanceID: r.InstanceID, InstanceAlias: r.InstanceAlias, QuotaID: m.QuotaID(), QuotaName: m.QuotaName,
			Usage: m.Usage, Limit: m.Limit, Utilization: m.Utilization, Status: m.Status,
		})
	}
	return ps
}

func (p pointRecord) point() (Point, error) {
	t, err := parseStamp(p.At)
	if err != nil {
		return Point{}, fmt.Errorf("point %s/%s: %w", p.InstanceID, p.QuotaID, err)
	}
	return Point{
		Time: t, RunID: p.RunID, AccountID: p.Account, Region: p.Region, InstanceID: p.InstanceID,
		InstanceAlias: p.InstanceAlias, QuotaID: p.QuotaID, QuotaName: p.QuotaName, Usage: p.Usage, Limit: p.Limit,
		Utilization: p.Utilization, Status: p.Status,
	}, nil
}

// errNoQuota is QuotaSeries' answer to a query without a quota.
var errNoQuota = errors.New("store: a quota series needs a quota code, key or name")

// matches reports whether a result is the quota q names: its code, its
// catalog key or its name, ignoring case.
func matches(r quota.Result, q string) bool {
	return strings.EqualFold(r.QuotaID(), q) || strings.EqualFold(r.Key, q) || strings.EqualFold(r.QuotaName, q)
}

// seriesOf extracts quota q from runs, oldest first, keeping the last limit
// points (0: all).
func seriesOf(runs []Run, q string, limit int) []Point {
	var ps []Point
	for _, r := range runs {
		for _, m := range r.Metrics {
			if !matches(m, q) {
				continue
			}
			region := m.Region
			if region == "" {
				region = r.Region
			}
			ps = append(ps, Point{
				Time: r.Time, RunID: r.RunID, AccountID: r.AccountID, Region: region,
				InstanceID: r.InstanceID, InstanceAlias: r.InstanceAlias, QuotaID: m.QuotaID(), QuotaName: m.QuotaName,
				Usage: m.Usage, Limit: m.Limit, Utilization: m.Utilization, Status: m.Status,
			})
		}
	}
	return orderPoints(ps, limit)
}

// orderPoints sorts points oldest first and keeps the last limit.
func orderPoints(ps []Point, limit int) []Point {
	sort.SliceStable(ps, func(i, j int) bool {
		if !ps[i].Time.Equal(ps[j].Time) {
			return ps[i].Time.Before(ps[j].Time)
		}
		if ps[i].InstanceID != ps[j].InstanceID {
			return ps[i].InstanceID < ps[j].InstanceID
		}
		return ps[i].Region < ps[j].Region
	})
	if limit > 0 && len(ps) > limit {
		ps = ps[len(ps)-limit:]
	}
	return ps
}

// orderRuns sorts runs newest first and keeps limit. Ties go by instance
// ID, descending, the order of DynamoDB's and bbolt's reversed key scans,
// so that every backend keeps the same runs under a limit.
func orderRuns(rs []Run, limit int) []Run {
	sort.SliceStable(rs, func(i, j int) bool {
		if !rs[i].Time.Equal(rs[j].Time) {
			return rs[i].Time.After(rs[j].Time)
		}
		return rs[i].InstanceID > rs[j].InstanceID
	})
	if limit > 0 && len(rs) > limit {
		rs = rs[:limit]
	}
	return rs
}

// keep reports whether a run record's time and instance pass q.
func (q Query) keep(t time.Time, instanceID string) bool {
	return !t.Before(q.Since) && (q.InstanceID == "" || q.InstanceID == instanceID)
}
