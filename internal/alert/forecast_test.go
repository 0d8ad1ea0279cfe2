package alert

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
)

// growing is the users quota at usage% of 3000 whose trend reaches the
// limit in days.
func growing(usage, days float64) quota.Result {
	r := res(codeUser, "Users per instance", usage*30, 3000, quota.LimitInstance, true)
	r.Forecast = &quota.Forecast{DaysToLimit: days, DaysLow: days * 0.8, DaysHigh: days * 1.4, SlopePerDay: 12.1,
		Points: 30, Since: t0.Add(-29 * 24 * time.Hour), Method: quota.ForecastMethod}
	return r
}

// forecastDecided is what Plan decided about the one quota of a case,
// wherever it listed it.
func forecastDecided(cfg Config, r quota.Result, states ...quota.AlertState) (decision, int) {
	ds := Plan(cfg, report(instance(instA, "acme-prod", r)), states)
	if len(ds) == 0 {
		return decision{}, 0
	}
	d := ds[0]
	var it Item
	for _, l := range [][]Item{d.Message.Violations, d.Message.Recovered, d.Message.Unknown, d.Message.Forecasts} {
		if len(l) > 0 {
			it = l[0]
		}
	}
	return decision{Kind: d.Message.Kind, Mark: it.Mark, Severity: it.Severity, Put: d.Put}, len(ds)
}

func TestPlanForecasts(t *testing.T) {
	hourAgo, dayAgo := t0.Add(-time.Hour), t0.Add(-25*time.Hour)
	told := func(notified time.Time) quota.AlertState {
		return state(codeUser, SeverityForecast, longAgo, notified, 75)
	}
	put := func(sev Severity, first time.Time, util float64) []quota.AlertState {
		return []quota.AlertState{state(codeUser, sev, first, t0, util)}
	}
	cleared := func(s quota.AlertState) quota.AlertState { s.RecoveredAt = t0; return s }
	withCfg := func(f func(*Config)) Config { c := at(t0); f(&c); return c }
	flat := res(codeUser, "Users per instance", 2250, 3000, quota.LimitInstance, true)
	warned := state(codeUser, SeverityWarning, longAgo, hourAgo, 81)

	tests := []struct {
		name   string
		cfg    Config
		result quota.Result
		states []quota.AlertState
		want   decision
	}{
		{name: "within the horizon", result: growing(75, 10),
			want: decision{Kind: KindForecast, Mark: MarkNew, Severity: SeverityForecast, Put: put(SeverityForecast, t0, 75)}},
		{name: "at the horizon", result: growing(75, 14),
			want: decision{Kind: KindForecast, Mark: MarkNew, Severity: SeverityForecast, Put: put(SeverityForecast, t0, 75)}},
		{name: "beyond the horizon", result: growing(75, 14.1)},
		{name: "no forecast", result: flat},
		{name: "a longer horizon", cfg: withCfg(func(c *Config) { c.Horizon = 60 * 24 * time.Hour }), result: growing(75, 42),
			want: decision{Kind: KindForecast, Mark: MarkNew, Severity: SeverityForecast, Put: put(SeverityForecast, t0, 75)}},
		{name: "horizon 0 turns them off", cfg: withCfg(func(c *Config) { c.Horizon = 0 }), result: growing(75, 1)},
		{name: "told an hour ago", result: growing(75, 9), states: []quota.AlertState{told(hourAgo)}},
		{name: "reminder", result: growing(76, 9), states: []quota.AlertState{told(dayAgo)},
			want: decision{Kind: KindReminder, Mark: MarkReminder, Severity: SeverityForecast, Put: put(SeverityForecast, longAgo, 76)}},
		{name: "past the horizon inside the slack keeps it", result: growing(75, 17.5), states: []quota.AlertState{told(hourAgo)}},
		{name: "past the horizon and the slack clears it silently", result: growing(75, 17.6), states: []quota.AlertState{told(hourAgo)},
			want: decision{Put: []quota.AlertState{cleared(told(hourAgo))}}},
		{name: "the trend gone clears it silently", result: flat, states: []quota.AlertState{told(hourAgo)},
			want: decision{Put: []quota.AlertState{cleared(told(hourAgo))}}},
		{name: "unknown keeps it", result: unknown(codeUser, "Users per instance", "usage: throttled"), states: []quota.AlertState{told(hourAgo)}},
		{name: "the forecast came true: a new violation", result: growing(81, 5), states: []quota.AlertState{told(hourAgo)},
			want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityWarning, Put: put(SeverityWarning, t0, 81)}},
		{name: "a violation inside the hysteresis is not a forecast", result: growing(77, 5), states: []quota.AlertState{warned}},
		{name: "a violation that recovers", result: growing(70, 5), states: []quota.AlertState{warned},
			want: decision{Kind: KindRecovery, Mark: MarkRecovered, Severity: SeverityOK, Put: []quota.AlertState{cleared(warned)}}},
		{name: "muted", cfg: withCfg(func(c *Config) { c.Mutes = []Mute{{MuteCode, codeUser}} }), result: growing(75, 3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.Now == nil {
				cfg = at(t0)
			}
			got, n := forecastDecided(cfg, tt.result, tt.states...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
			}
			if n > 1 {
				t.Errorf("Plan() gave %d deliveries", n)
			}
		})
	}
}

