package alert

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// Kind is what a message is about, as a whole; subscribers filter on it
// through the "kind" message attribute.
type Kind string

// Message kinds.
const (
	// KindAlert: at least one quota is new or escalated.
	KindAlert Kind = "alert"
	// KindReminder: nothing new, but a quota has stayed high for
	// RemindAfter since it was last told about.
	KindReminder Kind = "reminder"
	// KindRecovery: the only news is quotas that recovered.
	KindRecovery Kind = "recovery"
)

// Mark says why a quota is listed in a message.
type Mark string

// Marks of an Item.
const (
	// MarkNew: the quota crossed the threshold since the last run.
	MarkNew Mark = "new"
	// MarkEscalated: the quota reached a higher severity than last told.
	MarkEscalated Mark = "escalated"
	// MarkReminder: the quota stayed high for RemindAfter since last told.
	MarkReminder Mark = "reminder"
	// MarkOngoing: the quota is still high and was told about recently;
	// it is listed for completeness and causes no message by itself.
	MarkOngoing Mark = "ongoing"
	// MarkRecovered: the quota dropped below Threshold-Hysteresis.
	MarkRecovered Mark = "recovered"
	// MarkUnknown: the quota could not be measured this run.
	MarkUnknown Mark = "unknown"
)

// Item is one quota listed in a message.
type Item struct {
	Mark     Mark     `json:"mark"`
	Severity Severity `json:"severity,omitempty"`
	// Previous is the severity last told about (escalated, recovered and
	// unknown items that had been alerted).
	Previous Severity `json:"previous_severity,omitempty"`
	// Since is when the quota first crossed the threshold; zero when it
	// never did.
	Since  time.Time    `json:"since,omitzero"`
	Result quota.Result `json:"result"`
}

// Message is the news about one instance, or about the account-level
// quotas (InstanceID empty), ready to be rendered by a channel.
type Message struct {
	Kind     Kind
	Severity Severity // the highest severity of the listed violations
	RunID    string
	Account  string
	// AccountName is the account's name in its Organization, when known.
	AccountName string
	// NameAccount puts the account in the subject (runs of several
	// accounts).
	NameAccount   bool
	Region        string // the instance's Region; Regions of the items for account-level messages, comma-separated
	InstanceID    string
	InstanceAlias string
	Threshold     float64
	// RecoverBelow is the utilization a quota must drop below to recover:
	// Threshold minus the hysteresis.
	RecoverBelow float64
	// Violations lists every current (unmuted) violation, most severe
	// first, each marked new, escalated, reminder or ongoing.
	Violations []Item
	Recovered  []Item
	Unknown    []Item
	// Forecasts lists the quotas under the threshold expected to reach
	// their limit within Horizon, each marked new, reminder or ongoing.
	Forecasts []Item
	// Horizon is the configuration's forecast horizon.
	Horizon time.Duration
	Summary quota.Summary
	// Omitted counts the items left out of each list to fit a channel's
	// size limit (see trim).
	Omitted Omitted
}

// Omitted counts items a rendering left out.
type Omitted struct {
	Violations int `json:"violations,omitempty"`
	Recovered  int `json:"recovered,omitempty"`
	Unknown    int `json:"unknown,omitempty"`
	Forecasts  int `json:"forecasts,omitempty"`
}

// Delivery is one message and the states to save once every channel has
// accepted it: alerts told, and recoveries told (states with RecoveredAt).
type Delivery struct {
	Message Message
	Put     []quota.AlertState
}

// Plan decides, without side effects, which messages a report calls for
// given the remembered states: one per instance with news and one for the
// account-level quotas with news. An unknown quota is listed the first
// time and when its reason changes, riding along with news (it never
// makes a message by itself), and never when it is unknown by design or
// skipped. States of quotas absent from the report or muted are left
// untouched. A delivery whose message has no Kind carries state changes
// only (forecast alerts cleared, unknowns measured again, without news)
// and is not sent.
func Plan(cfg Config, rep *quota.Report, states []quota.AlertState) []Delivery {
	cfg = cfg.resolved(rep)
	p := planner{cfg: cfg, now: cfg.Now().UTC(), rep: rep, known: map[string]quota.AlertState{}}
	for _, s := range states {
		if !s.Recovered() {
			p.known[s.Key()] = s
		}
	}
	var out []Delivery
	for _, in := range rep.Instances {
		m := p.message(in.InstanceID, in.InstanceAlias, in.Region, in.Summary)
		if d, ok := p.plan(m, in.Metrics); ok {
			out = append(out, d)
		}
	}
	m := p.message("", "", "", rep.Account.Summary)
	if d, ok := p.plan(m, rep.Account.Metrics); ok {
		out = append(out, d)
	}
	return out
}

