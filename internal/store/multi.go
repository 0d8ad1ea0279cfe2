package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cqmon/cqmon/internal/awserr"
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
// one failing does not stop the others, and its error names it. History
// reads are answered by the first sink that can; the alert memory is read
// from all of them and merged (see LoadAlertStates).
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
	switch awserr.Classify(err) {
	case awserr.KindAccessDenied, awserr.KindNotEnabled, awserr.KindInvalid, awserr.KindCanceled:
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

// LoadAlertStates reads the alert memory of every sink and merges it:
// per quota, the newest state wins (quota.Newest), so a recovery or an
// alert that a sink missed while it was down is not undone by that sink's
// older state. Each sink that answered with an older state, or none, is
// then given the winners, so the sinks agree again. When some sinks could
// not be read or repaired, the merged states of the others come with a
// PartialError; when none could be read, with a plain error.
func (m *Multi) LoadAlertStates(ctx context.Context, account, region string) ([]quota.AlertState, error) {
	read := make([][]quota.AlertState, len(m.stores))
	errs := make([]error, len(m.stores))
	var wg sync.WaitGroup
	for i, s := range m.stores {
		wg.Go(func() {
			if read[i], errs[i] = s.LoadAlertStates(ctx, account, region); errs[i] != nil {
				errs[i] = &SinkError{Sink: s.String(), Err: errs[i]}
			}
		})
	}
	wg.Wait()
	var answered [][]quota.AlertState
	for i := range m.stores {
		if errs[i] == nil {
			answered = append(answered, read[i])
		}
	}
	if len(answered) == 0 {
		if len(m.stores) == 0 {
			return nil, errors.New("store: no sink to read from")
		}
		return nil, errors.Join(errs...)
	}
	merged := quota.Newest(answered...)
	for i, s := range m.stores {
		if errs[i] != nil {
			continue
		}
		if stale := staleIn(read[i], merged); len(stale) > 0 {
			if err := m.retry(ctx, func() error { return s.SaveAlertStates(ctx, stale, nil) }); err != nil {
				errs[i] = &SinkError{Sink: s.String(), Err: fmt.Errorf("repair %d alert states: %w", len(stale), err)}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return merged, &PartialError{Err: err}
	}
	return merged, nil
}

// staleIn returns the states of merged that have lacks or holds in
// another form.
func staleIn(have, merged []quota.AlertState) []quota.AlertState {
	byKey := make(map[string]quota.AlertState, len(have))
	for _, s := range have {
		byKey[s.Key()] = s
	}
	var out []quota.AlertState
	for _, s := range merged {
		if h, ok := byKey[s.Key()]; !ok || !h.Same(s) {
			out = append(out, s)
		}
	}
	return out
}

// PartialError is returned with the alert memory of the sinks that could
// be read when others could not: the memory is used, and the error
// reported.
type PartialError struct{ Err error }

func (e *PartialError) Error() string { return e.Err.Error() }

// Unwrap returns the sinks' errors.
func (e *PartialError) Unwrap() error { return e.Err }

// Partial marks the states returned with the error as usable.
func (e *PartialError) Partial() bool { return true }

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
