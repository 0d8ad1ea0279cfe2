package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
)

// sleeps records the back-off delays instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

// hook is an httptest webhook answering with status and recording bodies.
type hook struct {
	mu     sync.Mutex
	status int
	bodies []string
}

func newHook(t *testing.T, status int) (*hook, *httptest.Server) {
	h := &hook{status: status}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.bodies = append(h.bodies, string(b))
		w.WriteHeader(h.status)
		io.WriteString(w, http.StatusText(h.status))
	}))
	t.Cleanup(srv.Close)
	return h, srv
}

func (h *hook) set(status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status, h.bodies = status, nil
}

func (h *hook) calls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

func TestRunStdoutRemembers(t *testing.T) {
	var out bytes.Buffer
	now := t0
	store := NewMemory()
	n := &Notifier{Store: store, Channels: []Channel{NewWriter(&out)}, Config: DefaultConfig()}
	n.Config.Now = func() time.Time { return now }
	rep := report(instance(instA, "acme-prod", flows(90), users(10)), instance(instB, "acme-dev", users(20)))

	got, err := n.Run(context.Background(), rep)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Outcome{Sent: map[Kind]int{KindAlert: 1}}, got, cmpopts.IgnoreFields(Outcome{}, "Delivered")); diff != "" {
		t.Errorf("first Run() mismatch (-want +got):\n%s", diff)
	}
	if len(got.Delivered) != 1 || got.Delivered[0].InstanceAlias != "acme-prod" || got.Delivered[0].Kind != KindAlert {
		t.Errorf("first Run() delivered %+v, want the alert about acme-prod", got.Delivered)
	}
	if !strings.HasPrefix(out.String(), "Connect Quota Alert - Instance: acme-prod (1 violation)\n=====") {
		t.Errorf("stdout = %q", out.String())
	}

	out.Reset()
	now = now.Add(time.Hour)
	if got, err := n.Run(context.Background(), rep); err != nil || len(got.Sent) != 0 || out.Len() != 0 {
		t.Errorf("second Run() = %v, %v and printed %q; want nothing", got, err, out.String())
	}
	if len(store.All()) != 1 {
		t.Errorf("store holds %d states, want 1", len(store.All()))
	}
}

func TestRunWebhook(t *testing.T) {
	h, srv := newHook(t, http.StatusOK)
	rep := report(instance(instA, "acme-prod", flows(147), lambdas(42), users(10)))
	n := &Notifier{Store: NewMemory(), Channels: []Channel{NewWebhook(srv.Client(), srv.URL+"/services/secret")}, Config: at(t0)}
	if _, err := n.Run(context.Background(), rep); err != nil {
		t.Fatal(err)
	}
	calls := h.calls()
	if len(calls) != 1 {
		t.Fatalf("webhook called %d times, want 1", len(calls))
	}
	var v any
	if err := json.Unmarshal([]byte(calls[0]), &v); err != nil {
		t.Fatal(err)
	}
	pretty, _ := json.MarshalIndent(v, "", "  ")
	golden.Check(t, "new.slack.json", append(pretty, '\n'))
}

func TestRunFailingWebhookLeavesStateAlone(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		wantCalls int
		wantSleep []time.Duration
	}{
		{"server error is retried", http.StatusInternalServerError, 3, []time.Duration{2 * time.Second, 4 * time.Second}},
		{"throttled is retried", http.StatusTooManyRequests, 3, []time.Duration{2 * time.Second, 4 * time.Second}},
		{"bad request is not retried", http.StatusBadRequest, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, srv := newHook(t, tt.status)
			store, sl := NewMemory(), &sleeps{}
			good := NewWriter(io.Discard)
			n := &Notifier{Store: store, Channels: []Channel{good, NewWebhook(nil, srv.URL+"/services/secret")}, Config: at(t0), Sleep: sl.sleep}
			rep := report(instance(instA, "acme-prod", flows(90)))

			got, err := n.Run(context.Background(), rep)
			if err == nil || strings.Contains(err.Error(), "secret") {
				t.Fatalf("Run() error = %v, want an error without the webhook path", err)
			}
			if len(got.Sent) != 0 || len(got.Failures) != 1 || got.Failures[0].InstanceID != instA {
				t.Errorf("Run() = %+v", got)
			}
			if n := len(h.calls()); n != tt.wantCalls {
				t.Errorf("webhook called %d times, want %d", n, tt.wantCalls)
			}
			if diff := cmp.Diff(tt.wantSleep, sl.d); diff != "" {
				t.Errorf("back-off mismatch (-want +got):\n%s", diff)
			}
			if s := store.All(); len(s) != 0 {
				t.Errorf("state advanced for an undelivered alert: %+v", s)
			}

			// Once the webhook works, the same alert goes out as new.
			h.set(http.StatusOK)
			if got, err := n.Run(context.Background(), rep); err != nil || got.Sent[KindAlert] != 1 {
				t.Errorf("Run() after recovery = %+v, %v; want one alert", got, err)
			}
			if len(store.All()) != 1 {
				t.Errorf("store holds %d states after delivery, want 1", len(store.All()))
			}
		})
	}
}

// brokenStore fails to load the states of one Region.
type brokenStore struct {
	*Memory
	region string
}

func (b brokenStore) LoadAlertStates(ctx context.Context, account, region string) ([]quota.AlertState, error) {
	if region == b.region {
		return nil, errors.New("table not found")
	}
	return b.Memory.LoadAlertStates(ctx, account, region)
}

func TestRunUnreadableStateAlertsButKeepsMemory(t *testing.T) {
	old := state(codeFlow, SeverityCritical, longAgo, t0.Add(-time.Hour), 91)
	store := brokenStore{Memory: NewMemory(old), region: region}
	var out bytes.Buffer
	n := &Notifier{Store: store, Channels: []Channel{NewWriter(&out)}, Config: at(t0)}
	got, err := n.Run(context.Background(), report(instance(instA, "acme-prod", flows(91))))
	if err == nil || !strings.Contains(err.Error(), "load alert states of 123456789012/us-east-1: table not found") {
		t.Errorf("Run() error = %v", err)
	}
	if got.Sent[KindAlert] != 1 {
		t.Errorf("Run() = %+v, want the alert sent", got)
	}
	if diff := cmp.Diff([]quota.AlertState{old}, store.All()); diff != "" {
		t.Errorf("state overwritten (-want +got):\n%s", diff)
	}
}

func TestRunWithoutStoreRealertsEveryRun(t *testing.T) {
	var out bytes.Buffer
	n := &Notifier{Channels: []Channel{NewWriter(&out)}, Config: at(t0)}
	rep := report(instance(instA, "acme-prod", flows(91)))
	for i := range 2 {
		if got, err := n.Run(context.Background(), rep); err != nil || got.Sent[KindAlert] != 1 {
			t.Errorf("run %d: Run() = %+v, %v; want one alert", i+1, got, err)
		}
	}
}

func TestRunNeedsAChannelAndAValidConfig(t *testing.T) {
	if _, err := (&Notifier{Config: DefaultConfig()}).Run(context.Background(), report()); err == nil {
		t.Error("Run() without channels succeeded")
	}
	bad := &Notifier{Channels: []Channel{NewWriter(io.Discard)}, Config: Config{Hysteresis: 60}}
	if _, err := bad.Run(context.Background(), report()); err == nil || !strings.Contains(err.Error(), "hysteresis") {
		t.Errorf("Run() with a bad config = %v", err)
	}
}
