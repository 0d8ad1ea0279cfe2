package alert

import (
	"fmt"
	"strings"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// DefaultHorizon is how soon a quota under the threshold must be expected
// to reach its limit to alert: an increase of a per-instance Connect
// quota can take up to three weeks, and two weeks' notice still leaves
// room to act.
const DefaultHorizon = 14 * 24 * time.Hour

// MaxHorizon bounds the horizon: a trend fitted on a month of history says
// little about the year after.
const MaxHorizon = 365 * 24 * time.Hour

// horizonSlack is the hysteresis on the horizon: a forecast alert is
// cleared only when the forecast moves past the horizon by a quarter of
// it, so that a forecast hovering at the horizon does not alternate.
const horizonSlack = 0.25

// SeverityForecast marks a quota under the threshold that its trend takes
// to the limit within the horizon. It ranks below every violation, so a
// forecast that becomes a violation is told as one.
const SeverityForecast Severity = "forecast"

// KindForecast is a message whose news is quotas expected to reach their
// limit within the horizon, with no new or escalated violation.
const KindForecast Kind = "forecast"

func validHorizon(h time.Duration) error {
	if h < 0 || h > 0 && h < 24*time.Hour || h > MaxHorizon {
		return fmt.Errorf("horizon: %s is outside 1d-%s (0 turns forecast alerts off)", quota.FormatDuration(h), quota.FormatDuration(MaxHorizon))
	}
	return nil
}

// forecastDecision decides about a result under the threshold: a new
// forecast alert when its forecast is within the horizon, a reminder or
// nothing while it stays there, and a silent clear (no item; the state
// saved as recovered, so every store learns of it) once it
// moves past the horizon plus the slack or the trend is gone. ok is false
// when the result is not the forecast rules' business: no forecast state
// and no forecast within the horizon, or a violation's state.
func (p *planner) forecastDecision(r quota.Result, key, st quota.AlertState, had bool, u float64) (it Item, put *quota.AlertState, ok bool) {
	if had && Severity(st.LastSeverity) != SeverityForecast {
		return Item{}, nil, false
	}
	horizon := p.cfg.Horizon.Hours() / 24
	var days float64
	if r.Forecast != nil {
		days = r.Forecast.DaysToLimit
	}
	within := r.ForecastWithin(p.cfg.Horizon)
	if !had {
		if !within {
			return Item{}, nil, false
		}
		it = Item{Mark: MarkNew, Severity: SeverityForecast, Since: p.now, Result: r}
	} else {
		if r.Forecast == nil || horizon == 0 || days > horizon*(1+horizonSlack) {
			cleared := st
			cleared.RecoveredAt = p.now
			return Item{}, &cleared, true
		}
		it = Item{Mark: MarkOngoing, Severity: SeverityForecast, Since: st.FirstSeen, Previous: SeverityForecast, Result: r}
		if p.now.Sub(st.LastNotified) < p.cfg.RemindAfter {
			return it, nil, true
		}
		it.Mark = MarkReminder
	}
	s := key
	s.FirstSeen, s.LastNotified = it.Since, p.now
	s.LastSeverity, s.LastUtilization = string(SeverityForecast), u
	return it, &s, true
}

// forecastLine prints a forecast item: "Users per instance: 2347/3000
// (78.2%), full in ~42 days at +12/day  [forecast, new]", then the range,
// the limit's source and where to ask for more.
func (m Message) forecastLine(b *strings.Builder, it Item) {
	r := it.Result
	tags := []string{string(SeverityForecast)}
	switch it.Mark {
	case MarkNew:
		tags = append(tags, "new")
	case MarkReminder:
		tags = append(tags, "since "+day(it), "reminder")
	default:
		tags = append(tags, "since "+day(it))
	}
	f := r.Forecast
	if f == nil {
		return
	}
	fmt.Fprintf(b, "• %s%s: %s, %s  [%s]\n", regionTag(m, r), r.QuotaName, figures(r), f.Sentence(), strings.Join(tags, ", "))
	detail := []string{fmt.Sprintf("likely %s to %s days (%d readings since %s)", days(f.DaysLow), days(f.DaysHigh), f.Points,
		f.Since.UTC().Format("2006-01-02")), limitFrom(r.LimitSource)}
	fmt.Fprintf(b, "    %s\n", strings.Join(withRequest(detail, r), "; "))
	m.increaseLink(b, r)
}

// days prints a whole number of days, "<1" under half a day.
func days(d float64) string {
	if d < 0.5 {
		return "<1"
	}
	return fmt.Sprintf("%.0f", d)
}

// horizonText prints the horizon in days: "14 days".
func horizonText(h time.Duration) string {
	return plural(int(h.Hours()/24), "day")
}
