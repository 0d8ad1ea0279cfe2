package quota

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

var forecastStart = time.Date(2026, 10, 1, 6, 0, 0, 0, time.UTC)

// series makes one reading a day (every step hours when step > 0) from
// forecastStart, usage and limit given per index; a NaN usage is an
// unknown reading.
func series(n int, step time.Duration, usage func(i int) float64, limit func(i int) float64) []Reading {
	if step == 0 {
		step = 24 * time.Hour
	}
	out := make([]Reading, n)
	for i := range out {
		out[i].Time = forecastStart.Add(time.Duration(i) * step)
		if u := usage(i); !math.IsNaN(u) {
			out[i].Usage = ptr(u)
		}
		if l := limit(i); !math.IsNaN(l) {
			out[i].Limit = ptr(l)
		}
	}
	return out
}

func fixed(v float64) func(int) float64 { return func(int) float64 { return v } }

// noise is reproducible uniform noise in [-amp, amp].
func noise(seed uint64, amp float64) func(int) float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	vals := make([]float64, 1000)
	for i := range vals {
		vals[i] = (r.Float64()*2 - 1) * amp
	}
	return func(i int) float64 { return vals[i] }
}

func TestForecastOf(t *testing.T) {
	jitter := noise(7, 15)
	flatNoise := noise(11, 40)
	tests := []struct {
		name     string
		readings []Reading
		// want is the expected days to limit (nil: no forecast) and why
		// the reason when there is none.
		want      *float64
		tolerance float64 // relative
		why       string
		slope     float64 // expected slope per day, within tolerance
		points    int     // expected points when > 0
	}{
		{
			// 30 daily readings from 2000 growing 12/day: latest 2348,
			// (3000-2348)/12 = 54.3 days.
			name:     "linear growth",
			readings: series(30, 0, func(i int) float64 { return 2000 + 12*float64(i) }, fixed(3000)),
			want:     ptr(54.3), tolerance: 0.001, slope: 12, points: 30,
		},
		{
			name:     "linear growth with noise",
			readings: series(30, 0, func(i int) float64 { return math.Round(2000 + 12*float64(i) + jitter(i)) }, fixed(3000)),
			want:     ptr(54.3), tolerance: 0.1, slope: 12, points: 30,
		},
		{
			// Four wild readings (a listing that failed half way, a
			// double count) do not move the median slope.
			name: "growth with outliers",
			readings: series(30, 0, func(i int) float64 {
				switch i {
				case 4:
					return 300
				case 11:
					return 2900
				case 19, 20:
					return 100
				}
				return 2000 + 12*float64(i)
			}, fixed(3000)),
			want: ptr(54.3), tolerance: 0.05, slope: 12, points: 30,
		},
		{
			name: "hourly readings are thinned",
			readings: series(24*30, time.Hour, func(i int) float64 {
				return math.Round(2000 + 0.5*float64(i) + jitter(i%1000))
			}, fixed(3000)),
			want: ptr((3000 - (2000 + 0.5*719)) / 12), tolerance: 0.1, slope: 12, points: 120,
		},
		{
			// A migration wave moves 1500 users in on day 10; the level
			// has been flat since.
			name: "step then flat",
			readings: series(30, 0, func(i int) float64 {
				if i < 10 {
					return 500 + jitter(i)
				}
				return 2000 + jitter(i)
			}, fixed(3000)),
			why: NoForecastSlope,
		},
		{
			// The same wave with growth after it: only the readings since
			// the wave count.
			name: "step then growth",
			readings: series(30, 0, func(i int) float64 {
				if i < 10 {
					return 500
				}
				return 2000 + 12*float64(i-10)
			}, fixed(3000)),
			want: ptr((3000 - 2228) / 12.0), tolerance: 0.001, slope: 12, points: 20,
		},
		{
			name: "step too recent",
			readings: series(30, 0, func(i int) float64 {
				if i < 27 {
					return 500 + 12*float64(i)
				}
				return 2000 + 12*float64(i)
			}, fixed(3000)),
			why: NoForecastPoints,
		},
		{
			// The limit was raised from 2000 to 4000 on day 20 (usage had
			// been growing 30/day towards it); the new segment grows
			// 12/day.
			name: "limit increase mid-series",
			readings: series(30, 0, func(i int) float64 {
				if i < 20 {
					return 1200 + 30*float64(i)
				}
				return 1800 + 12*float64(i-20)
			}, func(i int) float64 {
				if i < 20 {
					return 2000
				}
				return 4000
			}),
			want: ptr((4000 - 1908) / 12.0), tolerance: 0.001, slope: 12, points: 10,
		},
		{
			name:     "limit increase too recent",
			readings: series(30, 0, func(i int) float64 { return 1200 + 30*float64(i) }, func(i int) float64 { return 2000 + 2000*float64(i/27) }),
			why:      NoForecastPoints,
		},
		{
			name:     "noise around a flat line",
			readings: series(30, 0, func(i int) float64 { return math.Round(1500 + flatNoise(i)) }, fixed(3000)),
			why:      NoForecastSlope,
		},
		{
			name:     "flat",
			readings: series(30, 0, fixed(42), fixed(100)),
			why:      NoForecastSlope,
		},
		{
			name:     "shrinking",
			readings: series(30, 0, func(i int) float64 { return 2000 - 5*float64(i) }, fixed(3000)),
			why:      NoForecastSlope,
		},
		{
			name:     "too few points",
			readings: series(4, 0, func(i int) float64 { return 2000 + 12*float64(i) }, fixed(3000)),
			why:      NoForecastPoints,
		},
		{
			name: "unknown readings are not points",
			readings: series(8, 0, func(i int) float64 {
				if i%2 == 0 {
					return math.NaN()
				}
				return 2000 + 12*float64(i)
			}, fixed(3000)),
			why: NoForecastPoints,
		},
		{
			name:     "span under three days",
			readings: series(30, 2*time.Hour, func(i int) float64 { return 2000 + float64(i) }, fixed(3000)),
			why:      NoForecastSpan,
		},
		{
			name: "latest usage unknown",
			readings: series(30, 0, func(i int) float64 {
				if i == 29 {
					return math.NaN()
				}
				return 2000 + 12*float64(i)
			}, fixed(3000)),
			why: NoForecastUnknown,
		},
		{
			name: "latest limit unknown",
			readings: series(30, 0, func(i int) float64 { return 2000 + 12*float64(i) }, func(i int) float64 {
				if i == 29 {
					return math.NaN()
				}
				return 3000
			}),
			why: NoForecastUnknown,
		},
		{
			name:     "already over the limit",
			readings: series(30, 0, func(i int) float64 { return 2800 + 12*float64(i) }, fixed(3000)),
			want:     ptr(0.0), slope: 12,
		},
		{
			name:     "no readings",
			readings: nil,
			why:      NoForecastUnknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := ForecastOf(tt.readings)
			if tt.want == nil {
				if got != nil || why != tt.why {
					t.Fatalf("ForecastOf() = %+v, %q; want no forecast, %q", got, why, tt.why)
				}
				return
			}
			if got == nil {
				t.Fatalf("ForecastOf() = nil, %q; want %v days", why, *tt.want)
			}
			if !near(got.DaysToLimit, *tt.want, tt.tolerance, 0.05) {
				t.Errorf("DaysToLimit = %v, want %v within %.1f%%", got.DaysToLimit, *tt.want, tt.tolerance*100)
			}
			if !near(got.SlopePerDay, tt.slope, max(tt.tolerance, 0.01), 0) {
				t.Errorf("SlopePerDay = %v, want %v", got.SlopePerDay, tt.slope)
			}
			if !(got.DaysLow <= got.DaysToLimit && got.DaysToLimit <= got.DaysHigh) {
				t.Errorf("range %v–%v does not hold %v", got.DaysLow, got.DaysHigh, got.DaysToLimit)
			}
			if tt.points > 0 && got.Points != tt.points {
				t.Errorf("Points = %d, want %d", got.Points, tt.points)
			}
			last := tt.readings[len(tt.readings)-1].Time
			if wantSince := last.Add(-time.Duration(float64(got.Points-1) * float64(last.Sub(tt.readings[0].Time)) / float64(len(tt.readings)-1))); tt.points == len(tt.readings) && !got.Since.Equal(wantSince) {
				t.Errorf("Since = %v, want %v", got.Since, wantSince)
			}
			if got.Method != "theil-sen" {
				t.Errorf("Method = %q", got.Method)
			}
		})
	}
}

