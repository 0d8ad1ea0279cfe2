package store

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/quota"
)

// TestMultiOneSinkFails: a missing table fails its sink only; the bucket
// and the local file still get the run, and the error names the table.
func TestMultiOneSinkFails(t *testing.T) {
	ctx := context.Background()
	good, client := newBucket(t, Options{})
	local, _ := openTestLocal(t, Options{})
	missing, err := Open(ctx, "dynamodb:"+unique("cqmon-missing"), mototest.Clients(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMulti(missing, good, local)
	m.backoff = time.Millisecond

	err = m.WriteRun(ctx, fixture(0))
	if err == nil {
		t.Fatal("WriteRun to a missing table succeeded")
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "store "+missing.String()+": ") || !strings.Contains(msg, "ResourceNotFoundException") ||
		strings.Contains(msg, good.String()) || strings.Contains(msg, local.String()) {
		t.Errorf("error %q should name %s only", msg, missing)
	}
	if n := len(listKeys(t, client, good.bucket)); n != 5 {
		t.Errorf("bucket holds %d objects, want 5 (3 run objects, the summary, latest.json)", n)
	}
	runs, err := m.Runs(ctx, Query{InstanceID: instA})
	if err != nil || len(runs) != 1 {
		t.Errorf("Runs through the Multi: %d runs, %v; want the bucket's one", len(runs), err)
	}
}

// flaky fails its first writes with a transient error.
type flaky struct {
	Store
	failures atomic.Int32
}

func (f *flaky) WriteRun(ctx context.Context, rep *quota.Report) error {
	if f.failures.Add(-1) >= 0 {
		return errors.New("connection reset by peer")
	}
	return f.Store.WriteRun(ctx, rep)
}

func TestMultiRetries(t *testing.T) {
	tests := []struct {
		name     string
		failures int32
		wantErr  bool
	}{
		{"recovers", writeAttempts - 1, false},
		{"gives up", writeAttempts, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			local, _ := openTestLocal(t, Options{})
			f := &flaky{Store: local}
			f.failures.Store(tc.failures)
			m := NewMulti(f)
			m.backoff = time.Millisecond
			err := m.WriteRun(context.Background(), fixture(0))
			if (err != nil) != tc.wantErr {
				t.Fatalf("WriteRun: %v, want error %v", err, tc.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "store "+local.String()+": connection reset") {
				t.Errorf("error %q does not name the sink", err)
			}
		})
	}
}
