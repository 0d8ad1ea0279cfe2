package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/lambdaconfig"
	"github.com/cqmon/cqmon/internal/monitor"
	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/sim"
	"github.com/cqmon/cqmon/internal/sim/simtest"
)

// scheduledEvent is what an EventBridge schedule rule sends.
const scheduledEvent = `{"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event",
"source":"aws.events","account":"123456789012","time":"2026-11-27T12:00:00Z","region":"us-east-1",
"resources":["arn:aws:events:us-east-1:123456789012:rule/cqmon-schedule"],"detail":{}}`

var creds = credentials.NewStaticCredentialsProvider("testing", "testing", "")

// offlineSetup points every client at a closed port: nothing answers.
func offlineSetup() setup {
	return setup{AWS: awsapi.Options{Region: "us-east-1", Endpoint: "http://127.0.0.1:1", StaticCredentials: &creds, MaxAttempts: 1}}
}

// world is the simulator (Connect, Service Quotas, CloudWatch, STS) and
// moto (DynamoDB, S3, SNS, SQS) behind one endpoint that routes each call
// by the service of its SigV4 credential scope, as AWS's own endpoints
// would.
type world struct {
	endpoint string
	moto     aws.Config
	motoURL  string
}

var seq atomic.Int64

func newWorld(t *testing.T) *world {
	t.Helper()
	motoURL := mototest.URL(t)
	simURL := simtest.Serve(t, sim.New(sim.DemoScenario(), sim.WithoutLatency()))
	toSim, toMoto := proxyTo(t, simURL), proxyTo(t, motoURL)
	router := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch scopeService(r.Header.Get("Authorization")) {
		case "dynamodb", "s3", "sns", "sqs", "organizations":
			toMoto.ServeHTTP(w, r)
		default:
			toSim.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(router.Close)
	return &world{endpoint: router.URL, moto: mototest.Config(t), motoURL: motoURL}
}

func proxyTo(t *testing.T, raw string) *httputil.ReverseProxy {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return httputil.NewSingleHostReverseProxy(u)
}

var scopePattern = regexp.MustCompile(`Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request`)

func scopeService(auth string) string {
	if m := scopePattern.FindStringSubmatch(auth); m != nil {
		return m[1]
	}
	return ""
}

// handler builds the function's handler for cfg against the world, with
// the simulator's rates lifted so a test runs in seconds.
func (w *world) handler(t *testing.T, cfg lambdaconfig.Config, logs *bytes.Buffer, change ...func(*setup)) *Handler {
	t.Helper()
	s := setup{
		AWS: awsapi.Options{Region: "us-east-1", Endpoint: w.endpoint, StoreEndpoint: w.endpoint, StaticCredentials: &creds,
			Rates: func(string, string) float64 { return 1000 }, MaxBackoff: 10 * time.Millisecond},
		// The metric records go where Lambda's stdout goes: the same log.
		Out: logs,
	}
	for _, c := range change {
		c(&s)
	}
	h, err := newHandler(context.Background(), cfg, s, newLogger(logs, cfg.LogLevel))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (w *world) name(t *testing.T, kind string) string {
	return fmt.Sprintf("cqmon-%s-%d-%d", kind, time.Now().UnixNano()%1e6, seq.Add(1))
}

// table creates the history table as docs/history.md defines it.
func (w *world) table(t *testing.T) string {
	t.Helper()
	name := w.name(t, "table")
	c := dynamodb.NewFromConfig(w.moto, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(w.motoURL) })
	s := func(n string) ddbtypes.AttributeDefinition {
		return ddbtypes.AttributeDefinition{AttributeName: aws.String(n), AttributeType: ddbtypes.ScalarAttributeTypeS}
	}
	key := func(hash, rng string) []ddbtypes.KeySchemaElement {
		return []ddbtypes.KeySchemaElement{{AttributeName: aws.String(hash), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String(rng), KeyType: ddbtypes.KeyTypeRange}}
	}
	all := &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll}
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: aws.String(name), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{s("id"), s("instance_id"), s("timestamp"), s("gsi_pk"), s("gsi_sk")},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{
			{IndexName: aws.String("by_instance"), KeySchema: key("instance_id", "timestamp"), Projection: all},
			{IndexName: aws.String("by_key"), KeySchema: key("gsi_pk", "gsi_sk"), Projection: all},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func (w *world) s3() *s3.Client {
	return s3.NewFromConfig(w.moto, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(w.motoURL), true })
}

func (w *world) bucket(t *testing.T) string {
	t.Helper()
	name := w.name(t, "bucket")
	if _, err := w.s3().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	return name
}

// objects lists the keys of a bucket.
func (w *world) objects(t *testing.T, bucket string) []string {
	t.Helper()
	out, err := w.s3().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

// topic creates a topic with an SQS queue subscribed to it, and returns
// the topic's ARN and a function that counts the messages delivered since
// its last call.
func (w *world) topic(t *testing.T) (string, func() int) {
	t.Helper()
	ctx := context.Background()
	sn := sns.NewFromConfig(w.moto, func(o *sns.Options) { o.BaseEndpoint = aws.String(w.motoURL) })
	sq := sqs.NewFromConfig(w.moto, func(o *sqs.Options) { o.BaseEndpoint = aws.String(w.motoURL) })
	topic, err := sn.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(w.name(t, "alerts"))})
	if err != nil {
		t.Fatal(err)
	}
	q, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(w.name(t, "inbox"))})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:sqs:" + mototest.Region + ":123456789012:" + (*q.QueueUrl)[strings.LastIndex(*q.QueueUrl, "/")+1:]
	if _, err := sn.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	received := func() int {
		n := 0
		for {
			out, err := sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Messages) == 0 {
				return n
			}
			for _, m := range out.Messages {
				n++
				if _, err := sq.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return *topic.TopicArn, received
}

func invoke(t *testing.T, h *Handler, payload string) (monitor.Summary, error) {
	t.Helper()
	out, err := h.Invoke(context.Background(), []byte(payload))
	if err != nil {
		return monitor.Summary{}, err
	}
	var sum monitor.Summary
	if err := json.Unmarshal(out, &sum); err != nil {
		t.Fatalf("the answer is not a summary: %v\n%s", err, out)
	}
	return sum, nil
}

func sent(sum monitor.Summary) int {
	n := 0
	for _, v := range sum.AlertsSent {
		n += v
	}
	return n
}

func demoConfig() lambdaconfig.Config {
	cfg := lambdaconfig.Default()
	cfg.Regions = []string{"us-east-1", "eu-west-2"}
	cfg.LogLevel = -4 // debug: the progress lines are checked too
	return cfg
}

// One scheduled invocation writes both stores and publishes the alerts; a
// second (manual) invocation finds the same news remembered and publishes
// nothing.
func TestInvocationStoresAndAlertsOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cfg := demoConfig()
	cfg.UseDynamoDB, cfg.Table = true, w.table(t)
	cfg.UseS3, cfg.Bucket = true, w.bucket(t)
	topic, received := w.topic(t)
	cfg.TopicARN = topic
	var logs bytes.Buffer
	h := w.handler(t, cfg, &logs)

	sum, err := invoke(t, h, scheduledEvent)
	if err != nil {
		t.Fatalf("first invocation: %v", err)
	}
	wantSinks := []string{"dynamodb:" + cfg.Table, "s3://" + cfg.Bucket + "/"}
	if strings.Join(sum.SinksWritten, " ") != strings.Join(wantSinks, " ") {
		t.Errorf("sinks written = %v, want %v", sum.SinksWritten, wantSinks)
	}
	if sum.Instances == 0 || sum.Quotas == 0 || sum.Violations == 0 || sum.AlertsSent["alert"] == 0 {
		t.Errorf("first summary = %+v, want instances, quotas, violations and alerts", sum)
	}
	if got := received(); got != sent(sum) {
		t.Errorf("the topic delivered %d messages, the summary says %d were sent", got, sent(sum))
	}
	keys := w.objects(t, cfg.Bucket)
	if !contains(keys, "connect-reports/latest.json") || !hasPrefix(keys, "connect-metrics/") {
		t.Errorf("S3 objects = %v, want the run's records and latest report", keys)
	}
	c := dynamodb.NewFromConfig(w.moto, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(w.motoURL) })
	runs, err := c.Query(context.Background(), &dynamodb.QueryInput{
		TableName: aws.String(cfg.Table), IndexName: aws.String("by_key"),
		KeyConditionExpression:    aws.String("gsi_pk = :pk"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": &ddbtypes.AttributeValueMemberS{Value: "runs"}},
	})
	if err != nil || runs.Count < int32(sum.Instances) {
		t.Errorf("run items in the table = %v (%v), want at least %d", runs.Count, err, sum.Instances)
	}
	if !hasLine(logLines(t, bytes.NewReader(logs.Bytes())), "INFO", "run completed") {
		t.Errorf("no \"run completed\" line in:\n%s", logs.String())
	}

	sum2, err := invoke(t, h, "{}")
	if err != nil {
		t.Fatalf("second invocation: %v", err)
	}
	if n := sent(sum2); n != 0 {
		t.Errorf("second invocation sent %v, want nothing new", sum2.AlertsSent)
	}
	if got := received(); got != 0 {
		t.Errorf("the topic delivered %d messages after the second invocation, want 0", got)
	}
	if sum2.RunID == sum.RunID {
		t.Error("both invocations have the same run id")
	}
}

