// Command cqmon monitors Amazon Connect service quotas: it finds every
// Connect instance, measures the usage of every quota it can against the
// limit applied to that instance, and reports what is close to its limit.
package main

import (
	"context"
	"errors"
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

// usageError marks errors that exit with exitUsage.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stderr)
		return exitUsage
	}
	if completing(args) && len(args) > 2 && listed(args[1]) {
		// cqmon __complete scan --thr: scan completes its own flags.
		args = append([]string{args[1], args[0]}, args[2:]...)
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
	case "help":
		switch {
		case len(rest) == 0:
			writeUsage(stdout)
			return exitOK
		case listed(rest[0]):
			return run(ctx, []string{rest[0], "--help"}, stdout, stderr)
		}
		fmt.Fprintf(stderr, "cqmon: unknown command %q (see cqmon --help)\n", rest[0])
		return exitUsage
	default:
		// cqmon --help, --version, completion, and what is not a command.
		if err := cmdRoot(args, stdout); err != nil {
			fmt.Fprintf(stderr, "cqmon: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	var ue usageError
	var de deliveryError
	var fe failOnError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errShown):
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

const maxDays = quota.MaxDays

// durationFlag is a duration flag that also takes days: a Go duration
// ("36h", "90m") or a number of days ("30d").
type durationFlag time.Duration

func (s *durationFlag) String() string { return quota.FormatDuration(time.Duration(*s)) }

func (s *durationFlag) Set(v string) error {
	d, err := quota.ParseDuration(v)
	switch {
	case strings.HasSuffix(v, "d") && (err != nil || d == 0):
		return fmt.Errorf("%q is not a number of days from 1 to %d", v, maxDays)
	case err != nil || d <= 0:
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