// TestNotifierForecastMemory: a forecast is told once, and once it moves
// past the horizon its memory is marked cleared without a message, so that
// its return is news again.
func TestNotifierForecastMemory(t *testing.T) {
	mem := NewMemory()
	var out bytes.Buffer
	run := func(now time.Time, r quota.Result) string {
		out.Reset()
		n := &Notifier{Store: mem, Channels: []Channel{NewWriter(&out)}, Config: at(now)}
		if _, err := n.Run(context.Background(), report(instance(instA, "acme-prod", r))); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if got := run(t0, growing(78.2, 9.6)); !strings.Contains(got, "Users per instance: 2346/3000 (78.2%), full in ~10 days at +12/day  [forecast, new]") {
		t.Errorf("first run sent:\n%s", got)
	}
	if got := run(t0.Add(time.Hour), growing(78.3, 9.5)); got != "" {
		t.Errorf("second run sent:\n%s", got)
	}
	if got := run(t0.Add(2*time.Hour), growing(78.3, 30)); got != "" || len(mem.All()) != 1 || !mem.All()[0].Recovered() {
		t.Errorf("forecast past the horizon: sent %q, memory %+v; want nothing and the state marked cleared", got, mem.All())
	}
	if got := run(t0.Add(3*time.Hour), growing(78.4, 8)); !strings.Contains(got, "[forecast, new]") {
		t.Errorf("forecast back within the horizon sent:\n%s", got)
	}
}

func TestForecastSubject(t *testing.T) {
	m := only(t, at(t0), report(instance(instA, "acme-prod", growing(78.2, 9.6), flows(10))))
	if got, want := m.Subject(), "Connect Quota Forecast - Instance: acme-prod (1 quota full within 14 days)"; got != want {
		t.Errorf("Subject() = %q, want %q", got, want)
	}
	m = only(t, at(t0), report(instance(instA, "acme-prod", growing(78.2, 9.6), flows(90))))
	if got, want := m.Subject(), "Connect Quota Alert - Instance: acme-prod (1 violation)"; got != want {
		t.Errorf("Subject() = %q, want %q", got, want)
	}
}

func TestConfigValidateHorizon(t *testing.T) {
	for h, want := range map[time.Duration]string{
		0:                      "",
		24 * time.Hour:         "",
		MaxHorizon:             "",
		12 * time.Hour:         "horizon: 12h is outside 1d-365d (0 turns forecast alerts off)",
		MaxHorizon + time.Hour: "horizon: 8761h is outside 1d-365d (0 turns forecast alerts off)",
		-24 * time.Hour:        "horizon: -24h0m0s is outside 1d-365d (0 turns forecast alerts off)",
	} {
		c := DefaultConfig()
		c.Horizon = h
		got := ""
		if err := c.Validate(); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("Validate() with horizon %s = %q, want %q", h, got, want)
		}
	}
}

// A forecast line names the increase request already filed, and leaves
// out the link to file another while it is open.
func TestForecastLineNamesTheIncreaseRequest(t *testing.T) {
	link := "Request an increase: https://us-east-1.console.aws.amazon.com/servicequotas/home/services/connect/quotas/" + codeUser
	for _, tc := range []struct {
		status   string
		wantLink bool
	}{{"PENDING", false}, {"CASE_OPENED", false}, {"DENIED", true}} {
		r := growing(78.2, 9.6)
		r.IncreaseRequest = &quota.IncreaseRequest{ID: "r-1", Status: tc.status, DesiredValue: 4000, RequestedAt: t0.Add(-48 * time.Hour)}
		text := only(t, at(t0), report(instance(instA, "acme-prod", r))).Text()
		if want := "increase to 4000 requested 2026-11-19, " + tc.status; !strings.Contains(text, want) {
			t.Errorf("%s: text lacks %q:\n%s", tc.status, want, text)
		}
		if got := strings.Contains(text, link); got != tc.wantLink {
			t.Errorf("%s: link shown = %v, want %v:\n%s", tc.status, got, tc.wantLink, text)
		}
	}
}
