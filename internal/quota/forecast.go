package quota

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// Forecast is when a quota will reach its limit if its usage keeps the
// trend of its recent history: the Result's "forecast" object.
type Forecast struct {
	// DaysToLimit is the time from the latest reading until the trend line
	// reaches the limit; 0 when it is there already.
	DaysToLimit float64 `json:"days_to_limit"`
	// DaysLow and DaysHigh bound DaysToLimit with the steepest and the
	// flattest slope of the slope's confidence interval.
	DaysLow  float64 `json:"days_low"`
	DaysHigh float64 `json:"days_high"`
	// SlopePerDay is the trend: usage added per day.
	SlopePerDay float64 `json:"slope_per_day"`
	// Points is how many readings the trend was fitted on.
	Points int `json:"points"`
	// Since is the time of the first reading used.
	Since time.Time `json:"since"`
	// Method names the fit; always ForecastMethod.
	Method string `json:"method"`
}

// Reading is one past value of a quota, as history keeps it: usage and
// limit are nil when they were unknown.
type Reading struct {
	Time  time.Time
	Usage *float64
	Limit *float64
}

// Forecast limits and tuning; docs/forecast.md explains each.
const (
	// ForecastMethod names the estimator in reports.
	ForecastMethod = "theil-sen"
	// ForecastWindow is how far back history is read for a forecast: a
	// month of readings shows a trend without reaching back to before
	// the last reorganisation of the contact centre.
	ForecastWindow = 30 * 24 * time.Hour
	// MinForecastPoints is the fewest readings a trend is fitted on.
	MinForecastPoints = 5
	// MinForecastSpan is the shortest time those readings must cover.
	MinForecastSpan = 3 * 24 * time.Hour
	// maxForecastPoints bounds the readings fitted, and so the pairwise
	// slopes (n(n-1)/2) computed per quota: denser history is thinned to
	// one reading per equal time bin.
	maxForecastPoints = 120
	// forecastZ is the standard normal quantile of the slope's two-sided
	// 95% confidence interval.
	forecastZ = 1.96
	// shiftShare is the smallest level shift, as a share of the limit, that
	// starts a new segment: a migration wave, not a busy day.
	shiftShare = 0.05
	// shiftSpread is the smallest level shift in robust standard
	// deviations of the day-to-day changes.
	shiftSpread = 5
	// shiftWindow is how many readings on each side of a jump the level is
	// compared over: a lone outlier moves neither median.
	shiftWindow = 5
)

// No-forecast reasons ForecastOf returns.
const (
	NoForecastUnknown = "latest usage or limit unknown"
	NoForecastNoLimit = "limit is 0"
	NoForecastPoints  = "fewer than 5 readings since the last limit change or level shift"
	NoForecastSpan    = "readings span less than 3 days"
	NoForecastSlope   = "usage is not growing"
)

const day = float64(24 * time.Hour)

