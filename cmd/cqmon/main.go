// Command cqmon monitors Amazon Connect service quotas: it finds every
// Connect instance, measures the usage of every quota it can against the
// limit applied to that instance, and reports what is close to its limit.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/quota"
)

// Exit statuses.
const (
	// exitOK: the run completed, whether or not it found violations.
	exitOK = 0
	// exitIncomplete: the run could not complete (no credentials, no
	// Region could be scanned, output could not be written).
	exitIncomplete = 1
	// exitUsage: bad flags, arguments or configuration.
	exitUsage = 2
	// exitDelivery: the run completed and its report was printed, but its
	// history could not be stored or an alert could not be delivered.
	exitDelivery = 3
	// exitFailOn: the run completed, printed and stored everything, and
	// found a row of a kind named by --fail-on.
	exitFailOn = 4
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	engine.SetMemoryLimit(os.Getenv("GOMEMLIMIT"), engine.CLIMemoryLimit)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `cqmon: monitor Amazon Connect service quotas.

Usage:
  cqmon scan      [flags]   measure every quota of every Connect instance in the account
  cqmon demo      [flags]   the same run against the built-in AWS simulator (no account needed)
  cqmon serve     [flags]   scan on a schedule and serve the results to Prometheus (/metrics)
  cqmon catalog   [flags]   list every quota cqmon knows, and how its usage is measured
  cqmon history   [flags]   past runs, or one quota over time, from the history store
  cqmon report    --html F  the HTML dashboard of the latest (or a given) stored run
  cqmon simulate  [flags]   serve the AWS simulator for other tools
  cqmon request-increase    ask Service Quotas to raise one quota (prints the request; sends it with --yes)
  cqmon iam-policy          print the IAM policy a scan needs (read-only); --request-increase: the
                            policy request-increase needs
  cqmon bench     [flags]   measure scans of simulated accounts: time, calls, memory
  cqmon help

Run "cqmon <command> -h" for a command's flags.
Exit status: 0 run completed (violations or not), 1 run could not complete, 2 bad usage,
3 run completed but storing history or delivering alerts failed, 4 run completed and found
a row --fail-on names. When several apply, the lowest wins.
`

// usageError marks errors that exit with exitUsage.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "scan":
		err = cmdScan(ctx, rest, stdout, stderr)
	case "demo":
		err = cmdDemo(ctx, rest, stdout, stderr)
	case "serve":
		err = cmdServe(ctx, rest, stdout, stderr)
	case "catalog":
		err = cmdCatalog(rest, stdout, stderr)
	case "simulate":
		err = cmdSimulate(ctx, rest, stdout, stderr)
	case "history":
		err = cmdHistory(ctx, rest, stdout, stderr)
	case "report":
		err = cmdReport(ctx, rest, stdout, stderr)
	case "bench":
		err = cmdBench(ctx, rest, stdout, stderr)
	case "bench-one":
		err = cmdBenchOne(ctx, rest, stdout, stderr)
	case "request-increase":
		err = cmdRequestIncrease(ctx, rest, stdout, stderr)
	case "iam-policy":
		err = cmdIAMPolicy(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "cqmon: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	var ue usageError
	var de deliveryError
	var fe failOnError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "cqmon %s: %v\n", args[0], err)
		return exitUsage
	case errors.As(err, &de):
		fmt.Fprintf(stderr, "cqmon %s: %v (see the report's errors)\n", args[0], err)
		return exitDelivery
	case errors.As(err, &fe):
		fmt.Fprintf(stderr, "cqmon %s: %v\n", args[0], err)
		return exitFailOn
	default:
		fmt.Fprintf(stderr, "cqmon %s: %v\n", args[0], err)
		return exitIncomplete
	}
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("cqmon "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags and refuses positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// outputFlag is --output, checked when parsed.
type outputFlag string

func (o *outputFlag) String() string { return string(*o) }

func (o *outputFlag) Set(v string) error {
	switch v {
	case "table", "json":
		*o = outputFlag(v)
		return nil
	}
	return fmt.Errorf("%q is not one of table, json", v)
}

const maxDays = 36500

// durationFlag is a duration flag that also takes days: a Go duration
// ("36h", "90m") or a number of days ("30d").
type durationFlag time.Duration

func (s *durationFlag) String() string { return quota.FormatDuration(time.Duration(*s)) }

func (s *durationFlag) Set(v string) error {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 1 || days > maxDays {
			return fmt.Errorf("%q is not a number of days from 1 to %d", v, maxDays)
		}
		*s = durationFlag(time.Duration(days) * 24 * time.Hour)
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a positive duration such as 36h, or days such as 30d", v)
	}
	*s = durationFlag(d)
	return nil
}

// numberFlag is a float flag that refuses NaN and infinities, which the
// flag package's Float64 accepts and no range check catches.
type numberFlag float64

func (n *numberFlag) String() string { return strconv.FormatFloat(float64(*n), 'f', -1, 64) }

func (n *numberFlag) Set(v string) error {
	f, err := quota.ParseNumber(v)
	if err != nil {
		return err
	}
	*n = numberFlag(f)
	return nil
}

// listFlag is a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = nil
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	if len(*l) == 0 {
		return fmt.Errorf("%q names no value", v)
	}
	return nil
}