type planner struct {
	cfg   Config
	now   time.Time
	rep   *quota.Report
	known map[string]quota.AlertState
}

func (p *planner) message(id, alias, region string, s quota.Summary) Message {
	return Message{RunID: p.rep.RunID, Account: p.rep.AccountID, AccountName: p.rep.AccountName(p.rep.AccountID),
		NameAccount: p.cfg.NameAccount, Region: region,
		InstanceID: id, InstanceAlias: alias, Threshold: p.cfg.Threshold,
		RecoverBelow: p.cfg.Threshold - p.cfg.Hysteresis, Horizon: p.cfg.Horizon, Summary: s}
}

// plan fills m from results and returns the delivery when there is news.
func (p *planner) plan(m Message, results []quota.Result) (Delivery, bool) {
	d := Delivery{}
	// told holds the states of the unknowns listed: saved only with a
	// message, so that an unknown not sent rides along with the next one.
	var told []quota.AlertState
	var regions []string
	for _, r := range results {
		if muted(p.cfg.Mutes, r, m.InstanceID, m.InstanceAlias) || r.Singleton && !p.cfg.AlertSingletons {
			continue
		}
		region := m.Region
		if m.InstanceID == "" {
			region = r.Region
		}
		key := quota.AlertState{Account: m.Account, Region: region, InstanceID: m.InstanceID, QuotaID: r.QuotaID()}
		st, had := p.known[key.Key()]
		it, put := p.decide(r, key, st, had)
		switch {
		case it.Mark == "":
			if put != nil {
				d.Put = append(d.Put, *put) // a forecast cleared without a word
			}
			continue
		case it.Severity == SeverityForecast:
			m.Forecasts = append(m.Forecasts, it)
		case it.Mark == MarkRecovered:
			m.Recovered = append(m.Recovered, it)
		case it.Mark == MarkUnknown:
			m.Unknown = append(m.Unknown, it)
			told = append(told, *put)
			put = nil
		default:
			m.Violations = append(m.Violations, it)
		}
		if put != nil {
			d.Put = append(d.Put, *put)
		}
		if !slices.Contains(regions, region) {
			regions = append(regions, region)
		}
	}
	m.Kind = kindOf(m)
	if m.Kind == "" {
		return Delivery{Put: d.Put}, len(d.Put) > 0
	}
	d.Put = append(d.Put, told...)
	if m.InstanceID == "" {
		slices.Sort(regions)
		m.Region = strings.Join(regions, ",")
	}
	slices.SortStableFunc(m.Violations, func(a, b Item) int {
		return cmp.Or(b.Severity.Rank()-a.Severity.Rank(), cmp.Compare(util(b.Result), util(a.Result)),
			cmp.Compare(a.Result.QuotaName, b.Result.QuotaName))
	})
	byName := func(a, b Item) int { return cmp.Compare(a.Result.QuotaName, b.Result.QuotaName) }
	slices.SortStableFunc(m.Recovered, byName)
	slices.SortStableFunc(m.Unknown, byName)
	slices.SortStableFunc(m.Forecasts, func(a, b Item) int {
		return cmp.Or(cmp.Compare(a.Result.Forecast.DaysToLimit, b.Result.Forecast.DaysToLimit), byName(a, b))
	})
	m.Severity = SeverityOK
	switch {
	case len(m.Violations) > 0:
		m.Severity = m.Violations[0].Severity
	case len(m.Forecasts) > 0:
		m.Severity = SeverityForecast
	}
	d.Message = m
	return d, true
}