// ForecastOf fits a trend to readings, oldest first, the last being the
// current one, and says when it reaches the limit. It returns nil and the
// reason when there is no forecast to give.
//
// The trend is the Theil–Sen estimator (P. K. Sen, "Estimates of the
// regression coefficient based on Kendall's tau", Journal of the American
// Statistical Association 63:1379–1389, 1968; after H. Theil, 1950): the
// median of the slopes between every pair of readings, which a minority
// of outliers cannot move. Its range is Sen's distribution-free confidence
// interval for that slope: with N pairwise slopes sorted and
// C = z·sqrt(n(n-1)(2n+5)/18) (the standard deviation of Kendall's S),
// the slopes of rank (N-C)/2 and (N+C)/2+1 bound the true slope with 95%
// confidence. The flatter bound gives DaysHigh, the steeper one DaysLow.
// A trend whose interval reaches zero or below is not growing: noise
// around a flat line gives no forecast.
//
// Only the readings that can speak for the current trend are fitted:
// unknown values are dropped, a reading with another limit than the latest
// ends the segment (an increase was granted), and so does a level shift
// (see lastShift).
func ForecastOf(readings []Reading) (*Forecast, string) {
	if len(readings) == 0 {
		return nil, NoForecastUnknown
	}
	last := readings[len(readings)-1]
	if last.Usage == nil || last.Limit == nil || !finite(*last.Usage) || !finite(*last.Limit) {
		return nil, NoForecastUnknown
	}
	limit := *last.Limit
	if limit <= 0 {
		return nil, NoForecastNoLimit
	}
	// The segment: known readings back to the last limit change.
	var ys []float64
	var times []time.Time
	for i := len(readings) - 1; i >= 0; i-- {
		r := readings[i]
		if r.Usage == nil || r.Limit == nil || !finite(*r.Usage) {
			continue
		}
		if *r.Limit != limit {
			break
		}
		times = append(times, r.Time)
		ys = append(ys, *r.Usage)
	}
	slices.Reverse(times)
	slices.Reverse(ys)
	times, ys = thin(times, ys, maxForecastPoints)
	ts := make([]float64, len(times))
	for i, t := range times {
		ts[i] = float64(t.Sub(times[0])) / day
	}
	if k := lastShift(ts, ys, limit); k > 0 {
		ts, ys, times = ts[k:], ys[k:], times[k:]
	}
	if len(ys) < MinForecastPoints {
		return nil, NoForecastPoints
	}
	if times[len(times)-1].Sub(times[0]) < MinForecastSpan {
		return nil, NoForecastSpan
	}
	if slices.Min(ys) == slices.Max(ys) {
		return nil, NoForecastSlope // the common case, without the pairs
	}
	slopes := pairSlopes(ts, ys)
	if len(slopes) == 0 {
		return nil, NoForecastSlope
	}
	slices.Sort(slopes)
	slope := medianSorted(slopes)
	lo, hi := sensInterval(slopes, len(ys))
	if slope <= 0 || lo <= 0 {
		return nil, NoForecastSlope
	}
	// The line through the median of y - slope·t, read at the latest
	// reading.
	offs := make([]float64, len(ys))
	for i := range ys {
		offs[i] = ys[i] - slope*ts[i]
	}
	level := median(offs) + slope*ts[len(ts)-1]
	left := max(limit-level, 0)
	return &Forecast{
		DaysToLimit: round1(left / slope),
		DaysLow:     round1(left / hi),
		DaysHigh:    round1(left / lo),
		SlopePerDay: round2(slope),
		Points:      len(ys),
		Since:       times[0].UTC(),
		Method:      ForecastMethod,
	}, ""
}

// lastShift returns the index of the first reading after the last level
// shift, or 0 when there is none. A shift at i is a jump from reading i-1
// to i, after taking out the typical trend (the median of the
// reading-to-reading slopes), that is at least shiftShare of the limit and
// shiftSpread robust standard deviations (1.4826 × the median absolute
// deviation) of those detrended changes, and that lasts: the median level
// of up to shiftWindow readings from i on differs from that of up to
// shiftWindow readings before i by as much. One or two wild readings move
// neither median; a jump in the last two readings cannot be told from
// them yet.
func lastShift(ts, ys []float64, limit float64) int {
	n := len(ys)
	if n < 4 {
		return 0
	}
	var rates []float64
	for i := 1; i < n; i++ {
		if dt := ts[i] - ts[i-1]; dt > 0 {
			rates = append(rates, (ys[i]-ys[i-1])/dt)
		}
	}
	if len(rates) == 0 {
		return 0
	}
	trend := median(rates)
	z := make([]float64, n)
	for i := range ys {
		z[i] = ys[i] - trend*ts[i]
	}
	steps := make([]float64, n-1)
	for i := 1; i < n; i++ {
		steps[i-1] = z[i] - z[i-1]
	}
	mid := median(steps)
	dev := make([]float64, len(steps))
	for i, s := range steps {
		dev[i] = math.Abs(s - mid)
	}
	threshold := max(shiftShare*limit, shiftSpread*1.4826*median(dev))
	for i := n - 3; i >= 1; i-- {
		if math.Abs(steps[i-1]) < threshold {
			continue
		}
		before := median(z[max(0, i-shiftWindow):i])
		after := median(z[i:min(n, i+shiftWindow)])
		if math.Abs(after-before) >= threshold {
			return i
		}
	}
	return 0
}

