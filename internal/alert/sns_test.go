package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/quota"
)

// topic is an SNS topic on moto with an SQS queue subscribed to it
// (RawMessageDelivery false, so each SQS message is the SNS envelope).
type topic struct {
	arn   string
	sns   *sns.Client
	sqs   *sqs.Client
	queue string
}

func newTopic(t *testing.T) *topic {
	t.Helper()
	url, cfg, ctx := mototest.URL(t), mototest.Config(t), context.Background()
	tp := &topic{
		sns: sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(url) }),
		sqs: sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(url) }),
	}
	name := fmt.Sprintf("cqmon-alert-%d", time.Now().UnixNano())
	ct, err := tp.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("create topic: %v", err)
	}
	tp.arn = *ct.TopicArn
	cq, err := tp.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatalf("create queue: %v", err)
	}
	tp.queue = *cq.QueueUrl
	qa, err := tp.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: cq.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatalf("queue attributes: %v", err)
	}
	_, err = tp.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: ct.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(qa.Attributes["QueueArn"]), Attributes: map[string]string{"RawMessageDelivery": "false"}})
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	return tp
}

// envelope is what an SQS subscriber receives from SNS.
type envelope struct {
	Type              string
	Subject           string
	Message           string
	MessageAttributes map[string]struct{ Type, Value string }
}

// received is one published message as the SQS subscriber saw it.
type received struct {
	Subject string
	Attrs   map[string]string
	Doc     document
}

// drain reads and deletes every message waiting in the queue.
func (tp *topic) drain(t *testing.T) []received {
	t.Helper()
	ctx := context.Background()
	var out []received
	for {
		rm, err := tp.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(tp.queue), MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatalf("receive: %v", err)
		}
		if len(rm.Messages) == 0 {
			break
		}
		for _, m := range rm.Messages {
			var env envelope
			if err := json.Unmarshal([]byte(*m.Body), &env); err != nil {
				t.Fatalf("SQS body is not an SNS envelope: %v\n%s", err, *m.Body)
			}
			r := received{Subject: env.Subject, Attrs: map[string]string{}}
			for k, v := range env.MessageAttributes {
				r.Attrs[k] = v.Value
			}
			if err := json.Unmarshal([]byte(env.Message), &r.Doc); err != nil {
				t.Fatalf("the sqs variant is not the JSON document: %v\n%s", err, env.Message)
			}
			out = append(out, r)
			if _, err := tp.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(tp.queue), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatalf("delete: %v", err)
			}
		}
	}
	slices.SortFunc(out, func(a, b received) int { return strings.Compare(a.Subject, b.Subject) })
	return out
}

// marks lists "quota code=mark" for every item of a received message.
func marks(r received) []string {
	var out []string
	for _, l := range [][]Item{r.Doc.Violations, r.Doc.Recovered} {
		for _, it := range l {
			out = append(out, it.Result.QuotaID()+"="+string(it.Mark))
		}
	}
	slices.Sort(out)
	return out
}

func summarize(rs []received) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s | kind=%s instance_id=%s severity=%s | %s",
			r.Subject, r.Attrs["kind"], r.Attrs["instance_id"], r.Attrs["severity"], strings.Join(marks(r), " ")))
	}
	return out
}

