package alert

import (
	"context"
	"time"
)

// The state of delivered messages is saved even when the run's context has
// ended: a message that went out must be remembered, or the next run sends
// it again. But a context's deadline is a promise to whoever set it (the
// Lambda keeps a margin before its function is stopped), so the save may
// outlive the deadline by SaveGrace only.
const (
	// saveTimeout bounds the save when the run has no deadline nearer.
	saveTimeout = 30 * time.Second
	// SaveGrace is how long after its context's deadline Notifier.Run may
	// still be saving state. Callers with a hard stop of their own keep
	// more than this between their context's deadline and that stop.
	SaveGrace = 2 * time.Second
)

// saveContext is the context of the state save: not canceled with ctx,
// and ending saveTimeout from now or SaveGrace after ctx's deadline,
// whichever comes first.
func saveContext(ctx context.Context) (context.Context, context.CancelFunc) {
	end := time.Now().Add(saveTimeout)
	if d, ok := ctx.Deadline(); ok && d.Add(SaveGrace).Before(end) {
		end = d.Add(SaveGrace)
	}
	return context.WithDeadline(context.WithoutCancel(ctx), end)
}
