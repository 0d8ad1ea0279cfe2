package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/report"
)

// runFlags are the flags shared by scan and demo.
type runFlags struct {
	cfg    engine.Config
	share  float64
	output outputFlag
	quiet  bool
}

func addRunFlags(fs *flag.FlagSet) *runFlags {
	rf := &runFlags{cfg: engine.DefaultConfig(), share: awsapi.DefaultShare, output: "table"}
	fs.Float64Var(&rf.cfg.Threshold, "threshold", rf.cfg.Threshold, "violation threshold in percent of the limit (1-99)")
	fs.DurationVar(&rf.cfg.Lookback, "lookback", rf.cfg.Lookback, "window for peak metrics such as concurrent calls")
	fs.IntVar(&rf.cfg.Concurrency, "concurrency", rf.cfg.Concurrency, "AWS calls in flight at once (1-64)")
	fs.Float64Var(&rf.share, "rate-share", rf.share, "share of each API's rate limit cqmon may use (0.05-1)")
	fs.Var(&rf.output, "output", "report format: table or json")
	fs.BoolVar(&rf.quiet, "quiet", false, "no progress lines on stderr")
	return rf
}

func (rf *runFlags) validate() error {
	if err := rf.cfg.Validate(); err != nil {
		return usageError{err}
	}
	if rf.share < 0.05 || rf.share > 1 {
		return usagef("rate-share: %v is outside 0.05-1", rf.share)
	}
	return nil
}

func cmdScan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("scan", stderr)
	rf := addRunFlags(fs)
	var regions listFlag
	fs.Var(&regions, "regions", "comma-separated Regions to scan (default: the SDK's configured Region)")
	profile := fs.String("profile", "", "shared-config profile (default: the standard credential chain)")
	if err := parse(fs, args); err != nil {
		return err
	}
	rf.cfg.Regions = regions
	if err := rf.validate(); err != nil {
		return err
	}
	f, err := awsapi.NewFactory(ctx, awsapi.Options{Profile: *profile, Share: rf.share})
	if err != nil {
		return err
	}
	return scanAndPrint(ctx, f, rf, stdout, stderr)
}

// scanAndPrint runs the engine and prints the report. A report that was
// produced is printed even when the run reports an error.
func scanAndPrint(ctx context.Context, f *awsapi.Factory, rf *runFlags, stdout, stderr io.Writer) error {
	e := &engine.Engine{Factory: f, Catalog: catalog.Default(), Config: rf.cfg}
	if !rf.quiet {
		start := time.Now()
		e.Progress = func(format string, args ...any) {
			fmt.Fprintf(stderr, "[%5.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
		}
	}
	rep, runErr := e.Run(ctx)
	if rep == nil {
		if runErr != nil && !errors.Is(runErr, engine.ErrIncomplete) {
			return usageError{runErr}
		}
		return runErr
	}
	if !rf.quiet {
		t := rep.Totals()
		fmt.Fprintf(stderr, "[done] %d instance(s), %d quotas, %d violation(s), %d unknown, %d AWS calls\n",
			len(rep.Instances), t.MetricsCount, t.ViolationsCount, t.UnknownCount, totalCalls(f))
	}
	if err := write(stdout, rf.output, rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return runErr
}

func write(w io.Writer, output outputFlag, rep *quota.Report) error {
	if output == "json" {
		return report.JSON(w, rep)
	}
	return report.Table(w, rep)
}

func totalCalls(f *awsapi.Factory) int {
	n := 0
	for _, s := range f.Pacer().Stats() {
		n += s.Calls
	}
	return n
}

func cmdCatalog(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("catalog", stderr)
	output := "table"
	fs.Func("output", "format: table, json or markdown (the README's coverage section)", func(v string) error {
		switch v {
		case "table", "json", "markdown":
			output = v
			return nil
		}
		return fmt.Errorf("%q is not one of table, json, markdown", v)
	})
	measured := fs.Bool("measured", false, "only the quotas cqmon measures")
	if err := parse(fs, args); err != nil {
		return err
	}
	c := catalog.Default()
	defs := c.All()
	if *measured {
		defs = c.Measured()
	}
	switch output {
	case "json":
		return report.CatalogJSON(stdout, defs)
	case "markdown":
		return report.CatalogMarkdown(stdout, defs)
	}
	return report.CatalogTable(stdout, defs)
}
