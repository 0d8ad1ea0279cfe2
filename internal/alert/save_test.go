package alert

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// deadlineStore records the deadline of the context states are saved with.
type deadlineStore struct {
	*Memory
	saved    bool
	deadline time.Time
}

func (d *deadlineStore) SaveAlertStates(ctx context.Context, put, del []quota.AlertState) error {
	d.saved = true
	d.deadline, _ = ctx.Deadline()
	return d.Memory.SaveAlertStates(ctx, put, del)
}

// TestSaveStaysNearTheRunsDeadline: a run whose context has run out still
// saves the state of what it delivered, but no later than SaveGrace after
// that context's deadline (the Lambda's margin before it is stopped is
// built on it).
func TestSaveStaysNearTheRunsDeadline(t *testing.T) {
	deadline := time.Now().Add(-time.Minute)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	store := &deadlineStore{Memory: NewMemory()}
	n := &Notifier{Store: store, Channels: []Channel{NewWriter(io.Discard)}, Config: at(t0)}
	if _, err := n.Run(ctx, report(instance(instA, "acme-prod", flows(147)))); err != nil {
		t.Fatal(err)
	}
	if !store.saved || len(store.All()) != 1 {
		t.Fatalf("the delivered alert's state was not saved: %+v", store.All())
	}
	if latest := deadline.Add(SaveGrace); store.deadline.After(latest) {
		t.Errorf("state saved with a deadline %s past the run's, want at most %s", store.deadline.Sub(deadline), SaveGrace)
	}
}
