package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// Delivery retries. SNS calls are already retried by the SDK's retryer
// inside one attempt; these attempts cover a channel that is briefly down
// (a webhook answering 5xx, a network blip) without holding a run for long.
const (
	// DefaultAttempts is how many times a message is tried on a channel.
	DefaultAttempts = 3
	// DefaultBackoff is the wait before the second attempt; it doubles
	// before each further one.
	DefaultBackoff = 2 * time.Second
)

// Notifier runs the alerting step of a monitoring run.
type Notifier struct {
	// Store remembers alert states; nil means no memory (every run alerts
	// about every violation as new).
	Store Store
	// Channels receive every message; at least one is required.
	Channels []Channel
	Config   Config
	// Attempts per message and channel; 0 means DefaultAttempts.
	Attempts int
	// Backoff before the second attempt; 0 means DefaultBackoff.
	Backoff time.Duration
	// Sleep waits between attempts; nil means a timer that stops early
	// when ctx ends. Tests inject a no-op.
	Sleep func(ctx context.Context, d time.Duration) error
	// Log receives one line per delivery and failed attempt; nil discards.
	Log *slog.Logger
}

// Outcome is what a Run did.
type Outcome struct {
	// Sent counts messages delivered to every channel, by kind.
	Sent map[Kind]int
	// Delivered lists those messages, in the order they were sent.
	Delivered []Message
	// Failures lists each message and channel that did not take it.
	Failures []Failure
}

// Failure is one message that one channel did not accept.
type Failure struct {
	Kind       Kind
	InstanceID string // empty for the account-level message
	Subject    string
	Channel    string
	Err        error
}

// String sums the outcome up in one line.
func (o Outcome) String() string {
	s := fmt.Sprintf("alerts: %d alert, %d forecast, %d reminder, %d recovery message(s) sent",
		o.Sent[KindAlert], o.Sent[KindForecast], o.Sent[KindReminder], o.Sent[KindRecovery])
	if n := len(o.Failures); n > 0 {
		s += fmt.Sprintf(", %d delivery failure(s)", n)
	}
	return s
}

// Run loads the states of every (account, Region) of the report, plans the
// messages, sends each to every channel, and saves the state changes of
// the messages every channel accepted. The error lists each failed
// delivery and any state that could not be loaded or saved; a message not
// delivered leaves its state as it was, so the next run sends it again.
// When the states of a Region cannot be loaded, its quotas are alerted as
// new (an alert is not lost) but their states are not saved (the memory
// is not overwritten).
func (n *Notifier) Run(ctx context.Context, rep *quota.Report) (Outcome, error) {
	out := Outcome{Sent: map[Kind]int{}}
	if err := n.Config.Validate(); err != nil {
		return out, fmt.Errorf("alert configuration: %w", err)
	}
	if len(n.Channels) == 0 {
		return out, errors.New("alert: no channel configured")
	}
	log := n.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var errs []error
	var states []quota.AlertState
	blind := map[string]bool{}
	if n.Store != nil {
		for _, region := range regionsOf(rep) {
			s, err := n.Store.LoadAlertStates(ctx, rep.AccountID, region)
			if err != nil {
				errs = append(errs, fmt.Errorf("load alert states of %s/%s: %w", rep.AccountID, region, err))
				if !partial(err) {
					blind[region] = true
					continue
				}
			}
			states = append(states, s...)
		}
	}
	var put []quota.AlertState
	keep := func(s quota.AlertState) bool { return !blind[s.Region] }
	for _, d := range Plan(n.Config, rep, states) {
		if d.Message.Kind == "" {
			// State changes only: nothing to tell.
			put = append(put, filter(d.Put, keep)...)
			continue
		}
		m, delivered := d.Message, true
		for _, ch := range n.Channels {
			if err := n.send(ctx, log, ch, m); err != nil {
				delivered = false
				out.Failures = append(out.Failures, Failure{Kind: m.Kind, InstanceID: m.InstanceID, Subject: m.Subject(), Channel: ch.String(), Err: err})
				errs = append(errs, fmt.Errorf("send %s %q to %s: %w", m.Kind, m.Subject(), ch, err))
				continue
			}
			log.Info("alert sent", "kind", m.Kind, "instance_id", m.InstanceID, "channel", ch.String())
		}
		if !delivered {
			continue
		}
		out.Sent[m.Kind]++
		out.Delivered = append(out.Delivered, m)
		put = append(put, filter(d.Put, keep)...)
	}
	if n.Store != nil && len(put) > 0 {
		sctx, cancel := saveContext(ctx)
		defer cancel()
		if err := n.Store.SaveAlertStates(sctx, put, nil); err != nil {
			errs = append(errs, fmt.Errorf("save alert states: %w", err))
		}
	}
	return out, errors.Join(errs...)
}

// send tries one channel up to Attempts times, backing off between tries.
func (n *Notifier) send(ctx context.Context, log *slog.Logger, ch Channel, m Message) error {
	attempts, delay, sleep := n.Attempts, n.Backoff, n.Sleep
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	if delay <= 0 {
		delay = DefaultBackoff
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	for i := 1; ; i++ {
		err := ch.Send(ctx, m)
		if err == nil {
			return nil
		}
		var p permanent
		if i >= attempts || errors.As(err, &p) || ctx.Err() != nil {
			return fmt.Errorf("%s: %w", plural(i, "attempt"), err)
		}
		log.Warn("alert delivery failed; retrying", "channel", ch.String(), "attempt", i, "in", delay, "error", err)
		if serr := sleep(ctx, delay); serr != nil {
			return fmt.Errorf("%s: %w; stopped waiting to retry: %w", plural(i, "attempt"), err, serr)
		}
		delay *= 2
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// partial reports whether a load error says that only part of the memory
// was read (see Store).
func partial(err error) bool {
	var p interface{ Partial() bool }
	return errors.As(err, &p) && p.Partial()
}

// regionsOf lists every Region the report covers or has results in.
func regionsOf(rep *quota.Report) []string {
	rs := slices.Clone(rep.Regions)
	for _, in := range rep.Instances {
		rs = append(rs, in.Region)
	}
	for _, r := range rep.Account.Metrics {
		rs = append(rs, r.Region)
	}
	rs = slices.DeleteFunc(rs, func(s string) bool { return strings.TrimSpace(s) == "" })
	slices.Sort(rs)
	return slices.Compact(rs)
}

func filter(s []quota.AlertState, keep func(quota.AlertState) bool) []quota.AlertState {
	var out []quota.AlertState
	for _, x := range s {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
