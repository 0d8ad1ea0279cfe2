package report

import (
	"fmt"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// Alerts is what the run's alerting step did, for the ALERTS section.
type Alerts struct {
	// Channels name the channels messages went to; none means no alerting.
	Channels []string
	// Sent lists the messages every channel took.
	Sent []Alert
	// Failed has one line per message a channel did not take.
	Failed []string
	// FullText says where the messages' full text is printed, if anywhere.
	FullText string
}

// Alert is one message sent.
type Alert struct {
	Kind string // alert, reminder or recovery
	// About is the instance, or the account for account-level quotas.
	About string
	// News sums the message up: "10 violations: 9 new, 1 escalated".
	News string
}

// summary writes the default view: what needs action first, then one
// line per instance, the unknowns by reason and the alerts, each line at
// most Width columns.
func summary(bw *errWriter, rep *quota.Report, o Options) {
	line := func(format string, args ...any) { bw.printf("%s\n", fitLine(fmt.Sprintf(format, args...))) }
	head(bw, rep)
	t := rep.Totals()
	near := 0
	each(rep, func(_ *quota.InstanceReport, r quota.Result) {
		if Near(r, rep.Threshold, o.Near) {
			near++
		}
	})
	actions := Actions(rep, o)
	soon := 0
	for _, a := range actions {
		if a.Forecast {
			soon++
		}
	}
	line("%s", countsLine(rep, t, near, soon, o))

	if o.Mark != nil {
		for i := range actions {
			actions[i].Mark = o.Mark(actions[i])
		}
	}
	bw.printf("\n")
	if len(actions) == 0 {
		s := fmt.Sprintf("NEEDS ACTION: nothing: no quota is at or above %s%% of its limit", quota.FormatNumber(rep.Threshold))
		if o.Horizon > 0 {
			s += " or forecast to reach it within " + quota.FormatDuration(o.Horizon)
		}
		line("%s", s)
	} else {
		needsAction(bw, actions, rep.Threshold)
	}

	bw.printf("\n")
	instances(bw, rep, o)
	if manyAccounts(rep) {
		bw.printf("\n")
		accounts(bw, rep.Accounts)
	}

	unknowns(bw, rep)
	if o.Alerts != nil {
		bw.printf("\n")
		alerts(bw, o.Alerts)
	}
}

// countsLine is the summary's second line: instances, quotas measured,
// violations (singletons apart unless they alert), quotas forecast to
// reach their limit within the horizon, near the threshold, unknown and
// run errors, in shorter words when the line would not fit otherwise.
func countsLine(rep *quota.Report, t quota.Summary, near, soon int, o Options) string {
	violations := quota.Plural(t.Violations(o.AlertSingletons), "violation")
	if n := t.SingletonsCount; n > 0 && !o.AlertSingletons {
		violations += fmt.Sprintf(" (+%d by design)", n)
	}
	if soon > 0 {
		violations += fmt.Sprintf(", %d full within %s", soon, quota.FormatDuration(o.Horizon))
	}
	band := fmt.Sprintf("(%s–%s%%)", quota.FormatNumber(max(rep.Threshold-o.Near, 0)), quota.FormatNumber(rep.Threshold))
	errs := ""
	if n := len(rep.Errors); n > 0 {
		errs = fmt.Sprintf(", %s (--all)", quota.Plural(n, "run error"))
	}
	// The shorter words take over, one at a time, until the line fits.
	measured, nearWords := "quotas measured", "near the threshold"
	s := ""
	for _, shorter := range []func(){func() {}, func() { nearWords = "near" }, func() { measured = "quotas" }} {
		shorter()
		s = fmt.Sprintf("%s, %d %s: %s, %d %s %s, %d unknown%s",
			quota.Plural(len(rep.Instances), "instance"), t.MetricsCount, measured, violations, near, nearWords, band, t.UnknownCount, errs)
		if runes(s) <= Width {
			break
		}
	}
	return s
}

// head is the summary's first line: account, Regions, run and threshold.
func head(bw *errWriter, rep *quota.Report) {
	account := rep.AccountID
	if account == "" {
		account = "unknown"
	}
	regions := strings.Join(rep.Regions, ",")
	s := fmt.Sprintf("cqmon  account %s  Regions %s  run %s  threshold %s%%  lookback %s",
		account, regions, rep.RunID, quota.FormatNumber(rep.Threshold), rep.Lookback)
	if runes(s) > Width {
		s = strings.Replace(s, "Regions "+regions, quota.Plural(len(rep.Regions), "Region"), 1)
	}
	bw.printf("%s\n", fitLine(s))
}

// each calls fn for every result; in is nil for account-level results.
func each(rep *quota.Report, fn func(in *quota.InstanceReport, r quota.Result)) {
	for i := range rep.Instances {
		for _, r := range rep.Instances[i].Metrics {
			fn(&rep.Instances[i], r)
		}
	}
	for _, r := range rep.Account.Metrics {
		fn(nil, r)
	}
}

// instances writes one line per instance, and one for the account-level
// quotas: status, counts and the worst quota.
func instances(bw *errWriter, rep *quota.Report, o Options) {
	var rows [][]string
	row := func(name, region, state string, rs []quota.Result) {
		if state != "" {
			rows = append(rows, []string{"UNMEASURED", name, region, "", "", "", "not measured: " + state})
			return
		}
		s := quota.Summarize(rs)
		near, soon := 0, 0
		var top *quota.Result
		for i, r := range rs {
			if Near(r, rep.Threshold, o.Near) {
				near++
			}
			if r.FullSoon(o.Horizon) {
				soon++
			}
			// A singleton that does not alert is not the worst quota.
			quiet := r.Singleton && !o.AlertSingletons
			if r.Utilization != nil && !quiet && (top == nil || *r.Utilization > *top.Utilization) {
				top = &rs[i]
			}
		}
		violations := s.Violations(o.AlertSingletons)
		status := "OK"
		switch {
		case violations > 0:
			status = "VIOLATION"
		case soon > 0:
			status = "FORECAST"
		case near > 0:
			status = "NEAR"
		case s.UnknownCount == s.MetricsCount && s.MetricsCount > 0:
			status = "UNKNOWN"
		}
		worst := "-"
		if top != nil {
			worst = pct(top.Utilization) + " " + top.QuotaName
			if top.Region != "" && top.Region != region {
				worst += " (" + top.Region + ")"
			}
		}
		counts := fmt.Sprintf("%d near, %d unknown", near, s.UnknownCount)
		if soon > 0 {
			counts = fmt.Sprintf("%d soon, ", soon) + counts
		}
		rows = append(rows, []string{status, name, orDash(region), quota.Plural(s.MetricsCount, "quota"),
			quota.Plural(violations, "violation"), counts, worst})
	}
	for _, in := range rep.Instances {
		state := ""
		if in.InstanceStatus != "ACTIVE" {
			state = in.InstanceStatus
		}
		row(inAccount(rep, in.AccountID, in.AccountName, instanceName(in)), in.Region, state, in.Metrics)
	}
	for _, part := range accountParts(rep) {
		if len(part.Account.Metrics) > 0 {
			region := quota.Plural(len(rep.Regions), "Region")
			if len(rep.Regions) == 1 {
				region = rep.Regions[0]
			}
			row(inAccount(rep, part.AccountID, rep.AccountName(part.AccountID), AccountScope), region, "", part.Account.Metrics)
		}
	}
	cols := []column{{}, {}, {}, {right: true}, {right: true}, {}, {}}
	// With several accounts the name is "account/instance": keep room
	// for both before it is shortened.
	name := 12
	if manyAccounts(rep) {
		name = 30
	}
	_, lines, _ := layout("  ", cols, rows, Width, shrink{1, name}, shrink{6, 20})
	for _, l := range lines {
		bw.printf("%s\n", l)
	}
}

// alerts writes one line per message the run sent.
func alerts(bw *errWriter, a *Alerts) {
	switch {
	case len(a.Channels) == 0:
		bw.printf("ALERTS: none: no channel (--notify)\n")
		return
	case len(a.Sent) == 0 && len(a.Failed) == 0:
		bw.printf("%s\n", fitLine("ALERTS: none: no news to send to "+strings.Join(a.Channels, ", ")))
		return
	}
	h := fmt.Sprintf("ALERTS: %s to %s", quota.Plural(len(a.Sent), "message"), strings.Join(a.Channels, ", "))
	if a.FullText != "" {
		h += " (full text: " + a.FullText + ")"
	}
	bw.printf("%s\n", fitLine(h))
	rows := make([][]string, len(a.Sent))
	for i, m := range a.Sent {
		rows[i] = []string{m.Kind, m.About, m.News}
	}
	if len(rows) > 0 {
		_, lines, _ := layout("  ", []column{{}, {}, {}}, rows, Width, shrink{2, 20}, shrink{1, 12}, shrink{2, 0})
		for _, l := range lines {
			bw.printf("%s\n", l)
		}
	}
	for _, f := range a.Failed {
		bw.printf("%s\n", fitLine("  FAILED  "+f))
	}
}
