package lambdaconfig

import (
	"math"
	"strings"
	"testing"
)

// FuzzNumberVars loads the numeric variables with any values: a Config
// that loads has finite numbers within their ranges, and every line of a
// refusal names one of the variables given.
func FuzzNumberVars(f *testing.F) {
	for _, seed := range [][3]string{
		{"80", "5", "0.5"},
		{"NaN", "5", "0.5"},
		{"80", "NaN", "0.5"},
		{"80", "5", "NaN"},
		{"Inf", "-Inf", "+Inf"},
		{"infinity", "nan", "-nan"},
		{"1e309", "-1e309", "0x1p-3"},
		{"99.99999", "49.9", "1"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, threshold, hysteresis, share string) {
		c, err := Load(env(map[string]string{EnvThreshold: threshold, EnvHysteresis: hysteresis, EnvRateShare: share}))
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, EnvThreshold+": ") && !strings.HasPrefix(line, EnvHysteresis+": ") &&
					!strings.HasPrefix(line, EnvRateShare+": ") {
					t.Fatalf("error line %q names no variable", line)
				}
			}
			return
		}
		for name, v := range map[string]float64{EnvThreshold: c.Threshold, EnvHysteresis: c.Hysteresis, EnvRateShare: c.RateShare} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s loaded as %v", name, v)
			}
		}
		if c.Threshold < MinThreshold || c.Threshold > MaxThreshold || c.Hysteresis < MinHysteresis || c.Hysteresis >= c.Threshold ||
			c.RateShare < MinRateShare || c.RateShare > MaxRateShare {
			t.Fatalf("out of range values loaded: %+v", c)
		}
	})
}
