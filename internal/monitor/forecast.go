package monitor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// runReader is a store that hands over the past runs of chosen instances
// in few reads (store.DynamoDB, store.S3, store.Local).
type runReader interface {
	EachRun(ctx context.Context, instances []string, since time.Time, fn func(store.Run) error) error
}

// seriesKey names one quota's history: the instance (store.AccountInstanceID
// for account-level quotas), the Region of an account-level quota, and the
// quota's ID (code, else catalog key).
type seriesKey struct {
	instance, region, quota string
}

// history is the readings of every quota of a report, gathered from past
// runs.
type history struct {
	cat     *catalog.Catalog
	codes   map[string]bool
	names   map[string]string // lower-case catalog name -> quota ID, when unique
	rep     *quota.Report
	series  map[seriesKey][]sample
	reports map[string]map[string]string // instance -> lower-case reported name -> quota ID
}

// sample is a reading held compactly while history is gathered (a month
// of hourly runs of every quota of twenty instances is two million of
// them): Unix seconds, and NaN for an unknown value.
type sample struct {
	at           int64
	usage, limit float64
}

func orNaN(f *float64) float64 {
	if f == nil {
		return math.NaN()
	}
	return *f
}

func known(f float64) *float64 {
	if math.IsNaN(f) {
		return nil
	}
	return &f
}

func newHistory(cat *catalog.Catalog, rep *quota.Report) *history {
	h := &history{cat: cat, codes: map[string]bool{}, names: map[string]string{}, rep: rep,
		series: map[seriesKey][]sample{}, reports: map[string]map[string]string{}}
	taken := map[string]bool{}
	for _, d := range cat.All() {
		if d.Code != "" {
			h.codes[d.Code] = true
		}
		name := strings.ToLower(d.Name)
		if _, dup := h.names[name]; dup {
			taken[name] = true
		}
		h.names[name] = d.ID()
	}
	for name := range taken {
		delete(h.names, name) // a name two quotas share matches neither
	}
	for _, in := range rep.Instances {
		m := map[string]string{}
		for _, r := range in.Metrics {
			m[strings.ToLower(r.QuotaName)] = r.QuotaID()
		}
		h.reports[in.InstanceID] = m
	}
	return h
}

// add files the readings of one past run.
func (h *history) add(run store.Run) error {
	if run.RunID != "" && run.RunID == h.rep.RunID || !run.Time.Before(h.rep.StartedAt) {
		return nil
	}
	// A store may hold several accounts' runs (an Organization's): the
	// account-level records of the others are not this account's history.
	if run.AccountID != "" && h.rep.AccountID != "" && run.AccountID != h.rep.AccountID {
		return nil
	}
	for _, m := range run.Metrics {
		id, ok := h.quotaID(run.InstanceID, m)
		if !ok {
			continue
		}
		k := seriesKey{instance: run.InstanceID, quota: id}
		if run.InstanceID == store.AccountInstanceID {
			if m.Region == "" {
				continue
			}
			k.region = m.Region
		}
		s := sample{at: run.Time.Unix(), usage: orNaN(m.Usage), limit: orNaN(m.Limit)}
		if m.Approximate || m.Status == quota.StatusUnknown {
			s.usage = math.NaN() // an upper bound or a guess is not a reading
		}
		h.series[k] = append(h.series[k], s)
	}
	return nil
}

// quotaID is the ID a stored result is filed under. cqmon's results carry
// their catalog key; the Python Lambda's carry none, and are matched by
// their code when the catalog knows it, else by their name.
func (h *history) quotaID(instance string, m quota.Result) (string, bool) {
	if m.Key != "" {
		return m.QuotaID(), true
	}
	if m.QuotaCode != nil && h.codes[*m.QuotaCode] {
		return *m.QuotaCode, true
	}
	name := strings.ToLower(strings.TrimSpace(m.QuotaName))
	if id, ok := h.reports[instance][name]; ok {
		return id, true
	}
	id, ok := h.names[name]
	return id, ok
}

// attach sets the forecast of every result of the report from its
// readings, the result itself being the latest.
func (h *history) attach() {
	fill := func(k seriesKey, r *quota.Result) {
		if r.Usage == nil || r.Limit == nil || r.Approximate {
			return
		}
		ss := h.series[k]
		slices.SortStableFunc(ss, func(a, b sample) int { return cmp.Compare(a.at, b.at) })
		rs := make([]quota.Reading, 0, len(ss)+1)
		for _, s := range ss {
			rs = append(rs, quota.Reading{Time: time.Unix(s.at, 0).UTC(), Usage: known(s.usage), Limit: known(s.limit)})
		}
		rs = append(rs, quota.Reading{Time: h.rep.StartedAt, Usage: r.Usage, Limit: r.Limit})
		r.Forecast, _ = quota.ForecastOf(rs)
		delete(h.series, k)
	}
	for i := range h.rep.Instances {
		in := &h.rep.Instances[i]
		for j := range in.Metrics {
			fill(seriesKey{instance: in.InstanceID, quota: in.Metrics[j].QuotaID()}, &in.Metrics[j])
		}
	}
	for j := range h.rep.Account.Metrics {
		r := &h.rep.Account.Metrics[j]
		fill(seriesKey{instance: store.AccountInstanceID, region: r.Region, quota: r.QuotaID()}, r)
	}
}

// forecasts counts the results of rep with a forecast.
func forecasts(rep *quota.Report) int {
	n := 0
	count := func(rs []quota.Result) {
		for _, r := range rs {
			if r.Forecast != nil {
				n++
			}
		}
	}
	for _, in := range rep.Instances {
		count(in.Metrics)
	}
	count(rep.Account.Metrics)
	return n
}

// Forecast sets the forecast of every measured result of rep from the
// last quota.ForecastWindow of history in the first of stores that
// answers: one read per instance where the store allows it (see
// store.DynamoDB.EachRun). With no store answering, every forecast stays
// nil and the error says why.
func Forecast(ctx context.Context, stores []store.Store, cat *catalog.Catalog, rep *quota.Report) error {
	instances := []string{store.AccountInstanceID}
	for _, in := range rep.Instances {
		instances = append(instances, in.InstanceID)
	}
	since := rep.StartedAt.Add(-quota.ForecastWindow)
	var errs []error
	for _, s := range stores {
		rr, ok := s.(runReader)
		if !ok {
			continue
		}
		h := newHistory(cat, rep)
		if err := rr.EachRun(ctx, instances, since, h.add); err != nil {
			errs = append(errs, fmt.Errorf("store %s: %w", s, err))
			continue
		}
		h.attach()
		return nil
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("read history for forecasts: %w", errors.Join(errs...))
}