func TestSNSRuns(t *testing.T) {
	tp := newTopic(t)
	now := t0
	store := NewMemory()
	n := &Notifier{Store: store, Channels: []Channel{NewSNS(tp.sns, tp.arn)}, Config: DefaultConfig(), Sleep: (&sleeps{}).sleep}
	n.Config.Now = func() time.Time { return now }
	ctx := context.Background()
	run := func(rep *quota.Report) []string {
		t.Helper()
		if _, err := n.Run(ctx, rep); err != nil {
			t.Fatalf("Run() = %v", err)
		}
		return summarize(tp.drain(t))
	}
	steps := []struct {
		name  string
		after time.Duration
		rep   *quota.Report
		want  []string
	}{
		{"first run: one message per violating instance", 0,
			report(instance(instA, "acme-prod", flows(90), lambdas(41)), instance(instB, "acme-dev", flows(85)),
				instance("c", "acme-ok", flows(5))),
			[]string{
				"Connect Quota Alert - Instance: acme-dev (1 violation) | kind=alert instance_id=" + instB + " severity=high | L-22922690=new",
				"Connect Quota Alert - Instance: acme-prod (2 violations) | kind=alert instance_id=" + instA + " severity=critical | L-22922690=new L-6E6F5A1B=new",
			}},
		{"identical second run sends nothing", time.Hour,
			report(instance(instA, "acme-prod", flows(90), lambdas(41)), instance(instB, "acme-dev", flows(85))), nil},
		{"after the reminder window", 24 * time.Hour,
			report(instance(instA, "acme-prod", flows(90), lambdas(41)), instance(instB, "acme-dev", flows(85))),
			[]string{
				"Connect Quota Reminder - Instance: acme-dev (1 violation) | kind=reminder instance_id=" + instB + " severity=high | L-22922690=reminder",
				"Connect Quota Reminder - Instance: acme-prod (2 violations) | kind=reminder instance_id=" + instA + " severity=critical | L-22922690=reminder L-6E6F5A1B=reminder",
			}},
		{"usage dropped: one recovery", time.Hour,
			report(instance(instA, "acme-prod", flows(50), lambdas(41)), instance(instB, "acme-dev", flows(85))),
			[]string{
				"Connect Quota Recovered - Instance: acme-prod (1 recovered) | kind=recovery instance_id=" + instA + " severity=warning | L-22922690=recovered L-6E6F5A1B=ongoing",
			}},
		{"a new quota crosses: only it is new", time.Hour,
			report(instance(instA, "acme-prod", flows(50), lambdas(41)), instance(instB, "acme-dev", flows(85), users(80))),
			[]string{
				"Connect Quota Alert - Instance: acme-dev (2 violations) | kind=alert instance_id=" + instB + " severity=high | L-22922690=ongoing L-9A46857E=new",
			}},
	}
	for _, s := range steps {
		now = now.Add(s.after)
		if diff := cmp.Diff(s.want, run(s.rep)); diff != "" {
			t.Errorf("%s: received mismatch (-want +got):\n%s", s.name, diff)
		}
	}
}

func TestSNSMissingTopicLeavesStateAlone(t *testing.T) {
	tp := newTopic(t)
	missing := strings.TrimSuffix(tp.arn, tp.arn[strings.LastIndex(tp.arn, ":")+1:]) + "no-such-topic"
	store, sl := NewMemory(), &sleeps{}
	n := &Notifier{Store: store, Channels: []Channel{NewSNS(tp.sns, missing)}, Config: at(t0), Sleep: sl.sleep}
	rep := report(instance(instA, "acme-prod", flows(90)))

	got, err := n.Run(context.Background(), rep)
	if err == nil || !strings.Contains(err.Error(), "sns:"+missing) {
		t.Fatalf("Run() error = %v, want one naming the topic", err)
	}
	if len(got.Failures) != 1 || len(got.Sent) != 0 {
		t.Errorf("Run() = %+v", got)
	}
	if len(sl.d) != 0 {
		t.Errorf("a missing topic was retried %d times", len(sl.d))
	}
	if s := store.All(); len(s) != 0 {
		t.Errorf("state advanced for an undelivered alert: %+v", s)
	}

	n.Channels = []Channel{NewSNS(tp.sns, tp.arn)}
	if got, err := n.Run(context.Background(), rep); err != nil || got.Sent[KindAlert] != 1 {
		t.Fatalf("Run() to the real topic = %+v, %v", got, err)
	}
	if r := tp.drain(t); len(r) != 1 || marks(r[0])[0] != codeFlow+"=new" {
		t.Errorf("received %+v, want the alert again as new", summarize(r))
	}
}

func TestSNSTrimsAHugeMessage(t *testing.T) {
	tp := newTopic(t)
	var rs []quota.Result
	for i := range 2500 {
		rs = append(rs, res(fmt.Sprintf("L-%08X", i), strings.Repeat("A quota with a long name ", 5)+fmt.Sprint(i), 95, 100, quota.LimitInstance, true))
	}
	n := &Notifier{Channels: []Channel{NewSNS(tp.sns, tp.arn)}, Config: at(t0)}
	if _, err := n.Run(context.Background(), report(instance(instA, "acme-prod", rs...))); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	r := tp.drain(t)
	if len(r) != 1 {
		t.Fatalf("received %d messages, want 1", len(r))
	}
	if got := len(r[0].Doc.Violations) + r[0].Doc.Omitted.Violations; got != 2500 || r[0].Doc.Omitted.Violations == 0 {
		t.Errorf("listed %d + omitted %d, want some omitted out of 2500", len(r[0].Doc.Violations), r[0].Doc.Omitted.Violations)
	}
}
