package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"text/tabwriter"
	"time"
)

// writeHeapProfile writes the live heap, after a collection, to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// defaultBenchAccountConcurrency is the org cases' --account-concurrency.
const defaultBenchAccountConcurrency = 16

// printOrgBench checks the org cases against the goal that accounts scan
// side by side: N account-Regions at a concurrency of C accounts take at
// most 1.25 × ⌈N / C⌉ × one account-Region's own scan time (the typical
// case, run first). Accounts scan both their Regions at once, so the
// bound is loose by up to the number of Regions.
func printOrgBench(w io.Writer, results []benchResult, concurrency int) {
	var base time.Duration
	var org []benchResult
	for _, r := range results {
		switch {
		case r.name == "typical":
			base = r.wall
		case r.accountRegions > 1 || r.scanned > 0:
			org = append(org, r)
		}
	}
	if base == 0 || len(org) == 0 {
		return
	}
	fmt.Fprintf(w, "\norganization: one account-Region alone (typical) %.1fs; account concurrency %d\n", base.Seconds(), concurrency)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\taccount-Regions\taccounts scanned\twall\tgoal (1.25 × ⌈N/C⌉ × one)\twall/goal\tpeak RSS\tcalls\tthrottled\t")
	for _, r := range org {
		rounds := math.Ceil(float64(r.accountRegions) / float64(concurrency))
		goal := time.Duration(1.25 * rounds * float64(base))
		verdict := "within"
		if r.wall > goal {
			verdict = "OVER"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1fs\t%.1fs\t%.2f %s\t%.1f MiB\t%d\t%d\t\n", r.name, r.accountRegions, r.scanned,
			r.wall.Seconds(), goal.Seconds(), r.wall.Seconds()/goal.Seconds(), verdict, float64(r.peakRSSKiB)/1024, r.calls, r.throttled)
	}
	tw.Flush()
}
