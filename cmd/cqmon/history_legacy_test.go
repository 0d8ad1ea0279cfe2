package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/store"
)

const legacyInstance = "aaaaaaaa-1111-4111-8111-111111111111"

// legacyItems are three items as the Python Lambda wrote them, a day apart.
func legacyItems() []map[string]string {
	var out []map[string]string
	for d := range 3 {
		at := time.Date(2025, 3, 1+d, 10, 0, 0, 0, time.UTC)
		out = append(out, map[string]string{
			"id":        fmt.Sprintf("instance_aaaaaaaa_%d", at.Unix()),
			"timestamp": at.Format("2006-01-02T15:04:05.000000"),
			"users":     fmt.Sprint(2000 + 12*d),
		})
	}
	return out
}

func legacyDocument(it map[string]string) map[string]any {
	return map[string]any{
		"id": it["id"], "timestamp": it["timestamp"], "instance_id": legacyInstance, "instance_alias": "prod",
		"metrics_count": 2, "violations_count": 0,
		"metrics": []any{
			map[string]any{"quota_name": "Users per instance", "quota_code": "L-9A46857E", "current_usage": it["users"],
				"quota_limit": "3000", "utilization_percentage": "66.7", "status": "OK"},
			map[string]any{"quota_name": "Queues per instance", "quota_code": "QUEUES", "current_usage": "N/A",
				"quota_limit": "50", "utilization_percentage": "0", "status": "UNKNOWN"},
		},
		"summary": map[string]any{"max_utilization": "66.7", "avg_utilization": "33.3"},
	}
}

// TestHistoryShowsThePythonLambdasRecords: cqmon history reads what the
// Python Lambda wrote, in DynamoDB and in S3, through the real binary.
func TestHistoryShowsThePythonLambdasRecords(t *testing.T) {
	url, cfg := mototest.URL(t), mototest.Config(t)
	ctx := context.Background()
	name := fmt.Sprintf("cqmon-legacy-%d", time.Now().UnixNano())

	c := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(url) })
	if _, err := c.CreateTable(ctx, store.TableDefinition(name)); err != nil {
		t.Fatal(err)
	}
	b := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(url), true })
	if _, err := b.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	for _, it := range legacyItems() {
		doc := legacyDocument(it)
		body, _ := json.Marshal(doc)
		at, _ := time.Parse("2006-01-02T15:04:05.000000", it["timestamp"])
		key := "connect-metrics/" + at.Format("2006/01/02") + "/instance-metrics-" + at.Format("20060102_150405") + ".json"
		if _, err := b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(name), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name), Item: mototest.Item(doc)}); err != nil {
			t.Fatal(err)
		}
	}

	env := []string{"AWS_ENDPOINT_URL=" + url, "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=" + mototest.Region}
	since := fmt.Sprintf("%dd", maxDays)
	for _, spec := range []string{"dynamodb:" + name, "s3://" + name + "/"} {
		for _, tc := range []struct{ golden, quota string }{
			{"history-legacy-users.golden", "Users per instance"},
			{"history-legacy-users.golden", "L-9A46857E"},
			{"history-legacy-queues.golden", "queues per instance"},
		} {
			stdout, stderr, code := cqmon(t, env, "history", "--store", spec, "--instance", legacyInstance, "--since", since, "--quota", tc.quota, "--output", "csv")
			if code != 0 {
				t.Fatalf("history --store %s --quota %q: exit %d\n%s", spec, tc.quota, code, stderr)
			}
			golden.Check(t, tc.golden, []byte(stdout))
		}
		stdout, stderr, code := cqmon(t, env, "history", "--store", spec, "--instance", legacyInstance, "--since", since)
		if code != 0 {
			t.Fatalf("history --store %s: exit %d\n%s", spec, code, stderr)
		}
		golden.Check(t, "history-legacy-runs.golden", []byte(stdout))
	}
}
