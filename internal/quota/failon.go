package quota

import (
	"fmt"
	"strings"
	"time"
)

// ForecastWithin reports whether r's trend reaches the limit within
// horizon (never when horizon is 0).
func (r Result) ForecastWithin(horizon time.Duration) bool {
	return r.Forecast != nil && horizon > 0 && r.Forecast.DaysToLimit <= horizon.Hours()/24
}

// FullSoon reports whether r is under its threshold and its trend reaches
// the limit within horizon: the rows forecast alerts, --fail-on forecast
// and the table's NEEDS ACTION name.
func (r Result) FullSoon(horizon time.Duration) bool {
	return r.Status == StatusOK && r.ForecastWithin(horizon)
}

// FailOn names a kind of row that makes a run fail for schedulers
// (cqmon --fail-on): the run still prints and stores everything, then
// exits with its own status.
type FailOn string

// Kinds of rows a run can fail on.
const (
	// FailViolation: a quota at or over its threshold, except singletons
	// that are not alerted about (see Result.Singleton).
	FailViolation FailOn = "violation"
	// FailForecast: a quota under its threshold forecast to reach its
	// limit within the horizon (Result.ForecastWithin), as a forecast
	// alert would say.
	FailForecast FailOn = "forecast"
	// FailUnknown: a quota that could not be measured.
	FailUnknown FailOn = "unknown"
)

// ParseFailOn reads one --fail-on value.
func ParseFailOn(v string) (FailOn, error) {
	switch f := FailOn(strings.ToLower(strings.TrimSpace(v))); f {
	case FailViolation, FailForecast, FailUnknown:
		return f, nil
	}
	return "", fmt.Errorf("%q is not one of violation, forecast, unknown", v)
}

// Matches reports whether row r is of kind f. Singletons count as
// violations only when alertSingletons is set; forecasts count within
// horizon.
func (f FailOn) Matches(r Result, alertSingletons bool, horizon time.Duration) bool {
	switch f {
	case FailViolation:
		return r.Status == StatusViolation && (!r.Singleton || alertSingletons)
	case FailForecast:
		return r.FullSoon(horizon)
	case FailUnknown:
		return r.Status == StatusUnknown
	}
	return false
}
