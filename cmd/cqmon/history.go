package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// historyOutput is history's --output, checked when parsed.
type historyOutput string

func (o *historyOutput) String() string { return string(*o) }

func (o *historyOutput) Set(v string) error {
	switch v {
	case "table", "json", "csv":
		*o = historyOutput(v)
		return nil
	}
	return fmt.Errorf("%q is not one of table, json, csv", v)
}

// cmdHistory prints past runs, or one quota's values over time, from a
// history store.
func cmdHistory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("history", stdout)
	spec := fs.String("store", "local", "history store: local (the file $XDG_STATE_HOME/cqmon/history.db), local:<path>, dynamodb:<table> or s3://<bucket>/<prefix>")
	instance := fs.String("instance", "", `only this instance, by ID or alias ("account" for account-level quotas)`)
	quotaID := fs.String("quota", "", "one quota's usage over time, by code (L-...), key or name")
	since := durationFlag(30 * 24 * time.Hour)
	fs.Var(&since, "since", "how far back: a duration such as 36h, or days such as 30d")
	limit := fs.Int("limit", 50, "at most this many rows, the most recent (0: no limit)")
	output := historyOutput("table")
	fs.Var(&output, "output", "format: table, json or csv")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *limit < 0 {
		return usagef("limit: %d is negative", *limit)
	}
	st, err := openForReading(ctx, *spec)
	if err != nil {
		return err
	}
	defer st.Close()
	q := store.Query{Quota: *quotaID, Since: time.Now().Add(-time.Duration(since)), Limit: *limit}
	if q.InstanceID, err = resolveInstance(ctx, st, *instance, q.Since); err != nil {
		return err
	}
	if q.Quota == "" {
		runs, err := st.Runs(ctx, q)
		if err != nil {
			return fmt.Errorf("read history from %s: %w", st, err)
		}
		if len(runs) == 0 {
			fmt.Fprintf(stderr, "no runs in %s since %s\n", st, q.Since.UTC().Format(time.RFC3339))
		}
		return writeHistory(stdout, output, runRows(runs))
	}
	points, err := st.QuotaSeries(ctx, q)
	if err != nil {
		return fmt.Errorf("read history from %s: %w", st, err)
	}
	if len(points) == 0 {
		fmt.Fprintf(stderr, "no values of quota %q in %s since %s\n", q.Quota, st, q.Since.UTC().Format(time.RFC3339))
	} else if output == "table" {
		last := points[len(points)-1]
		fmt.Fprintf(stdout, "%s (%s)\n", last.QuotaName, last.QuotaID)
	}
	return writeHistory(stdout, output, pointRows(points))
}

// instanceID matches what Connect instance IDs look like (UUIDs).
var instanceID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// resolveInstance turns --instance into an instance ID: an ID (or
// "account") as given, an alias into the ID of the instance that had it
// in the runs since the window's start. An alias two instances had is an
// error naming both.
func resolveInstance(ctx context.Context, st store.Store, v string, since time.Time) (string, error) {
	if v == "" || v == store.AccountInstanceID || instanceID.MatchString(v) {
		return v, nil
	}
	runs, err := st.Runs(ctx, store.Query{Since: since})
	if err != nil {
		return "", fmt.Errorf("read history from %s: %w", st, err)
	}
	var ids []string
	for _, r := range runs {
		if r.InstanceID == v {
			return v, nil
		}
		if strings.EqualFold(r.InstanceAlias, v) && !slices.Contains(ids, r.InstanceID) {
			ids = append(ids, r.InstanceID)
		}
	}
	switch len(ids) {
	case 0:
		return v, nil // no run of it in the window: reported as such
	case 1:
		return ids[0], nil
	}
	slices.Sort(ids)
	return "", usagef("instance: alias %q was held by %d instances (%s): give the ID", v, len(ids), strings.Join(ids, ", "))
}

// openForReading opens the history store a --store flag names, for
// reading only.
func openForReading(ctx context.Context, spec string) (store.Store, error) {
	sp, err := store.ParseSpec(spec)
	if err != nil {
		return nil, usageError{err}
	}
	var clients store.Clients
	if sp.NeedsAWS() {
		// The standard chain; AWS_ENDPOINT_URL(_<SERVICE>) redirects the
		// clients, which the SDK reads itself. The factory's clients carry
		// the HTTP timeouts every client needs.
		f, err := awsapi.NewFactory(ctx, awsapi.Options{})
		if err != nil {
			return nil, err
		}
		clients = f
	}
	return store.Open(ctx, sp.String(), clients, store.Options{ReadOnly: true})
}

// historyRows are rows to print: the table's header and cells, the CSV
// header and records (plain numbers), and the JSON values.
type historyRows struct {
	header, csvHeader []string
	cells, records    [][]string
	values            []any
}

