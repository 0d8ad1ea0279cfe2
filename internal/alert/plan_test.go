package alert

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
)

// decision is what Plan decided about the one quota of a test case.
type decision struct {
	Kind     Kind
	Mark     Mark
	Severity Severity
	Put      []quota.AlertState
}

func decide(cfg Config, r quota.Result, states ...quota.AlertState) decision {
	ds := Plan(cfg, report(instance(instA, "acme-prod", r)), states)
	if len(ds) == 0 {
		return decision{}
	}
	d := ds[0]
	var it Item
	for _, l := range [][]Item{d.Message.Violations, d.Message.Recovered, d.Message.Unknown} {
		if len(l) > 0 {
			it = l[0]
		}
	}
	return decision{Kind: d.Message.Kind, Mark: it.Mark, Severity: it.Severity, Put: d.Put}
}

func TestPlanDecisions(t *testing.T) {
	hourAgo, dayAgo := t0.Add(-time.Hour), t0.Add(-24*time.Hour)
	warned := state(codeFlow, SeverityWarning, longAgo, hourAgo, 82)
	crit := state(codeFlow, SeverityCritical, longAgo, hourAgo, 91)
	put := func(sev Severity, first time.Time, util float64) []quota.AlertState {
		return []quota.AlertState{state(codeFlow, sev, first, t0, util)}
	}
	recovered := warned
	recovered.RecoveredAt = t0
	limitZero := res(codeFlow, "Contact flows per instance", 3, 0, quota.LimitInstance, true)
	withCfg := func(f func(*Config)) Config { c := at(t0); f(&c); return c }

	tests := []struct {
		name   string
		cfg    Config
		result quota.Result
		states []quota.AlertState
		want   decision
	}{
		{name: "below threshold, nothing remembered", result: flows(79.99)},
		{name: "crosses the threshold", result: flows(81),
			want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityWarning, Put: put(SeverityWarning, t0, 81)}},
		{name: "exactly at the threshold", result: flows(80),
			want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityWarning, Put: put(SeverityWarning, t0, 80)}},
		{name: "new straight into exceeded", result: flows(120),
			want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityExceeded, Put: put(SeverityExceeded, t0, 120)}},
		{name: "usage against a limit of 0 is exceeded", result: limitZero,
			want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityExceeded, Put: put(SeverityExceeded, t0, 0)}},
		{name: "unchanged inside the reminder window", result: flows(83), states: []quota.AlertState{warned},
			want: decision{}},
		{name: "escalates warning to high", result: flows(85), states: []quota.AlertState{warned},
			want: decision{Kind: KindAlert, Mark: MarkEscalated, Severity: SeverityHigh, Put: put(SeverityHigh, longAgo, 85)}},
		{name: "escalates critical to emergency", result: flows(95), states: []quota.AlertState{crit},
			want: decision{Kind: KindAlert, Mark: MarkEscalated, Severity: SeverityEmergency, Put: put(SeverityEmergency, longAgo, 95)}},
		{name: "escalates to full at exactly the limit", result: flows(100), states: []quota.AlertState{crit},
			want: decision{Kind: KindAlert, Mark: MarkEscalated, Severity: SeverityFull, Put: put(SeverityFull, longAgo, 100)}},
		{name: "escalates from full to exceeded over the limit", result: flows(101), states: []quota.AlertState{state(codeFlow, SeverityFull, longAgo, hourAgo, 100)},
			want: decision{Kind: KindAlert, Mark: MarkEscalated, Severity: SeverityExceeded, Put: put(SeverityExceeded, longAgo, 101)}},
		{name: "a hair under the limit rounds to 100% but is not full",
			result: res(codeFlow, "Contact flows per instance", 99999, 100000, quota.LimitInstance, true),
			want:   decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityEmergency, Put: put(SeverityEmergency, t0, 100)}},
		{name: "a singleton is reported, not alerted", result: res(codeFlow, "Contact flows per instance", 1, 1, quota.LimitInstance, true)},
		{name: "a singleton alerts when asked to", cfg: withCfg(func(c *Config) { c.AlertSingletons = true }),
			result: res(codeFlow, "Contact flows per instance", 1, 1, quota.LimitInstance, true),
			want:   decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityFull, Put: put(SeverityFull, t0, 100)}},
		{name: "two items over a limit of 1 are no singleton", result: res(codeFlow, "Contact flows per instance", 2, 1, quota.LimitInstance, true),
			want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityExceeded, Put: put(SeverityExceeded, t0, 200)}},
		{name: "the row's own lower threshold", result: flowsAt(72, 70),
			want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityWarning, Put: put(SeverityWarning, t0, 72)}},
		{name: "under the row's own higher threshold", result: flowsAt(90, 95)},
		{name: "the row's own threshold beats the configured one", cfg: withCfg(func(c *Config) { c.Threshold = 90 }), result: flowsAt(85, 80),
			want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityHigh, Put: put(SeverityHigh, t0, 85)}},
		{name: "recovers under the row's own threshold minus hysteresis", result: flowsAt(88, 95), states: []quota.AlertState{warned},
			want: decision{Kind: KindRecovery, Mark: MarkRecovered, Severity: SeverityOK, Put: []quota.AlertState{recovered}}},
		{name: "same band again after a dip is not an escalation", result: flows(92), states: []quota.AlertState{crit}},
		{name: "lower band inside the window sends nothing", result: flows(82), states: []quota.AlertState{crit}},
		{name: "reminder when the window has passed", result: flows(83),
			states: []quota.AlertState{state(codeFlow, SeverityWarning, longAgo, dayAgo, 82)},
			want:   decision{Kind: KindReminder, Mark: MarkReminder, Severity: SeverityWarning, Put: put(SeverityWarning, longAgo, 83)}},
		{name: "no reminder a minute early", result: flows(83),
			states: []quota.AlertState{state(codeFlow, SeverityWarning, longAgo, dayAgo.Add(time.Minute), 82)}},
		{name: "reminder records a lower band", result: flows(82),
			states: []quota.AlertState{state(codeFlow, SeverityCritical, longAgo, dayAgo, 91)},
			want:   decision{Kind: KindReminder, Mark: MarkReminder, Severity: SeverityWarning, Put: put(SeverityWarning, longAgo, 82)}},
		{name: "shorter remind-after", cfg: withCfg(func(c *Config) { c.RemindAfter = time.Hour }),
			result: flows(83), states: []quota.AlertState{warned},
			want: decision{Kind: KindReminder, Mark: MarkReminder, Severity: SeverityWarning, Put: put(SeverityWarning, longAgo, 83)}},
		{name: "below threshold inside the hysteresis keeps the state", result: flows(75), states: []quota.AlertState{warned}},
		{name: "back over the threshold after hovering is not new", result: flows(80), states: []quota.AlertState{warned}},
		{name: "recovers below threshold minus hysteresis", result: flows(74.99), states: []quota.AlertState{warned},
			want: decision{Kind: KindRecovery, Mark: MarkRecovered, Severity: SeverityOK, Put: []quota.AlertState{recovered}}},
		{name: "zero hysteresis recovers just under the threshold", cfg: withCfg(func(c *Config) { c.Hysteresis = 0 }),
			result: flows(79.99), states: []quota.AlertState{warned},
			want: decision{Kind: KindRecovery, Mark: MarkRecovered, Severity: SeverityOK, Put: []quota.AlertState{recovered}}},
		{name: "a recovery record is no alert: high again is new", result: flows(81), states: []quota.AlertState{recovered},
			want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityWarning, Put: put(SeverityWarning, t0, 81)}},
		{name: "a recovery record does not recover again", result: flows(10), states: []quota.AlertState{recovered}},
		{name: "unknown keeps the state and sends nothing",
			result: unknown(codeFlow, "Contact flows per instance", "usage: throttled"), states: []quota.AlertState{warned}},
		{name: "unknown without state sends nothing", result: unknown(codeFlow, "Contact flows per instance", "usage: throttled")},
		{name: "muted by code", cfg: withCfg(func(c *Config) { c.Mutes = []Mute{{MuteCode, codeFlow}} }), result: flows(99)},
		{name: "muted by name glob", cfg: withCfg(func(c *Config) { c.Mutes = []Mute{{MuteName, "contact * per instance"}} }), result: flows(99)},
		{name: "muted by instance id", cfg: withCfg(func(c *Config) { c.Mutes = []Mute{{MuteInstance, instA}} }), result: flows(99)},
		{name: "muted by alias", cfg: withCfg(func(c *Config) { c.Mutes = []Mute{{MuteInstance, "ACME-prod"}} }), result: flows(99)},
		{name: "muted quota does not recover", cfg: withCfg(func(c *Config) { c.Mutes = []Mute{{MuteCode, codeFlow}} }),
			result: flows(10), states: []quota.AlertState{warned}},
		{name: "other mutes do not apply", cfg: withCfg(func(c *Config) { c.Mutes = []Mute{{MuteCode, codeUser}, {MuteInstance, "other"}} }),
			result: flows(81), want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityWarning, Put: put(SeverityWarning, t0, 81)}},
		{name: "higher threshold skips the lower bands", cfg: withCfg(func(c *Config) { c.Threshold = 90 }),
			result: flows(90), want: decision{Kind: KindAlert, Mark: MarkNew, Severity: SeverityCritical, Put: put(SeverityCritical, t0, 90)}},
		{name: "a row without its own threshold is under the configured one", cfg: withCfg(func(c *Config) { c.Threshold = 90 }),
			result: func() quota.Result { r := flows(89); r.Threshold = 0; return r }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.Now == nil {
				cfg = at(t0)
			}
			got := decide(cfg, tt.result, tt.states...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanListsEveryViolationMarkingOnlyTheNews(t *testing.T) {
	rep := report(instance(instA, "acme-prod", flows(91), lambdas(42), users(81)))
	ds := Plan(at(t0), rep, []quota.AlertState{
		state(codeFlow, SeverityCritical, longAgo, t0.Add(-time.Hour), 91),
		state(codeLamb, SeverityWarning, longAgo, t0.Add(-time.Hour), 84),
	})
	if len(ds) != 1 {
		t.Fatalf("Plan gave %d deliveries, want 1", len(ds))
	}
	marks := map[string]Mark{}
	for _, it := range ds[0].Message.Violations {
		marks[it.Result.QuotaID()] = it.Mark
	}
	want := map[string]Mark{codeFlow: MarkOngoing, codeLamb: MarkOngoing, codeUser: MarkNew}
	if diff := cmp.Diff(want, marks); diff != "" {
		t.Errorf("marks mismatch (-want +got):\n%s", diff)
	}
	if got := ds[0].Message.Subject(); got != "Connect Quota Alert - Instance: acme-prod (3 violations)" {
		t.Errorf("Subject() = %q", got)
	}
	if diff := cmp.Diff([]quota.AlertState{{Account: account, Region: region, InstanceID: instA, QuotaID: codeUser,
		FirstSeen: t0, LastNotified: t0, LastSeverity: "warning", LastUtilization: 81}}, ds[0].Put); diff != "" {
		t.Errorf("Put mismatch (-want +got):\n%s", diff)
	}
}

func TestPlanKeepsStatesOfAbsentQuotasAndInstances(t *testing.T) {
	states := []quota.AlertState{
		state(codeUser, SeverityHigh, longAgo, longAgo, 86),
		{Account: account, Region: region, InstanceID: instB, QuotaID: codeFlow, FirstSeen: longAgo, LastNotified: longAgo, LastSeverity: "high"},
		{Account: account, Region: "eu-west-2", QuotaID: "L-11111111", FirstSeen: longAgo, LastNotified: longAgo, LastSeverity: "high"},
	}
	// Instance A is scanned without the users quota; B and the account
	// quotas are not in the report at all.
	if ds := Plan(at(t0), report(instance(instA, "acme-prod", flows(10))), states); len(ds) != 0 {
		t.Errorf("Plan() = %+v, want no deliveries", ds)
	}
}

func TestSeverityOf(t *testing.T) {
	tests := []struct {
		util, threshold float64
		want            Severity
	}{
		{79.9, 80, SeverityOK}, {80, 80, SeverityWarning}, {84.99, 80, SeverityWarning}, {85, 80, SeverityHigh},
		{90, 80, SeverityCritical}, {95, 80, SeverityEmergency}, {99.99, 80, SeverityEmergency},
		{100, 80, SeverityExceeded}, {250, 80, SeverityExceeded}, {86, 88, SeverityOK}, {88, 88, SeverityHigh},
	}
	for _, tt := range tests {
		if got := SeverityOf(tt.util, tt.threshold); got != tt.want {
			t.Errorf("SeverityOf(%v, %v) = %q, want %q", tt.util, tt.threshold, got, tt.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"defaults", func(*Config) {}, ""},
		{"threshold", func(c *Config) { c.Threshold = 100 }, "threshold: 100 is outside 1–99 (percent)"},
		{"remind-after", func(c *Config) { c.RemindAfter = time.Second }, "remind-after: 1s is shorter than 1m"},
		{"hysteresis range", func(c *Config) { c.Hysteresis = -1 }, "hysteresis: -1 is outside 0–50 (percentage points)"},
		{"hysteresis over threshold", func(c *Config) { c.Threshold, c.Hysteresis = 10, 10 }, "hysteresis: 10 is not below the threshold 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			got := ""
			if err := c.Validate(); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}