// decide classifies one result against its remembered state and returns
// the item to list (zero Mark: not listed) and the state to save, if any.
//
// A state may remember an alert (LastSeverity set), the reason of an
// unknown told (UnknownReason set), or both.
func (p *planner) decide(r quota.Result, key quota.AlertState, st quota.AlertState, had bool) (Item, *quota.AlertState) {
	it := Item{Result: r}
	if had && st.LastSeverity != "" {
		it.Since, it.Previous = st.FirstSeen, Severity(st.LastSeverity)
	}
	if r.Status == quota.StatusUnknown {
		if r.UnknownCause != "" || had && sameReason(st.UnknownReason, r.Reason) {
			return Item{}, nil
		}
		told := key
		if had {
			told = st
		}
		told.UnknownReason, told.UnknownAt = r.Reason, p.now
		it.Mark = MarkUnknown
		return it, &told
	}
	// Measured again: the unknown told is forgotten, quietly; a state
	// that held only that is over, as a recovery is.
	var forget *quota.AlertState
	if had && st.UnknownReason != "" {
		f := st
		f.UnknownReason, f.UnknownAt = "", p.now
		if f.LastSeverity == "" {
			f.RecoveredAt = p.now
		}
		forget = &f
	}
	had = had && st.LastSeverity != ""
	if had {
		st.UnknownReason = ""
	}
	th := p.threshold(r)
	u, high := p.level(r)
	if !high {
		if it, put, ok := p.forecastDecision(r, key, st, had, u); ok {
			if put == nil {
				put = forget
			}
			return it, put
		}
		if had && u < th-p.cfg.Hysteresis {
			it.Mark, it.Severity = MarkRecovered, SeverityOK
			rec := st
			rec.RecoveredAt = p.now
			return it, &rec
		}
		return Item{}, forget
	}
	if had && Severity(st.LastSeverity) == SeverityForecast {
		had = false // the forecast came true: a violation is new news
	}
	it.Severity = severityOf(r, th)
	switch {
	case !had:
		it.Mark, it.Since, it.Previous = MarkNew, p.now, ""
	case it.Severity.Rank() > it.Previous.Rank():
		it.Mark = MarkEscalated
	case p.now.Sub(st.LastNotified) >= p.cfg.RemindAfter:
		it.Mark = MarkReminder
	default:
		it.Mark = MarkOngoing
		return it, forget
	}
	put := key
	put.FirstSeen, put.LastNotified = it.Since, p.now
	put.LastSeverity, put.LastUtilization = string(it.Severity), u
	return it, &put
}

// threshold is the threshold a result was judged against (a per-quota
// rule's, or the run's), else the configured one.
func (p *planner) threshold(r quota.Result) float64 {
	if r.Threshold > 0 {
		return r.Threshold
	}
	return p.cfg.Threshold
}

// digits matches the numbers of a reason.
var digits = regexp.MustCompile(`[0-9]+`)

// sameReason reports whether two unknown reasons are the same once their
// numbers are set aside: "1700 parents would take one call each" and
// "1702 parents ..." are one reason, not news.
func sameReason(a, b string) bool {
	return a != "" && digits.ReplaceAllString(a, "#") == digits.ReplaceAllString(b, "#")
}

// level returns a result's utilization and whether it is at or above its
// threshold. A violation without utilization is usage against a limit of
// 0; a result without utilization otherwise counts as 0%.
func (p *planner) level(r quota.Result) (float64, bool) {
	if r.Utilization == nil {
		return 0, r.Status == quota.StatusViolation
	}
	return *r.Utilization, *r.Utilization >= p.threshold(r)
}

func util(r quota.Result) float64 {
	if r.Utilization == nil {
		return 0
	}
	return *r.Utilization
}

// kindOf names a message by its most important news; "" means no news.
func kindOf(m Message) Kind {
	var remind, forecast bool
	for _, it := range m.Violations {
		switch it.Mark {
		case MarkNew, MarkEscalated:
			return KindAlert
		case MarkReminder:
			remind = true
		}
	}
	for _, it := range m.Forecasts {
		switch it.Mark {
		case MarkNew:
			forecast = true
		case MarkReminder:
			remind = true
		}
	}
	switch {
	case forecast:
		return KindForecast
	case remind:
		return KindReminder
	case len(m.Recovered) > 0:
		return KindRecovery
	}
	return ""
}
