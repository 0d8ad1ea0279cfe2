package dashboard

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// trends holds every quota's utilization over the runs a page shows,
// keyed "<instance ID>/<quota ID>" or "account/<account ID>/<Region>/<quota
// ID>" (the account ID empty in a run of one account).
type trends struct {
	runs   []time.Time
	values map[string][]*float64 // one entry per run, nil when unknown
}

// newTrends keeps the last TrendRuns runs of history up to rep's own
// (which it adds when history lacks it), oldest first.
func newTrends(rep *quota.Report, history []*quota.Report) *trends {
	byID := map[string]*quota.Report{rep.RunID: rep}
	for _, h := range history {
		if h != nil && h.RunID != rep.RunID && !h.StartedAt.After(rep.StartedAt) {
			byID[h.RunID] = h
		}
	}
	runs := make([]*quota.Report, 0, len(byID))
	for _, r := range byID {
		runs = append(runs, r)
	}
	sort.Slice(runs, func(i, j int) bool {
		if !runs[i].StartedAt.Equal(runs[j].StartedAt) {
			return runs[i].StartedAt.Before(runs[j].StartedAt)
		}
		return runs[i].RunID < runs[j].RunID
	})
	if len(runs) > TrendRuns {
		runs = runs[len(runs)-TrendRuns:]
	}
	t := &trends{values: map[string][]*float64{}}
	for i, r := range runs {
		t.runs = append(t.runs, r.StartedAt)
		add := func(key string, res quota.Result) {
			s := t.values[key]
			for len(s) < i+1 {
				s = append(s, nil)
			}
			s[i] = res.Utilization
			t.values[key] = s
		}
		for _, in := range r.Instances {
			for _, res := range in.Metrics {
				add(in.InstanceID+"/"+res.QuotaID(), res)
			}
		}
		for _, res := range r.Account.Metrics {
			add("account/"+res.AccountID+"/"+res.Region+"/"+res.QuotaID(), res)
		}
	}
	return t
}

// note says what the trend lines cover.
func (t *trends) note() string {
	n := len(t.runs)
	if n < 2 {
		return "Trend lines need more than one run in the history store; this page has one."
	}
	return fmt.Sprintf("Trend lines show utilization over the last %d runs, since %s.", n, t.runs[0].UTC().Format("2 Jan 2006 15:04 MST"))
}

// Sparkline geometry, in SVG user units.
const (
	sparkW   = 96.0
	sparkH   = 24.0
	sparkPad = 2.0
)

// sparkline is a quota's trend as SVG: polylines through its known
// points, broken where a run could not measure it, the threshold as a
// dashed line and the last known point as a dot.
type sparkline struct {
	Lines      []string
	Dots       []dot
	ThresholdY string
	LastX      string
	LastY      string
	Title      string
}

// samples are a quota's values in every run of the trend, oldest first;
// nil where the run could not measure it or did not have it.
func (t *trends) samples(key string) []*float64 {
	s := append([]*float64(nil), t.values[key]...)
	for len(s) < len(t.runs) {
		s = append(s, nil)
	}
	return s
}

func newSparkline(t *trends, key string, threshold float64) *sparkline {
	samples := t.samples(key)
	top, known := 100.0, 0
	var first, last *float64
	for _, u := range samples {
		if u != nil {
			top = math.Max(top, *u)
			if first == nil {
				first = u
			}
			last, known = u, known+1
		}
	}
	if known == 0 || len(samples) < 2 {
		return nil
	}
	y := func(u float64) float64 { return sparkH - sparkPad - u/top*(sparkH-2*sparkPad) }
	x := xScale(t.runs)
	s := &sparkline{}
	if threshold > 0 {
		s.ThresholdY = coord(y(threshold))
	}
	var line []dot
	flush := func() {
		switch len(line) {
		case 0:
		case 1:
			// A point alone between two unknowns; the last point has its
			// own dot.
			if line[0] != (dot{s.LastX, s.LastY}) {
				s.Dots = append(s.Dots, line[0])
			}
		default:
			parts := make([]string, len(line))
			for i, d := range line {
				parts[i] = d.X + "," + d.Y
			}
			s.Lines = append(s.Lines, strings.Join(parts, " "))
		}
		line = nil
	}
	for i := len(samples) - 1; i >= 0; i-- {
		if samples[i] != nil {
			s.LastX, s.LastY = coord(x(i)), coord(y(*samples[i]))
			break
		}
	}
	for i, u := range samples {
		if u == nil {
			flush()
			continue
		}
		line = append(line, dot{coord(x(i)), coord(y(*u))})
	}
	flush()
	s.Title = fmt.Sprintf("%s to %s over %d runs", formatPercent(*first), formatPercent(*last), len(samples))
	if known < len(samples) {
		s.Title += fmt.Sprintf(", %d unknown", len(samples)-known)
	}
	return s
}

// xScale places runs by time when their times differ, else evenly.
func xScale(runs []time.Time) func(i int) float64 {
	first := runs[0]
	span := runs[len(runs)-1].Sub(first)
	if span <= 0 || len(runs) < 2 {
		step := (sparkW - 2*sparkPad) / float64(max(len(runs)-1, 1))
		return func(i int) float64 { return sparkPad + float64(i)*step }
	}
	return func(i int) float64 {
		return sparkPad + float64(runs[i].Sub(first))/float64(span)*(sparkW-2*sparkPad)
	}
}

// dot is a point of a sparkline drawn alone.
type dot struct{ X, Y string }

func coord(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }
