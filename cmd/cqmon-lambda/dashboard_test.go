package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

// Each invocation with an S3 store rewrites connect-reports/dashboard.html
// beside latest.json, as HTML encrypted with the stack's key; the second
// one draws trend lines from the first.
func TestInvocationWritesDashboard(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cfg := demoConfig()
	cfg.UseS3, cfg.Bucket = true, w.bucket(t)
	cfg.KMSKeyID = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
	var logs bytes.Buffer
	h := w.handler(t, cfg, &logs)
	const key = "connect-reports/dashboard.html"
	ctx := context.Background()

	for i := range 2 {
		sum, err := invoke(t, h, scheduledEvent)
		if err != nil {
			t.Fatalf("invocation %d: %v", i, err)
		}
		if diff := cmp.Diff([]string{"s3://" + cfg.Bucket + "/" + key}, sum.Dashboards); diff != "" {
			t.Errorf("invocation %d: dashboards (-want +got):\n%s", i, diff)
		}
	}
	if keys := w.objects(t, cfg.Bucket); !contains(keys, key) || !contains(keys, "connect-reports/latest.json") {
		t.Fatalf("S3 objects = %v, want the dashboard beside latest.json", keys)
	}
	out, err := w.s3().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(cfg.Bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	got := []string{aws.ToString(out.ContentType), string(out.ServerSideEncryption), aws.ToString(out.SSEKMSKeyId)}
	want := []string{"text/html; charset=utf-8", string(s3types.ServerSideEncryptionAwsKms), cfg.KMSKeyID}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dashboard object (-want +got):\n%s", diff)
	}
	body, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	page := string(body)
	for _, want := range []string{"<!DOCTYPE html>", "acme-prod", "acme-eu", "Contact flows per instance", "over the last 2 runs", "<polyline"} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	if !strings.Contains(logs.String(), `"dashboards":["s3://`+cfg.Bucket+"/"+key+`"]`) {
		t.Errorf("the run's log line does not name the dashboard:\n%s", logs.String())
	}
}
