package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cqmon/cqmon/internal/dashboard"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// cmdReport writes the HTML dashboard of a stored run, with the trend lines
// of the runs before it.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", stderr)
	html := fs.String("html", "", "write the HTML dashboard to this file (- for stdout)")
	spec := fs.String("store", "", "history store: local, local:<path>, dynamodb:<table> or s3://<bucket>/<prefix> (default: local file $XDG_STATE_HOME/cqmon/history.db)")
	runID := fs.String("run", "", "the run to show (default: the latest)")
	since := durationFlag(dashboard.TrendWindow)
	fs.Var(&since, "since", "how far back to look for the run and its history: a duration such as 36h, or days such as 30d")
	quiet := fs.Bool("quiet", false, "no progress line on stderr")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *html == "" {
		return usagef("html: name the file to write (cqmon report --html FILE)")
	}
	st, err := openForReading(ctx, *spec)
	if err != nil {
		return err
	}
	defer st.Close()
	from := time.Now().Add(-time.Duration(since))
	runs, err := st.Runs(ctx, store.Query{Since: from})
	if err != nil {
		return fmt.Errorf("read history from %s: %w", st, err)
	}
	reports := store.Reports(runs)
	rep, err := pick(reports, *runID)
	if err != nil {
		return fmt.Errorf("%w in %s since %s", err, st, from.UTC().Format(time.RFC3339))
	}
	page, err := dashboard.Bytes(dashboard.Input{Report: rep, History: reports})
	if err != nil {
		return err
	}
	if *html == "-" {
		_, err = stdout.Write(page)
		return err
	}
	if err := os.WriteFile(*html, page, 0o644); err != nil {
		return fmt.Errorf("write the dashboard: %w", err)
	}
	if !*quiet {
		fmt.Fprintf(stderr, "dashboard of run %s (%s) written to %s (%d KB)\n", rep.RunID,
			rep.StartedAt.UTC().Format(time.RFC3339), *html, (len(page)+1023)/1024)
	}
	return nil
}

// pick finds the run named id among reports, newest first, or the newest
// when id is empty.
func pick(reports []*quota.Report, id string) (*quota.Report, error) {
	if len(reports) == 0 {
		return nil, fmt.Errorf("no runs")
	}
	if id == "" {
		return reports[0], nil
	}
	for _, r := range reports {
		if r.RunID == id {
			return r, nil
		}
	}
	return nil, usagef("run: no run %q", id)
}
