package alert

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/cqmon/cqmon/internal/quota"
)

// Store remembers alert states between runs. The store package implements
// it for DynamoDB, S3 and a local file, and for several of them at once.
type Store interface {
	// LoadAlertStates returns every state of one account and Region,
	// recovery records included. When only part of the memory could be
	// read (one of several stores did not answer), it returns what it read
	// with an error that has a method Partial() bool returning true: those
	// states are used and the error is reported. Any other error means
	// nothing was read.
	LoadAlertStates(ctx context.Context, account, region string) ([]quota.AlertState, error)
	// SaveAlertStates writes put and removes del (matched by Key).
	SaveAlertStates(ctx context.Context, put []quota.AlertState, del []quota.AlertState) error
}

// NoStoreWarning is the start-up warning to print when no state store is
// configured: one line a terminal shows whole.
const NoStoreWarning = "warning: no alert state store configured: every run sends every current violation again as new"

// Memory is a Store held in memory: for tests, and for runs without a
// configured store (each process then starts with no memory). It is safe
// for concurrent use.
type Memory struct {
	mu     sync.Mutex
	states map[string]quota.AlertState
}

// NewMemory returns a Memory holding states.
func NewMemory(states ...quota.AlertState) *Memory {
	m := &Memory{states: map[string]quota.AlertState{}}
	for _, s := range states {
		m.states[s.Key()] = s
	}
	return m
}

// LoadAlertStates implements Store.
func (m *Memory) LoadAlertStates(_ context.Context, account, region string) ([]quota.AlertState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []quota.AlertState
	for _, s := range m.states {
		if s.Account == account && s.Region == region {
			out = append(out, s)
		}
	}
	sortStates(out)
	return out, nil
}

// SaveAlertStates implements Store.
func (m *Memory) SaveAlertStates(_ context.Context, put []quota.AlertState, del []quota.AlertState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range put {
		m.states[s.Key()] = s
	}
	for _, s := range del {
		delete(m.states, s.Key())
	}
	return nil
}

// All returns every state held, ordered by Key.
func (m *Memory) All() []quota.AlertState {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]quota.AlertState, 0, len(m.states))
	for _, s := range m.states {
		out = append(out, s)
	}
	sortStates(out)
	return out
}

func sortStates(s []quota.AlertState) {
	slices.SortFunc(s, func(a, b quota.AlertState) int { return cmp.Compare(a.Key(), b.Key()) })
}