// near reports whether got is within rel of want, or within abs.
func near(got, want, rel, abs float64) bool {
	d := math.Abs(got - want)
	return d <= abs || d <= rel*math.Abs(want)
}

func TestForecastRangeWidensWithNoise(t *testing.T) {
	clean, _ := ForecastOf(series(30, 0, func(i int) float64 { return 2000 + 12*float64(i) }, fixed(3000)))
	noisy := noise(3, 60)
	rough, _ := ForecastOf(series(30, 0, func(i int) float64 { return math.Round(2000 + 12*float64(i) + noisy(i)) }, fixed(3000)))
	if clean == nil || rough == nil {
		t.Fatalf("no forecast: clean %v, rough %v", clean, rough)
	}
	if clean.DaysHigh-clean.DaysLow > 0.1 {
		t.Errorf("clean range %v–%v, want a point", clean.DaysLow, clean.DaysHigh)
	}
	if rough.DaysHigh-rough.DaysLow < 5 {
		t.Errorf("noisy range %v–%v, want it wider", rough.DaysLow, rough.DaysHigh)
	}
}

func TestForecastText(t *testing.T) {
	f := &Forecast{DaysToLimit: 41.5, DaysLow: 30.2, DaysHigh: 66, SlopePerDay: 12.14}
	if got, want := f.Short(), "full in ~42 d (30–66)"; got != want {
		t.Errorf("Short() = %q, want %q", got, want)
	}
	if got, want := f.Sentence(), "full in ~42 days at +12/day"; got != want {
		t.Errorf("Sentence() = %q, want %q", got, want)
	}
	f = &Forecast{DaysToLimit: 0.2, DaysLow: 0.1, DaysHigh: 1.2, SlopePerDay: 0.54}
	if got, want := f.Short(), "full in <1 d (<1–1)"; got != want {
		t.Errorf("Short() = %q, want %q", got, want)
	}
	if got, want := f.Sentence(), "full in <1 day at +0.5/day"; got != want {
		t.Errorf("Sentence() = %q, want %q", got, want)
	}
	f = &Forecast{DaysToLimit: 0, SlopePerDay: 3}
	if got, want := f.Short(), "full now"; got != want {
		t.Errorf("Short() = %q, want %q", got, want)
	}
	if got, want := f.Sentence(), "full now at +3/day"; got != want {
		t.Errorf("Sentence() = %q, want %q", got, want)
	}
}

