package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/quota"
)

// writeAttempts is how many times Multi tries one sink's write in all. The
// SDK clients already retry each call; this covers a write made of many
// calls (a run is one item or object per instance) failing part way,
// which is safe to redo because every key is deterministic.
const writeAttempts = 3

// writeBackoff is the pause before the second attempt; it doubles after.
const writeBackoff = time.Second

// Multi writes to several sinks at once. Each sink is written on its own:
// one failing does not stop the others, and its error names it. Reads are
// answered by the first sink that can.
type Multi struct {
	stores  []Store
	backoff time.Duration
}

// NewMulti joins stores, the first one answering reads.
func NewMulti(stores ...Store) *Multi {
	return &Multi{stores: stores, backoff: writeBackoff}
}

// Stores returns the joined sinks.
func (m *Multi) Stores() []Store { return m.stores }

// String lists the sinks' specs.
func (m *Multi) String() string {
	names := make([]string, len(m.stores))
	for i, s := range m.stores {
		names[i] = s.String()
	}
	return strings.Join(names, ",")
}

// WriteRun writes the report to every sink concurrently, retrying each
// failed write, and returns one error per sink that still failed.
func (m *Multi) WriteRun(ctx context.Context, rep *quota.Report) error {
	return m.each(ctx, func(s Store) error { return s.WriteRun(ctx, rep) })
}

// SaveAlertStates saves to every sink, like WriteRun.
func (m *Multi) SaveAlertStates(ctx context.Context, put []quota.AlertState, del []quota.AlertState) error {
	return m.each(ctx, func(s Store) error { return s.SaveAlertStates(ctx, put, del) })
}

func (m *Multi) each(ctx context.Context, write func(Store) error) error {
	errs := make([]error, len(m.stores))
	var wg sync.WaitGroup
	for i, s := range m.stores {
		wg.Go(func() {
			if err := m.retry(ctx, func() error { return write(s) }); err != nil {
				errs[i] = &SinkError{Sink: s.String(), Err: err}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// SinkError is the failure of one sink of a Multi write.
type SinkError struct {
	Sink string
	Err  error
}

func (e *SinkError) Error() string { return fmt.Sprintf("store %s: %v", e.Sink, e.Err) }

// Unwrap returns the sink's error.
func (e *SinkError) Unwrap() error { return e.Err }

// FailedSinks names the sinks whose write an error from Multi reports.
func FailedSinks(err error) map[string]bool {
	out := map[string]bool{}
	var walk func(error)
	walk = func(err error) {
		var se *SinkError
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		} else if errors.As(err, &se) {
			out[se.Sink] = true
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// retry runs write until it succeeds, fails for good, or runs out of
// attempts.
func (m *Multi) retry(ctx context.Context, write func() error) error {
	wait := m.backoff
	var err error
	for attempt := 1; ; attempt++ {
		if err = write(); err == nil || attempt == writeAttempts || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// retryable reports whether trying again may help: not when the table or
// bucket is missing, access is denied, or the request is invalid.
func retryable(err error) bool {
	switch awsapi.Classify(err) {
	case awsapi.KindAccessDenied, awsapi.KindNotEnabled, awsapi.KindInvalid, awsapi.KindCanceled:
		return false
	}
	return !errors.Is(err, errTooLarge)
}

// Runs answers from the first sink that can.
func (m *Multi) Runs(ctx context.Context, q Query) ([]Run, error) {
	return first(m, func(s Store) ([]Run, error) { return s.Runs(ctx, q) })
}

// QuotaSeries answers from the first sink that can.
func (m *Multi) QuotaSeries(ctx context.Context, q Query) ([]Point, error) {
	return first(m, func(s Store) ([]Point, error) { return s.QuotaSeries(ctx, q) })
}

// LoadAlertStates answers from the first sink that can.
func (m *Multi) LoadAlertStates(ctx context.Context, account, region string) ([]quota.AlertState, error) {
	return first(m, func(s Store) ([]quota.AlertState, error) { return s.LoadAlertStates(ctx, account, region) })
}

func first[T any](m *Multi, read func(Store) ([]T, error)) ([]T, error) {
	var errs []error
	for _, s := range m.stores {
		v, err := read(s)
		if err == nil {
			return v, nil
		}
		errs = append(errs, fmt.Errorf("store %s: %w", s, err))
	}
	if len(errs) == 0 {
		return nil, errors.New("store: no sink to read from")
	}
	return nil, errors.Join(errs...)
}

// Close closes every sink.
func (m *Multi) Close() error {
	var errs []error
	for _, s := range m.stores {
		if err := s.Close(); err != nil {
			errs = append(errs, fmt.Errorf("store %s: %w", s, err))
		}
	}
	return errors.Join(errs...)
}
