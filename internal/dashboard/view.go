package dashboard

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// Row statuses: a quota's status, with "near" for an OK quota within
// NearMargin points of the threshold.
const (
	rowViolation = "violation"
	rowNear      = "near"
	rowOK        = "ok"
	rowUnknown   = "unknown"
)

var statusText = map[string]string{
	rowViolation: "Violation", rowNear: "Near", rowOK: "OK", rowUnknown: "Unknown",
}

// limitSources names where a limit came from, and says what that means.
var limitSources = map[quota.LimitSource][2]string{
	quota.LimitInstance:   {"instance", "Service Quotas applies this value to this very instance"},
	quota.LimitAccount:    {"account", "Service Quotas applies this value account-wide"},
	quota.LimitAWSDefault: {"AWS default", "Service Quotas' AWS default: no value is applied"},
	quota.LimitCatalog:    {"documented", "the default AWS documents: Service Quotas had no value"},
}

// view is what the page shows.
type view struct {
	Account, RunID, Measured, Regions, Threshold, Lookback string
	Totals                                                 totals
	NeedsAction                                            []Row
	Instances                                              []instanceView
	AccountRegions                                         []regionView
	Unknowns                                               []unknownGroup
	Errors                                                 []quota.RunError
	TrendNote                                              string
	NearMargin                                             int
	// CSS, JS and Icons are the embedded assets.
	CSS, JS, Icons markup
}

type totals struct {
	Instances, Active, Inactive, Quotas, Violations, Near, OK, Unknown int
	// ByDesign counts the singletons: a limit of 1 that its one item
	// fills, listed with the violations but never needing action.
	ByDesign int
}

type instanceView struct {
	// Account names the instance's account when the run covered several.
	Anchor, Alias, ID, Region, State, Account string
	Active                                    bool
	Worst                                     string
	Violations, Near, Unknown                 int
	Top                                       *Row
	Rows                                      []Row
}

type regionView struct {
	// Account names the account when the run covered several; Name is
	// what the search matches ("account <account> <Region>").
	Anchor, Region, Account, Name string
	Violations, Near, Unknown     int
	Rows                          []Row
}

type unknownGroup struct {
	// Kind is what could not be read: "usage" or "limit".
	Kind, Reason, Detail, Spread string
	// Expected says why these unknowns are no failure ("by design",
	// "skipped"); empty when they are.
	Expected string
	Items    []string
}

// Row is one quota on the page.
type Row struct {
	Anchor string
	// Where is the instance alias, or the Region of an account-level quota.
	Where              string
	Status             string
	Name, Code, Parent string
	Usage, Limit, Util string
	utilization        float64
	Width              float64
	// Mark is where the threshold sits on the meter, in percent; 0: none.
	Mark                      float64
	Over                      bool
	LimitFrom, LimitFromTitle string
	IncreaseURL               string
	// Request says what became of the newest increase request; Pending is
	// set while AWS works on it (the link is left out then).
	Request      string
	Pending      bool
	Reason, Note string
	// Own is the row's own threshold when a per-quota rule set one
	// other than the run's ("threshold 60%").
	Own string
	// Singleton marks a limit of 1 that its one item fills, by design.
	Singleton bool
	Idle      bool
	Trend     *sparkline
	// FullIn is the result's forecast ("full in ~42 d (30–66)") and
	// FullInTitle its explanation; empty when the result has none.
	FullIn, FullInTitle string
}