// TestForecastFlatNoiseRate: on pure noise the slope's 95% interval
// excludes zero about one time in twenty, and then it is upwards only half
// of those times.
func TestForecastFlatNoiseRate(t *testing.T) {
	const runs = 400
	forecasts := 0
	for seed := range uint64(runs) {
		nz := noise(seed, 40)
		if f, _ := ForecastOf(series(30, 0, func(i int) float64 { return math.Round(1500 + nz(i)) }, fixed(3000))); f != nil {
			forecasts++
			if f.DaysToLimit < 365 {
				t.Errorf("seed %d: noise gives a forecast within a year: %+v", seed, f)
			}
		}
	}
	if forecasts > runs*5/100 {
		t.Errorf("%d of %d flat noisy series got a forecast, want at most 5%%", forecasts, runs)
	}
}

func BenchmarkForecastOf(b *testing.B) {
	for _, n := range []int{30, 120, 720} {
		jitter := noise(5, 20)
		rs := series(n, 30*24*time.Hour/time.Duration(n), func(i int) float64 {
			return math.Round(2000 + 12*float64(i)*30/float64(n) + jitter(i%1000))
		}, fixed(3000))
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if f, _ := ForecastOf(rs); f == nil {
					b.Fatal("no forecast")
				}
			}
		})
	}
}
