package quota

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseNumber reads a finite number written in decimal ("80", "2.5",
// "1e2"). strconv.ParseFloat also accepts "NaN", "Inf" and "infinity",
// which compare false with every bound and so would pass any range check
// later: those are refused here, where the number is read.
func ParseNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	switch {
	case err != nil && !isRange(err):
		return 0, fmt.Errorf("%q is not a number", s)
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return f, nil
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// InRange reports whether f lies within [lo, hi]. NaN never does, unlike
// with a check written as f < lo || f > hi.
func InRange(f, lo, hi float64) bool { return f >= lo && f <= hi }

// MaxDays bounds a duration written in days (a century).
const MaxDays = 36500

// ParseDuration reads a duration the way people write it: a Go duration
// ("90m", "36h") or a whole number of days ("7d", 0 to MaxDays). Whether
// zero or a negative Go duration makes sense is the caller's range check.
func ParseDuration(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > MaxDays {
			return 0, fmt.Errorf("%q is not a number of days from 0 to %d", v, MaxDays)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 90m, 36h or 7d", v)
	}
	return d, nil
}