func build(in Input) (*view, error) {
	rep := in.Report
	css, err := asset("style.css")
	if err != nil {
		return nil, err
	}
	js, err := asset("page.js")
	if err != nil {
		return nil, err
	}
	icons, err := asset("icons.svg")
	if err != nil {
		return nil, err
	}
	account := rep.AccountID
	if account == "" {
		account = "unknown account"
	}
	multi := len(rep.Accounts) > 1
	if multi {
		account = fmt.Sprintf("%d accounts", len(rep.Accounts))
	}
	v := &view{
		Account: account, RunID: rep.RunID, Measured: rep.StartedAt.UTC().Format("2 Jan 2006 15:04 MST"),
		Regions: strings.Join(rep.Regions, ", "), Lookback: rep.Lookback, Errors: rep.Errors, NearMargin: NearMargin,
		CSS: css, JS: js, Icons: icons,
	}
	if rep.Threshold > 0 {
		v.Threshold = quota.FormatNumber(rep.Threshold) + "%"
	}
	tr := newTrends(rep, in.History)
	v.TrendNote = tr.note()
	mk := func(r quota.Result, where, key, region string) Row {
		row := newRow(r, rep.Threshold, region)
		row.Where = where
		row.Anchor = anchor("q", key+"-"+r.QuotaID())
		row.Trend = newSparkline(tr, key+"/"+r.QuotaID(), rep.Threshold)
		return row
	}
	var unknowns []unknownItem
	for _, inst := range rep.Instances {
		iv := instanceView{
			Anchor: anchor("i", inst.InstanceID), Alias: inst.InstanceAlias, ID: inst.InstanceID,
			Region: inst.Region, State: inst.InstanceStatus, Active: inst.InstanceStatus == "ACTIVE" || len(inst.Metrics) > 0,
		}
		if iv.Alias == "" {
			iv.Alias = inst.InstanceID
		}
		if multi {
			iv.Account = cmp.Or(inst.AccountName, inst.AccountID)
		}
		v.Totals.Instances++
		if iv.Active {
			v.Totals.Active++
		} else {
			v.Totals.Inactive++
		}
		for _, r := range inst.Metrics {
			row := mk(r, iv.Alias, inst.InstanceID, inst.Region)
			iv.Rows = append(iv.Rows, row)
			if row.Status == rowUnknown {
				unknowns = append(unknowns, unknownItem{r, iv.Alias, ""})
			}
		}
		sortRows(iv.Rows)
		iv.Violations, iv.Near, iv.Unknown = count(iv.Rows)
		iv.Worst = worst(iv.Rows)
		if len(iv.Rows) > 0 && iv.Rows[0].Status != rowUnknown {
			top := iv.Rows[0]
			iv.Top = &top
		}
		v.Instances = append(v.Instances, iv)
	}
	byPlace := map[string]*regionView{}
	var places []*regionView
	for _, r := range rep.Account.Metrics {
		key := r.AccountID + "/" + r.Region
		rv := byPlace[key]
		if rv == nil {
			rv = &regionView{Anchor: anchor("r", key), Region: r.Region, Name: "account " + r.Region}
			if multi {
				rv.Account = cmp.Or(r.AccountName, r.AccountID)
				rv.Name = "account " + rv.Account + " " + r.Region
			}
			byPlace[key], places = rv, append(places, rv)
		}
		where := strings.TrimSpace(rv.Account + " " + r.Region)
		rv.Rows = append(rv.Rows, mk(r, where, "account/"+key, r.Region))
		if rv.Rows[len(rv.Rows)-1].Status == rowUnknown {
			unknowns = append(unknowns, unknownItem{r, "", where})
		}
	}
	sortPlaces(places, rep)
	for _, rv := range places {
		sortRows(rv.Rows)
		rv.Violations, rv.Near, rv.Unknown = count(rv.Rows)
		v.AccountRegions = append(v.AccountRegions, *rv)
	}
	for _, rows := range v.allRows() {
		for _, row := range rows {
			v.Totals.Quotas++
			switch row.Status {
			case rowViolation:
				if row.Singleton {
					v.Totals.ByDesign++
					continue
				}
				v.Totals.Violations++
				v.NeedsAction = append(v.NeedsAction, row)
			case rowNear:
				v.Totals.Near++
			case rowOK:
				v.Totals.OK++
			case rowUnknown:
				v.Totals.Unknown++
			}
		}
	}
	sortRows(v.NeedsAction)
	v.Unknowns = groupUnknowns(unknowns)
	return v, nil
}

