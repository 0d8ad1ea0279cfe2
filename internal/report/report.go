// Package report renders a run's report and the quota catalog for people
// (aligned text tables) and for programs (JSON).
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// JSON writes the report document, indented.
func JSON(w io.Writer, rep *quota.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// Options chooses what Table prints.
type Options struct {
	// All is how often --all was given: 0 prints the summary view, 1 the
	// full per-quota listing with idle API request rates on one line, 2
	// the full listing with every row.
	All int
	// Near is the band, in percentage points under the threshold, in which
	// an OK quota counts as near the threshold (see Near).
	Near float64
	// Filter selects rows of the full listing; a filter that selects
	// anything less than everything prints the full listing.
	Filter Filter
	// Alerts, when set, is listed in the summary view's ALERTS section.
	Alerts *Alerts
	// Mark, when set, gives each NEEDS ACTION row its marker in place of
	// the quota's forecast.
	Mark func(Action) string
	// Horizon lists in NEEDS ACTION, after the violations, the quotas
	// under their threshold whose forecast reaches the limit within it
	// (quota.Result.ForecastWithin, as forecast alerts and --fail-on
	// forecast count them); 0 lists none.
	Horizon time.Duration
	// AlertSingletons counts singletons (a limit of 1 that its one item
	// fills) as violations, as alerts then do; by default they are
	// counted apart and left out of NEEDS ACTION.
	AlertSingletons bool
}

// Table writes the report for people: by default the summary view (what
// needs action, one line per instance, unknowns by reason, alerts), with
// o.All or a filter the full per-quota listing grouped by instance.
func Table(w io.Writer, rep *quota.Report, o Options) error {
	bw := &errWriter{w: w}
	if o.All == 0 && o.Filter.Empty() {
		summary(bw, rep, o)
		return bw.err
	}
	full(bw, rep, o)
	return bw.err
}

// full writes every quota the options select, grouped by instance,
// violations first.
func full(bw *errWriter, rep *quota.Report, o Options) {
	account := rep.AccountID
	if account == "" {
		account = "unknown"
	}
	bw.printf("cqmon report  run %s  account %s  regions %s  threshold %s%%  lookback %s\n",
		rep.RunID, account, strings.Join(rep.Regions, ","), quota.FormatNumber(rep.Threshold), rep.Lookback)
	t := rep.Totals()
	bw.printf("%d instance(s), %d quotas measured: %d violation(s), %d unknown\n",
		len(rep.Instances), t.MetricsCount, t.ViolationsCount, t.UnknownCount)
	if c := rep.Coverage; c != nil {
		codes, verified := 0, 0
		for _, s := range c.Services {
			codes += s.Codes
			verified += s.CodesVerified
		}
		bw.printf("catalog: %d of %d quotas measurable; Service Quotas confirmed %d of their %d codes (cqmon catalog --coverage)\n",
			c.Measured, c.Quotas, verified, codes)
	}
	if manyAccounts(rep) {
		bw.printf("\n")
		accounts(bw, rep.Accounts)
	}
	f := o.Filter
	// Idle request rates are shown when asked for by --all --all or by
	// a --quota filter that selects them.
	idle := o.All >= 2 || f.Quota != ""
	pick := func(rs []quota.Result) (shown []quota.Result, idled int) {
		for _, r := range rs {
			switch {
			case !f.result(r, rep.Threshold, o.Near):
			case !idle && idleRate(r):
				idled++
			default:
				shown = append(shown, r)
			}
		}
		return shown, idled
	}
	listed := 0
	for _, in := range rep.Instances {
		if !f.instance(in.InstanceID, in.InstanceAlias) ||
			in.InstanceStatus != "ACTIVE" && (f.Status != "" || f.Quota != "") {
			continue
		}
		shown, idled := pick(in.Metrics)
		if in.InstanceStatus == "ACTIVE" && len(shown)+idled == 0 && !f.Empty() {
			continue
		}
		listed++
		where := ""
		if manyAccounts(rep) {
			where = "  account " + accountLabel(in.AccountID, in.AccountName)
		}
		bw.printf("\nINSTANCE %s (%s)  %s  %s%s\n", orDash(in.InstanceAlias), in.InstanceID, in.Region, in.InstanceStatus, where)
		if in.InstanceStatus != "ACTIVE" {
			bw.printf("  not measured: only ACTIVE instances are measured\n")
			continue
		}
		s := in.Summary
		bw.printf("  %d quotas, %d violation(s), %d unknown, max %s, average %s\n",
			s.MetricsCount, s.ViolationsCount, s.UnknownCount, pct(&s.MaxUtilization), pct(&s.AvgUtilization))
		results(bw, shown, idled, rep.Threshold, false)
	}
	if f.instance("", "") {
		for _, part := range accountParts(rep) {
			if shown, idled := pick(part.Account.Metrics); len(shown)+idled > 0 {
				listed++
				name := account
				if manyAccounts(rep) {
					name = accountLabel(part.AccountID, rep.AccountName(part.AccountID))
				}
				bw.printf("\nACCOUNT %s\n", name)
				results(bw, shown, idled, rep.Threshold, true)
			}
		}
	}
	if listed == 0 {
		bw.printf("\nno quota matches the filter\n")
	}
	if len(rep.Errors) > 0 && f.Empty() {
		bw.printf("\nRUN ERRORS\n")
		for _, e := range rep.Errors {
			where := e.Scope
			if e.Region != "" {
				where = e.Region + " " + e.Scope
			}
			if e.AccountID != "" {
				where = e.AccountID + " " + where
			}
			bw.printf("  %s: %s\n", where, e.Message)
		}
	}
	bw.printf("\nLimit from: instance = applied to this instance; account = applied account-wide; aws-default = AWS default (nothing applied); catalog = documented default (Service Quotas had no value).\n")
}

func results(bw *errWriter, rs []quota.Result, idled int, threshold float64, withRegion bool) {
	var buf bytes.Buffer
	defer func() { writeTrimmed(bw, buf.Bytes()) }()
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	head := "  STATUS\tQUOTA\tCODE\tUSAGE\tLIMIT\tUTIL\tLIMIT FROM\tDETAIL\n"
	if withRegion {
		head = "  STATUS\tREGION\tQUOTA\tCODE\tUSAGE\tLIMIT\tUTIL\tLIMIT FROM\tDETAIL\n"
	}
	fmt.Fprint(tw, head)
	for _, r := range rs {
		code := "-"
		if r.QuotaCode != nil {
			code = *r.QuotaCode
		}
		cols := []string{strings.ToUpper(string(r.Status)), r.QuotaName, code, usage(r), num(r.Limit), pct(r.Utilization), orDash(string(r.LimitSource)), detail(r, threshold)}
		if withRegion {
			cols = append(cols[:1], append([]string{r.Region}, cols[1:]...)...)
		}
		fmt.Fprintf(tw, "  %s\n", strings.Join(cols, "\t"))
	}
	tw.Flush()
	if idled > 0 {
		fmt.Fprintf(&buf, "  OK  %s at 0%%: \"Rate of ... API requests\" with no calls in the window (--all --all lists them)\n", quota.Plural(idled, "API request rate"))
	}
}

// usage is the usage column: "~" marks an estimate.
func usage(r quota.Result) string {
	if r.Approximate && r.Usage != nil {
		return "~" + num(r.Usage)
	}
	return num(r.Usage)
}

// detail is the last column: when the quota's trend reaches the limit,
// why a result is unknown, a threshold of its own, where a per-parent
// maximum sits, an increase request, and notes.
func detail(r quota.Result, threshold float64) string {
	var parts []string
	if r.Forecast != nil {
		parts = append(parts, r.Forecast.Short())
	}
	if r.Reason != "" {
		parts = append(parts, r.Reason)
	}
	if r.Threshold > 0 && r.Threshold != threshold {
		parts = append(parts, "threshold "+quota.FormatNumber(r.Threshold)+"%")
	}
	switch {
	case r.Singleton:
		parts = append(parts, "its one item fills a limit of 1 (alerts only with --alert-singletons)")
	case r.Full():
		parts = append(parts, "full: nothing more fits")
	}
	if r.IncreaseRequest != nil {
		parts = append(parts, r.IncreaseRequest.String())
	}
	if r.Parent != "" {
		parts = append(parts, "max at "+r.Parent)
	}
	if r.Note != "" {
		parts = append(parts, r.Note)
	}
	return strings.Join(parts, "; ")
}

func num(f *float64) string {
	if f == nil {
		return "-"
	}
	return quota.FormatNumber(*f)
}

func pct(f *float64) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", *f)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeTrimmed writes lines without the padding tabwriter leaves after an
// empty last column.
func writeTrimmed(w io.Writer, b []byte) {
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		nl := bytes.HasSuffix(line, []byte("\n"))
		line = bytes.TrimRight(line, " \n")
		if nl {
			line = append(line, '\n')
		}
		w.Write(line)
	}
}

// errWriter keeps the first write error so rendering code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
