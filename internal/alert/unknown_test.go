package alert

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
)

// TestPlanUnknowns: an unknown is listed the first time and when its
// reason changes, only along with news, and never when it is expected.
func TestPlanUnknowns(t *testing.T) {
	throttled := unknown(codeQue, "Queues per instance", "usage: throttled: connect:ListQueues (ThrottlingException, after retries)")
	bounded := func(n string) quota.Result {
		return unknown(codeQue, "Queues per instance", "usage: not measured: "+n+" parents would take one call each, more than the 1000 allowed (--max-parents)")
	}
	byDesign := unknown(codeQue, "Queues per instance", "usage: not measured, to save calls: no limit: no Service Quotas code, and AWS documents no default")
	byDesign.UnknownCause = quota.UnknownByDesign
	skipped := unknown(codeQue, "Queues per instance", "not measured: service voiceid is skipped (skip-service)")
	skipped.UnknownCause = quota.UnknownSkipped
	told := func(reason string) quota.AlertState {
		return quota.AlertState{Account: account, Region: region, InstanceID: instA, QuotaID: codeQue, UnknownReason: reason, UnknownAt: t0}
	}
	before := func(s quota.AlertState) quota.AlertState { s.UnknownAt = t0.Add(-time.Hour); return s }
	newFlows := state(codeFlow, SeverityWarning, t0, t0, 81)
	queuesWarned := state(codeQue, SeverityWarning, t0.Add(-time.Hour), t0.Add(-time.Hour), 82)
	withReason := func(s quota.AlertState, reason string) quota.AlertState {
		s.UnknownReason, s.UnknownAt = reason, t0
		return s
	}
	over := func(s quota.AlertState) quota.AlertState { s.RecoveredAt = t0; return s }
	forgotten := func(s quota.AlertState) quota.AlertState { s.UnknownReason, s.UnknownAt = "", t0; return s }

	type plan struct {
		Kind    Kind
		Unknown []string
		Put     []quota.AlertState
	}
	tests := []struct {
		name    string
		results []quota.Result
		states  []quota.AlertState
		want    []plan
	}{
		{name: "first time, with news: listed and remembered", results: []quota.Result{flows(81), throttled},
			want: []plan{{Kind: KindAlert, Unknown: []string{throttled.Reason}, Put: []quota.AlertState{newFlows, told(throttled.Reason)}}}},
		{name: "first time, no news: no message, not remembered", results: []quota.Result{throttled}},
		{name: "told before: not listed again", results: []quota.Result{flows(81), throttled}, states: []quota.AlertState{before(told(throttled.Reason))},
			want: []plan{{Kind: KindAlert, Put: []quota.AlertState{newFlows}}}},
		{name: "only its numbers changed: not listed", results: []quota.Result{flows(81), bounded("1702")}, states: []quota.AlertState{before(told(bounded("1700").Reason))},
			want: []plan{{Kind: KindAlert, Put: []quota.AlertState{newFlows}}}},
		{name: "its reason changed: listed with the new one", results: []quota.Result{flows(81), bounded("1700")}, states: []quota.AlertState{before(told(throttled.Reason))},
			want: []plan{{Kind: KindAlert, Unknown: []string{bounded("1700").Reason}, Put: []quota.AlertState{newFlows, told(bounded("1700").Reason)}}}},
		{name: "after a recovery: listed once, as new memory", results: []quota.Result{flows(81), throttled},
			states: []quota.AlertState{over(queuesWarned)},
			want:   []plan{{Kind: KindAlert, Unknown: []string{throttled.Reason}, Put: []quota.AlertState{newFlows, told(throttled.Reason)}}}},
		{name: "by design: never listed", results: []quota.Result{flows(81), byDesign},
			want: []plan{{Kind: KindAlert, Put: []quota.AlertState{newFlows}}}},
		{name: "skipped: never listed", results: []quota.Result{flows(81), skipped},
			want: []plan{{Kind: KindAlert, Put: []quota.AlertState{newFlows}}}},
		{name: "violation gone unknown: listed once, alert kept", results: []quota.Result{flows(81), throttled}, states: []quota.AlertState{queuesWarned},
			want: []plan{{Kind: KindAlert, Unknown: []string{throttled.Reason}, Put: []quota.AlertState{newFlows, withReason(queuesWarned, throttled.Reason)}}}},
		{name: "measured again under the threshold: forgotten quietly", results: []quota.Result{res(codeQue, "Queues per instance", 10, 100, quota.LimitInstance, true)},
			states: []quota.AlertState{before(told(throttled.Reason))}, want: []plan{{Put: []quota.AlertState{over(forgotten(told("")))}}}},
		{name: "measured again, still high and told: reason forgotten quietly", results: []quota.Result{res(codeQue, "Queues per instance", 82, 100, quota.LimitInstance, true)},
			states: []quota.AlertState{before(withReason(queuesWarned, throttled.Reason))}, want: []plan{{Put: []quota.AlertState{forgotten(queuesWarned)}}}},
		{name: "measured again and high with only an unknown told: new", results: []quota.Result{res(codeQue, "Queues per instance", 82, 100, quota.LimitInstance, true)},
			states: []quota.AlertState{before(told(throttled.Reason))},
			want:   []plan{{Kind: KindAlert, Put: []quota.AlertState{state(codeQue, SeverityWarning, t0, t0, 82)}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []plan
			for _, d := range Plan(at(t0), report(instance(instA, "acme-prod", tc.results...)), tc.states) {
				p := plan{Kind: d.Message.Kind, Put: d.Put}
				for _, it := range d.Message.Unknown {
					p.Unknown = append(p.Unknown, it.Result.Reason)
				}
				got = append(got, p)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunTellsAnUnknownOnce runs the notifier three times with memory: the
// unknown rides with the first alert, is left out of the next one, and a
// quota unknown by design is never in any.
func TestRunTellsAnUnknownOnce(t *testing.T) {
	var out bytes.Buffer
	now := t0
	n := &Notifier{Store: NewMemory(), Channels: []Channel{NewWriter(&out)}, Config: DefaultConfig()}
	n.Config.Now = func() time.Time { return now }
	throttled := unknown(codeQue, "Queues per instance", "usage: throttled: connect:ListQueues (ThrottlingException, after retries)")
	email := unknown("", "Additional email addresses per queue", "usage: not measured, to save calls: no limit: no Service Quotas code, and AWS documents no default")
	email.Key, email.UnknownCause = "connect.queue_email_addresses", quota.UnknownByDesign

	runs := []struct {
		results []quota.Result
		want    []string // lines the message must hold
		wantNot []string
	}{
		{[]quota.Result{throttled, email}, nil, nil}, // no news: no message
		{[]quota.Result{flows(81), throttled, email}, []string{"UNKNOWN", "• Queues per instance: usage: throttled"}, []string{"Additional email"}},
		{[]quota.Result{flows(81), lambdas(45), throttled, email}, []string{"Lambda functions"}, []string{"UNKNOWN", "Queues per instance", "Additional email"}},
	}
	for i, r := range runs {
		out.Reset()
		now = now.Add(time.Hour)
		if _, err := n.Run(context.Background(), report(instance(instA, "acme-prod", r.results...))); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		if r.want == nil && text != "" {
			t.Errorf("run %d: sent %q, want nothing", i+1, text)
		}
		for _, w := range r.want {
			if !strings.Contains(text, w) {
				t.Errorf("run %d: message lacks %q:\n%s", i+1, w, text)
			}
		}
		for _, w := range r.wantNot {
			if strings.Contains(text, w) {
				t.Errorf("run %d: message holds %q:\n%s", i+1, w, text)
			}
		}
	}
}