// A missing table fails the invocation, so retries, the dead-letter queue
// and the Errors alarm see it, while the other store still has the run.
func TestMissingTableFailsTheInvocation(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cfg := demoConfig()
	cfg.UseDynamoDB, cfg.Table = true, "cqmon-no-such-table"
	cfg.UseS3, cfg.Bucket = true, w.bucket(t)
	var logs bytes.Buffer
	h := w.handler(t, cfg, &logs)

	_, err := invoke(t, h, scheduledEvent)
	if err == nil || !strings.Contains(err.Error(), "dynamodb:cqmon-no-such-table") ||
		!strings.Contains(err.Error(), monitor.ErrDelivery.Error()) {
		t.Fatalf("invocation error = %v, want the delivery error naming the table", err)
	}
	keys := w.objects(t, cfg.Bucket)
	if !contains(keys, "connect-reports/latest.json") || !hasPrefix(keys, "connect-metrics/") {
		t.Errorf("S3 objects = %v, want the run's records despite the failing table", keys)
	}
	if !hasLine(logLines(t, &logs), "ERROR", "run failed") {
		t.Errorf("no \"run failed\" line in:\n%s", logs.String())
	}
}

// A run that could not scan any Region is an error.
func TestNoRegionScannedFailsTheInvocation(t *testing.T) {
	var logs bytes.Buffer
	cfg := lambdaconfig.Default()
	cfg.Regions = []string{"us-east-1"}
	s := offlineSetup()
	s.Out = &logs
	h, err := newHandler(context.Background(), cfg, s, newLogger(&logs, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := invoke(t, h, "{}"); err == nil {
		t.Fatal("an invocation that reached no Region succeeded")
	}
	// Its counts would all be 0: no metric says so.
	if lines := emfLines(logs.String()); len(lines) > 0 || !strings.Contains(logs.String(), "no metric records") {
		t.Errorf("a run that scanned no Region wrote metric records %q", lines)
	}
}

// The function's logs carry counts and ids, never the people in the
// account: no user names, email addresses or phone numbers, although the
// simulated account has them all.
func TestLogsCarryNoPersonalData(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cfg := demoConfig()
	cfg.UseS3, cfg.Bucket = true, w.bucket(t)
	cfg.TopicARN, _ = w.topic(t)
	var logs bytes.Buffer
	h := w.handler(t, cfg, &logs)
	if _, err := invoke(t, h, scheduledEvent); err != nil {
		t.Fatalf("invocation: %v", err)
	}
	out := logs.String()
	lines := logLines(t, strings.NewReader(out))
	if len(lines) < 5 || !hasLine(lines, "DEBUG", "progress") || !hasLine(lines, "INFO", "alert sent") {
		t.Fatalf("expected cold start, progress, alert and run lines, got:\n%s", out)
	}
	for name, pattern := range map[string]*regexp.Regexp{
		"user name":       regexp.MustCompile(`agent\d{5}`),
		"email address":   regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`),
		"phone number":    regexp.MustCompile(`\+\d{10,15}`),
		"per-user parent": regexp.MustCompile(`"parent"|user [0-9a-f]{8}-`),
	} {
		if m := pattern.FindString(out); m != "" {
			t.Errorf("the logs carry a %s: %q", name, m)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func hasPrefix(list []string, p string) bool {
	for _, v := range list {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}