// runRow is one run of one instance as history --output json prints it.
type runRow struct {
	Time            string  `json:"time"`
	RunID           string  `json:"run_id"`
	AccountID       string  `json:"account_id,omitempty"` // when the rows cover several accounts
	InstanceID      string  `json:"instance_id"`
	InstanceAlias   string  `json:"instance_alias"`
	Region          string  `json:"region"`
	MetricsCount    int     `json:"metrics_count"`
	ViolationsCount int     `json:"violations_count"`
	UnknownCount    int     `json:"unknown_count"`
	MaxUtilization  float64 `json:"max_utilization"`
	AvgUtilization  float64 `json:"avg_utilization"`
}

func runRows(runs []store.Run) historyRows {
	rows := historyRows{
		header: []string{"TIME", "RUN", "INSTANCE", "ALIAS", "REGION", "QUOTAS", "VIOLATIONS", "UNKNOWN", "MAX UTIL"},
		csvHeader: []string{"time", "run_id", "instance_id", "instance_alias", "region", "metrics_count",
			"violations_count", "unknown_count", "max_utilization", "avg_utilization"},
		values: []any{},
	}
	var accounts []string
	for _, r := range runs {
		row := runRow{r.Time.UTC().Format(time.RFC3339), r.RunID, "", r.InstanceID, r.InstanceAlias, r.Region,
			r.Summary.MetricsCount, r.Summary.ViolationsCount, r.Summary.UnknownCount, r.Summary.MaxUtilization, r.Summary.AvgUtilization}
		counts := []string{strconv.Itoa(row.MetricsCount), strconv.Itoa(row.ViolationsCount), strconv.Itoa(row.UnknownCount)}
		rows.values = append(rows.values, row)
		rows.cells = append(rows.cells, append([]string{row.Time, row.RunID, row.InstanceID, historyDash(row.InstanceAlias), row.Region},
			append(counts, historyPercent(&row.MaxUtilization))...))
		rows.records = append(rows.records, append([]string{row.Time, row.RunID, row.InstanceID, row.InstanceAlias, row.Region},
			append(counts, historyNumber(&row.MaxUtilization, ""), historyNumber(&row.AvgUtilization, ""))...))
		accounts = append(accounts, r.AccountID)
	}
	return withAccounts(rows, accounts)
}

// pointRow is one quota's value in one run as history --output json
// prints it.
type pointRow struct {
	Time       string `json:"time"`
	RunID      string `json:"run_id"`
	AccountID  string `json:"account_id,omitempty"` // when the rows cover several accounts
	InstanceID string `json:"instance_id"`
	// InstanceAlias is empty for the account and for points stored
	// before aliases were kept.
	InstanceAlias string       `json:"instance_alias"`
	Region        string       `json:"region"`
	QuotaID       string       `json:"quota_id"`
	QuotaName     string       `json:"quota_name"`
	Usage         *float64     `json:"usage"`
	Limit         *float64     `json:"limit"`
	Utilization   *float64     `json:"utilization"`
	Status        quota.Status `json:"status"`
}

func pointRows(points []store.Point) historyRows {
	rows := historyRows{
		header:    []string{"TIME", "RUN", "INSTANCE", "ALIAS", "REGION", "USAGE", "LIMIT", "UTIL", "STATUS"},
		csvHeader: []string{"time", "run_id", "instance_id", "instance_alias", "region", "quota_id", "quota_name", "usage", "limit", "utilization", "status"},
		values:    []any{},
	}
	var accounts []string
	for _, p := range points {
		row := pointRow{p.Time.UTC().Format(time.RFC3339), p.RunID, "", p.InstanceID, p.InstanceAlias, p.Region, p.QuotaID, p.QuotaName,
			p.Usage, p.Limit, p.Utilization, p.Status}
		rows.values = append(rows.values, row)
		rows.cells = append(rows.cells, []string{row.Time, row.RunID, row.InstanceID, historyDash(row.InstanceAlias), row.Region,
			historyNumber(row.Usage, "-"), historyNumber(row.Limit, "-"), historyPercent(row.Utilization), strings.ToUpper(string(row.Status))})
		rows.records = append(rows.records, []string{row.Time, row.RunID, row.InstanceID, row.InstanceAlias, row.Region, row.QuotaID, row.QuotaName,
			historyNumber(row.Usage, ""), historyNumber(row.Limit, ""), historyNumber(row.Utilization, ""), string(row.Status)})
		accounts = append(accounts, p.AccountID)
	}
	return withAccounts(rows, accounts)
}

func writeHistory(w io.Writer, output historyOutput, rows historyRows) error {
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows.values)
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(rows.csvHeader); err != nil {
			return err
		}
		return cw.WriteAll(rows.records)
	}
	if len(rows.cells) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(rows.header, "\t"))
	for _, c := range rows.cells {
		fmt.Fprintln(tw, strings.Join(c, "\t"))
	}
	return tw.Flush()
}

// historyNumber prints a value without a needless fraction, or none when nil.
func historyNumber(f *float64, none string) string {
	if f == nil {
		return none
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func historyPercent(f *float64) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", *f)
}

func historyDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