// pairSlopes returns the slope between every two readings at different
// times.
func pairSlopes(ts, ys []float64) []float64 {
	out := make([]float64, 0, len(ys)*(len(ys)-1)/2)
	for i := range ys {
		for j := i + 1; j < len(ys); j++ {
			if dt := ts[j] - ts[i]; dt > 0 {
				out = append(out, (ys[j]-ys[i])/dt)
			}
		}
	}
	return out
}

// sensInterval returns Sen's 95% confidence bounds for the median of the
// sorted pairwise slopes of n readings.
func sensInterval(sorted []float64, n int) (lo, hi float64) {
	nf := float64(n)
	c := forecastZ * math.Sqrt(nf*(nf-1)*(2*nf+5)/18)
	big := float64(len(sorted))
	// Ranks are 1-based: M1 = (N-C)/2 and M2+1 = (N+C)/2 + 1.
	m1 := int(math.Round((big - c) / 2))
	m2 := int(math.Round((big+c)/2)) + 1
	return sorted[min(max(m1, 1), len(sorted))-1], sorted[min(max(m2, 1), len(sorted))-1]
}

// thin keeps at most most readings: the span is cut into most equal bins
// and each bin is represented by its reading of median usage.
func thin(times []time.Time, ys []float64, most int) ([]time.Time, []float64) {
	if len(ys) <= most {
		return times, ys
	}
	span := times[len(times)-1].Sub(times[0])
	var outT []time.Time
	var outY []float64
	for start := 0; start < len(ys); {
		bin := int(float64(times[start].Sub(times[0])) / float64(span) * float64(most))
		end := start + 1
		for end < len(ys) && min(int(float64(times[end].Sub(times[0]))/float64(span)*float64(most)), most-1) == min(bin, most-1) {
			end++
		}
		idx := make([]int, end-start)
		for i := range idx {
			idx[i] = start + i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			switch {
			case ys[a] < ys[b]:
				return -1
			case ys[a] > ys[b]:
				return 1
			}
			return 0
		})
		m := idx[(len(idx)-1)/2]
		outT, outY = append(outT, times[m]), append(outY, ys[m])
		start = end
	}
	return outT, outY
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return medianSorted(s)
}

func medianSorted(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// Short is the forecast for a table cell: "full in ~42 d (30–66)", or
// "full now" when the trend is at the limit already.
func (f *Forecast) Short() string {
	if f.DaysToLimit == 0 {
		return "full now"
	}
	return fmt.Sprintf("full in %s d (%s–%s)", about(f.DaysToLimit), days(f.DaysLow), days(f.DaysHigh))
}

// Sentence is the forecast for an alert line: "full in ~42 days at
// +12/day".
func (f *Forecast) Sentence() string {
	unit := "days"
	if f.DaysToLimit < 1.5 {
		unit = "day"
	}
	slope := f.SlopePerDay
	if slope >= 10 {
		slope = math.Round(slope)
	} else {
		slope = round1(slope)
	}
	when := "in " + about(f.DaysToLimit) + " " + unit
	if f.DaysToLimit == 0 {
		when = "now"
	}
	return fmt.Sprintf("full %s at +%s/day", when, strconv.FormatFloat(slope, 'f', -1, 64))
}

// about prints an estimated day count: "~42", or "<1" under half a day.
func about(d float64) string {
	if d < 0.5 {
		return "<1"
	}
	return "~" + days(d)
}

// days prints a day count whole, or "<1" under half a day.
func days(d float64) string {
	if d < 0.5 {
		return "<1"
	}
	return FormatNumber(math.Round(d))
}
