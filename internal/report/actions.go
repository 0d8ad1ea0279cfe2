package report

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// Action is one row of NEEDS ACTION: a violation, or a quota forecast to
// reach its limit soon; where it is, and what can be done about it.
type Action struct {
	// InstanceID and Where name the instance (Where is its alias, or its
	// ID when it has none); for an account-level quota InstanceID is empty
	// and Where is AccountScope. When the report covers several accounts,
	// Where starts with the account's name or id ("prod/acme-prod").
	InstanceID string
	Where      string
	// Region is the instance's Region, or the account-level quota's.
	Region string
	Result quota.Result
	// Link is the Service Quotas page to request an increase, or "".
	Link string
	// Mark is an extra marker shown after the utilization: the quota's
	// forecast ("full in ~42 d (30–66)") when it has one, or what
	// Options.Mark says.
	Mark string
	// Forecast is set on a quota under its threshold that is listed
	// because its forecast reaches the limit within Options.Horizon.
	Forecast bool
}

// Actions lists what needs action in the report, across instances and
// the account. First every violation, worst first: by utilization (a
// usage against a limit of 0 first), then by place and quota name, so two
// renderings of one report agree; singletons (a limit of 1 that its one
// item fills, by design) are left out unless o.AlertSingletons is set,
// and then come after the others. Then the quotas under their threshold
// whose forecast reaches the limit within o.Horizon, soonest first.
func Actions(rep *quota.Report, o Options) []Action {
	var out, soon []Action
	add := func(id, where, region string, r quota.Result) {
		violation := r.Status == quota.StatusViolation && (!r.Singleton || o.AlertSingletons)
		forecast := r.FullSoon(o.Horizon)
		if !violation && !forecast {
			return
		}
		if region == "" {
			region = r.Region
		}
		a := Action{InstanceID: id, Where: where, Region: region, Result: r, Link: quota.IncreaseURL(r, region), Forecast: forecast}
		if r.Forecast != nil {
			a.Mark = r.Forecast.Short()
		}
		if forecast {
			soon = append(soon, a)
		} else {
			out = append(out, a)
		}
	}
	for _, in := range rep.Instances {
		for _, r := range in.Metrics {
			add(in.InstanceID, inAccount(rep, in.AccountID, in.AccountName, instanceName(in)), in.Region, r)
		}
	}
	for _, r := range rep.Account.Metrics {
		add("", inAccount(rep, r.AccountID, r.AccountName, AccountScope), "", r)
	}
	place := func(a, b Action) int {
		return cmp.Or(cmp.Compare(a.Where, b.Where), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Result.QuotaName, b.Result.QuotaName))
	}
	slices.SortStableFunc(out, func(a, b Action) int {
		return cmp.Or(compareBool(a.Result.Singleton, b.Result.Singleton), cmp.Compare(utilOf(b.Result), utilOf(a.Result)), place(a, b))
	})
	slices.SortStableFunc(soon, func(a, b Action) int {
		return cmp.Or(cmp.Compare(a.Result.Forecast.DaysToLimit, b.Result.Forecast.DaysToLimit), place(a, b))
	})
	return append(out, soon...)
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// utilOf is the utilization to sort by; a violation without one (usage
// against a limit of 0) is the worst.
func utilOf(r quota.Result) float64 {
	if r.Utilization == nil {
		return math.Inf(1)
	}
	return *r.Utilization
}

func instanceName(in quota.InstanceReport) string {
	if in.InstanceAlias != "" {
		return in.InstanceAlias
	}
	return in.InstanceID
}

var limitWords = map[quota.LimitSource]string{
	quota.LimitInstance:   "instance",
	quota.LimitAccount:    "account",
	quota.LimitAWSDefault: "AWS default",
	quota.LimitCatalog:    "documented",
}

// needsAction writes one line per violation; the increase link, and a
// note too long for its row, follow on indented lines.
func needsAction(bw *errWriter, actions []Action, threshold float64) {
	marks := slices.ContainsFunc(actions, func(a Action) bool { return a.Mark != "" })
	// The section's title heads its first column.
	const title = "NEEDS ACTION"
	cols := []column{{head: strings.Repeat(" ", runes(title)-2)}, {head: "QUOTA"}, {head: "USAGE/LIMIT", right: true}, {head: "UTIL", right: true}}
	if marks {
		cols = append(cols, column{head: "FORECAST"})
	}
	cols = append(cols, column{head: "LIMIT FROM"}, column{head: "NOTE"})
	quotaCol, noteCol := 1, len(cols)-1
	rows := make([][]string, len(actions))
	for i, a := range actions {
		r := a.Result
		where := a.Where
		if a.InstanceID == "" {
			where = a.Where + " " + a.Region
		}
		row := []string{where, r.QuotaName, usage(r) + "/" + num(r.Limit), pct(r.Utilization)}
		if marks {
			row = append(row, a.Mark)
		}
		rows[i] = append(row, orDash(limitWords[r.LimitSource]), actionNote(a, threshold))
	}
	// The quota's name gives up room first, down to a length most names
	// have; a note that still does not fit leaves its row for a line of
	// its own, and the others are laid out again.
	_, _, w := layout("  ", cols, rows, Width, shrink{quotaCol, 36}, shrink{noteCol, 0})
	notes := make([]string, len(rows))
	for i, r := range rows {
		if runes(r[noteCol]) > w[noteCol] {
			notes[i], r[noteCol] = r[noteCol], ""
		}
	}
	head, lines, _ := layout("  ", cols, rows, Width, shrink{quotaCol, 36}, shrink{noteCol, 0}, shrink{0, 20}, shrink{quotaCol, 24}, shrink{0, 12})
	bw.printf("%s%s\n", title, head[runes(title):])
	for i, a := range actions {
		bw.printf("%s\n", lines[i])
		if notes[i] != "" {
			bw.printf("%s\n", fitLine("      "+notes[i]))
		}
		if a.Link != "" {
			bw.printf("      %s\n", a.Link)
		}
	}
}

// actionNote says what can be done besides the increase link (or what
// was done already), what makes the row special, and where a per-parent
// maximum sits.
func actionNote(a Action, threshold float64) string {
	r := a.Result
	var parts []string
	switch {
	case r.Singleton:
		parts = append(parts, "by design: limit 1")
	case r.IncreaseRequest != nil:
		// Short enough for the row; the full request is in --all.
		req := r.IncreaseRequest
		parts = append(parts, "requested "+quota.FormatNumber(req.DesiredValue)+": "+strings.ToLower(strings.ReplaceAll(req.Status, "_", " ")))
	case !r.Adjustable:
		parts = append(parts, "not adjustable")
	case a.Link == "":
		parts = append(parts, "no quota code: raise via AWS Support")
	}
	if r.Threshold > 0 && r.Threshold != threshold {
		parts = append(parts, "threshold "+quota.FormatNumber(r.Threshold)+"%")
	}
	if r.Reason != "" {
		parts = append(parts, r.Reason)
	}
	if r.Parent != "" {
		parts = append(parts, "at "+r.Parent)
	}
	return strings.Join(parts, "; ")
}
