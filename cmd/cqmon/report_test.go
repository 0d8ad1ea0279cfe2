package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/mototest"
)

// A CLI run with an S3 store writes the dashboard beside latest.json, as
// HTML encrypted with the store's key, and `cqmon report` renders it again
// from that store.
func TestS3RunWritesDashboard(t *testing.T) {
	t.Parallel()
	url, cfg := mototest.URL(t), mototest.Config(t)
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(url), true })
	bucket := fmt.Sprintf("cqmon-cli-%d", time.Now().UnixNano())
	ctx := context.Background()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	const kmsKey = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
	env := []string{"AWS_ENDPOINT_URL_S3=" + url}
	spec := "s3://" + bucket + "/acme/"
	_, stderr, code := cqmon(t, env, "demo", "--store", spec, "--kms-key", kmsKey, "--output", "json")
	if code != 0 {
		t.Fatalf("demo --store %s: exit %d\n%s", spec, code, stderr)
	}
	const key = "acme/connect-reports/dashboard.html"
	if !strings.Contains(stderr, "dashboard written to s3://"+bucket+"/"+key) {
		t.Errorf("no progress line names the dashboard:\n%s", stderr)
	}
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("the dashboard is not beside latest.json: %v", err)
	}
	got := []string{aws.ToString(head.ContentType), string(head.ServerSideEncryption), aws.ToString(head.SSEKMSKeyId)}
	want := []string{"text/html; charset=utf-8", string(s3types.ServerSideEncryptionAwsKms), kmsKey}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dashboard object (-want +got):\n%s", diff)
	}

	env = append(env, "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION="+mototest.Region)
	page, stderr, code := cqmon(t, env, "report", "--html", "-", "--store", spec)
	if code != 0 {
		t.Fatalf("report --store %s: exit %d\n%s", spec, code, stderr)
	}
	for _, want := range []string{"<!DOCTYPE html>", "acme-prod", "acme-sandbox", "Contact flows per instance"} {
		if !strings.Contains(page, want) {
			t.Errorf("report --html - lacks %q", want)
		}
	}
}

func TestReportBadUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"report"}, 2, "html: name the file to write (cqmon report --html FILE)"},
		{[]string{"report", "--html", "x.html", "--store", "dynamo:x"}, 2, `store: "dynamo:x" is not one of`},
		{[]string{"report", "--html", "x.html", "--store", "local:" + dir + "/none.db"}, 1, "no history yet"},
		{[]string{"report", "--html", "x.html", "--since", "0d"}, 2, `"0d" is not a number of days`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, stderr, code := cqmon(t, nil, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
		})
	}
}