func (v *view) allRows() [][]Row {
	var out [][]Row
	for _, in := range v.Instances {
		out = append(out, in.Rows)
	}
	for _, r := range v.AccountRegions {
		out = append(out, r.Rows)
	}
	return out
}

// sortPlaces orders the account-level tables by account, in the run's
// order of accounts, then by Region, in the run's order of Regions.
func sortPlaces(places []*regionView, rep *quota.Report) {
	pos := func(list []string, v string) int {
		if i := slices.Index(list, v); i >= 0 {
			return i
		}
		return len(list)
	}
	var accounts []string
	for _, a := range rep.Accounts {
		accounts = append(accounts, cmp.Or(a.AccountName, a.AccountID))
	}
	sort.SliceStable(places, func(i, j int) bool {
		a, b := places[i], places[j]
		if pa, pb := pos(accounts, a.Account), pos(accounts, b.Account); pa != pb {
			return pa < pb
		}
		if pa, pb := pos(rep.Regions, a.Region), pos(rep.Regions, b.Region); pa != pb {
			return pa < pb
		}
		return a.Region < b.Region
	})
}

// newRow makes the row of r, judged against r's own threshold when a
// per-quota rule gave it one, else the run's.
func newRow(r quota.Result, threshold float64, region string) Row {
	row := Row{
		Status: string(r.Status), Name: r.QuotaName, Parent: r.Parent, Reason: r.Reason, Note: r.Note,
		Usage: "–", Limit: "–", Util: "–", Singleton: r.Singleton,
		IncreaseURL: quota.IncreaseURL(r, region),
	}
	if r.Threshold > 0 {
		if r.Threshold != threshold {
			row.Own = "threshold " + quota.FormatNumber(r.Threshold) + "%"
		}
		threshold = r.Threshold
	}
	row.Mark = threshold
	if req := r.IncreaseRequest; req != nil {
		row.Pending = req.Open()
		row.Request = "requested " + quota.FormatNumber(req.DesiredValue) + " on " + req.RequestedAt.UTC().Format("2 Jan") +
			": " + strings.ToLower(strings.ReplaceAll(req.Status, "_", " "))
	}
	if r.QuotaCode != nil {
		row.Code = *r.QuotaCode
	}
	if f := r.Forecast; f != nil && r.Status != quota.StatusUnknown {
		row.FullIn = f.Short()
		row.FullInTitle = fmt.Sprintf("%s: %s trend of %d readings since %s", f.Sentence(), f.Method, f.Points,
			f.Since.UTC().Format("2 Jan 2006"))
	}
	if r.Usage != nil {
		row.Usage = quota.FormatNumber(*r.Usage)
		if r.Approximate {
			row.Usage = "~" + row.Usage
		}
	}
	if r.Limit != nil {
		row.Limit = quota.FormatNumber(*r.Limit)
	}
	if s, ok := limitSources[r.LimitSource]; ok {
		row.LimitFrom, row.LimitFromTitle = s[0], s[1]
	}
	if u := r.Utilization; u != nil {
		row.utilization = *u
		row.Util = formatPercent(*u)
		row.Width = math.Min(*u, 100)
		row.Over = *u > 100
		if r.Status == quota.StatusOK && threshold > 0 && *u >= threshold-NearMargin {
			row.Status = rowNear
		}
		row.Idle = r.Status == quota.StatusOK && *u == 0
	} else if r.Status == quota.StatusViolation {
		// Usage against a limit of 0: no percentage, but full.
		row.Width, row.Over, row.utilization = 100, true, math.Inf(1)
	}
	return row
}

var rank = map[string]int{rowViolation: 0, rowNear: 1, rowOK: 2, rowUnknown: 3}

