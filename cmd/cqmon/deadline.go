package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// defaultTimeout is the whole run's deadline: far above a large account's
// scan (minutes), short enough that a run stuck on an endpoint that never
// answers ends, and a cron job does not pile up behind it.
const defaultTimeout = 15 * time.Minute

// errRunTimeout is the cause of a run context that reached --timeout.
var errRunTimeout = errors.New("the run reached its --timeout")

// withRunTimeout bounds the run. Calls still in flight at the deadline
// fail, so their quotas are reported unknown; the stores and channels it
// reaches after it fail the same way.
func withRunTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, d, errRunTimeout)
}

// timedOut is the error of a run that reached its deadline; it exits with
// exitIncomplete after the report is printed.
func timedOut(ctx context.Context, d time.Duration) error {
	if !errors.Is(context.Cause(ctx), errRunTimeout) {
		return nil
	}
	return fmt.Errorf("the run stopped at its --timeout of %s: what was measured by then is printed, the rest is unknown", quota.FormatDuration(d))
}
