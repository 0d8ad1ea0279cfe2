package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cqmon/cqmon/internal/dashboard"
	"github.com/cqmon/cqmon/internal/monitor"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// cmdReport writes the HTML dashboard of a stored run, with the trend lines
// of the runs before it.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", stdout)
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
	rep, history, err := storedRun(ctx, st, from, *runID)
	if err != nil {
		return err
	}
	page, err := dashboard.Bytes(dashboard.Input{Report: rep, History: history})
	if err != nil {
		return err
	}
	if *html == "-" {
		_, err = stdout.Write(page)
		return err
	}
	if _, err := (&pageFile{path: *html}).Write(page); err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(stderr, "dashboard of run %s (%s) written to %s (%d KB)\n", rep.RunID,
			rep.StartedAt.UTC().Format(time.RFC3339), *html, (len(page)+1023)/1024)
	}
	return nil
}

// storedRun reads the run named id (the newest when id is empty) from st,
// and the runs its trend lines are drawn from. The newest run is found
// with bounded reads: its own records, then monitor.History's window; a
// named run needs every record since from.
func storedRun(ctx context.Context, st store.Store, from time.Time, id string) (*quota.Report, []*quota.Report, error) {
	where := func(err error) error {
		return fmt.Errorf("%w in %s since %s", err, st, from.UTC().Format(time.RFC3339))
	}
	if id == "" {
		newest, err := st.Runs(ctx, store.Query{Since: from, Limit: 1})
		if err != nil {
			return nil, nil, fmt.Errorf("read history from %s: %w", st, err)
		}
		if len(newest) == 0 {
			return nil, nil, where(fmt.Errorf("no runs"))
		}
		runs, err := st.Runs(ctx, store.Query{Since: newest[0].Time})
		if err != nil {
			return nil, nil, fmt.Errorf("read history from %s: %w", st, err)
		}
		for _, rep := range store.Reports(runs) {
			if rep.RunID == newest[0].RunID || newest[0].RunID == "" {
				history, err := monitor.History(ctx, st, rep)
				return rep, history, err
			}
		}
		return nil, nil, where(fmt.Errorf("no runs"))
	}
	runs, err := st.Runs(ctx, store.Query{Since: from})
	if err != nil {
		return nil, nil, fmt.Errorf("read history from %s: %w", st, err)
	}
	reports := store.Reports(runs)
	for _, rep := range reports {
		if rep.RunID == id {
			return rep, reports, nil
		}
	}
	return nil, nil, usageError{where(fmt.Errorf("run: no run %q", id))}
}

// pageFile is the file --html names. Each Write, and a run writes its
// page in one, replaces the file whole through a temporary file and a
// rename, so that a reader (serve's /report) never sees half a page.
type pageFile struct {
	path string
	// size is what the last Write wrote.
	size int
}

func (p *pageFile) Write(page []byte) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(p.path), ".cqmon-dashboard-*.html")
	if err != nil {
		return 0, fmt.Errorf("write the dashboard: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(page)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p.path)
	}
	if err != nil {
		return 0, fmt.Errorf("write the dashboard to %s: %w", p.path, err)
	}
	p.size = len(page)
	return len(page), nil
}