// sortRows orders rows by risk: violations (singletons last), near, OK,
// unknown; within a status the highest utilization first, then by name
// and place.
func sortRows(rows []Row) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if rank[a.Status] != rank[b.Status] {
			return rank[a.Status] < rank[b.Status]
		}
		if a.Singleton != b.Singleton {
			// A violation by design after those that need action.
			return b.Singleton
		}
		if a.utilization != b.utilization {
			return a.utilization > b.utilization
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Where < b.Where
	})
}

func count(rows []Row) (violations, near, unknown int) {
	for _, r := range rows {
		switch {
		case r.Status == rowViolation && r.Singleton:
			// By design, as in the table and the alerts: not counted.
		case r.Status == rowViolation:
			violations++
		case r.Status == rowNear:
			near++
		case r.Status == rowUnknown:
			unknown++
		}
	}
	return violations, near, unknown
}

// worst is the status an instance shows: its worst quota's, or unknown
// when it has only unknown quotas or none.
func worst(sorted []Row) string {
	if len(sorted) == 0 {
		return rowUnknown
	}
	return sorted[0].Status
}

// expected names the causes of an expected unknown.
var expected = map[quota.UnknownCause]string{
	quota.UnknownByDesign: "expected: no limit exists",
	quota.UnknownSkipped:  "expected: service skipped",
}

type unknownItem struct {
	r              quota.Result
	instance, zone string
}

// groupUnknowns groups unknown quotas by the head of their reason (what
// failed, without the AWS message), most quotas first.
func groupUnknowns(items []unknownItem) []unknownGroup {
	byHead := map[string]*unknownGroup{}
	places := map[string]map[string]bool{}
	kinds := map[string]map[bool]bool{}
	var order []string
	for _, it := range items {
		head, detail := splitReason(it.r.Reason)
		g := byHead[head]
		if g == nil {
			g = &unknownGroup{Reason: head, Detail: detail, Expected: expected[it.r.UnknownCause]}
			for _, kind := range []string{"usage", "limit"} {
				if rest, ok := strings.CutPrefix(head, kind+": "); ok {
					g.Kind, g.Reason = kind, rest
				}
			}
			byHead[head], places[head], kinds[head] = g, map[string]bool{}, map[bool]bool{}
			order = append(order, head)
		}
		where := it.instance
		if where == "" {
			where = it.zone
		}
		places[head][where] = true
		kinds[head][it.instance != ""] = true
		g.Items = append(g.Items, where+" · "+it.r.QuotaName)
	}
	out := make([]unknownGroup, 0, len(order))
	for _, head := range order {
		g := byHead[head]
		sort.Strings(g.Items)
		noun := "Regions"
		if kinds[head][true] {
			noun = "instances"
			if kinds[head][false] {
				noun = "instances and Regions"
			}
		}
		g.Spread = fmt.Sprintf("%s in %d %s", quota.Plural(len(g.Items), "quota"), len(places[head]), noun)
		if len(places[head]) == 1 {
			g.Spread = fmt.Sprintf("%s in %s", quota.Plural(len(g.Items), "quota"), strings.SplitN(g.Items[0], " · ", 2)[0])
		}
		out = append(out, *g)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Items) > len(out[j].Items) })
	return out
}

// splitReason cuts "usage: access denied: connect:ListRules
// (AccessDeniedException: ...)" into what failed and the AWS message.
func splitReason(reason string) (head, detail string) {
	if reason == "" {
		return "no reason given", ""
	}
	if i := strings.Index(reason, " ("); i > 0 && strings.HasSuffix(reason, ")") {
		return reason[:i], reason[i+2 : len(reason)-1]
	}
	return reason, ""
}

// formatPercent prints a utilization: whole percent from 10% on, one
// decimal below.
func formatPercent(u float64) string {
	if math.Abs(u) >= 10 {
		return fmt.Sprintf("%.0f%%", u)
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", u), ".0") + "%"
}

// anchor makes an element id from a prefix and a key.
func anchor(prefix, key string) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteByte('-')
	for _, c := range strings.ToLower(key) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
