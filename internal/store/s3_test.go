package store

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/quota"
)

// newBucket creates a bucket in moto and opens a store on it under the
// prefix "cqmon/".
func newBucket(t *testing.T, opts Options) (*S3, *s3.Client) {
	t.Helper()
	clients := mototest.Clients(t)
	client := clients.S3()
	name := unique("cqmon-history")
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	st, err := Open(context.Background(), "s3://"+name+"/cqmon", clients, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st.(*S3), client
}

func listKeys(t *testing.T, client *s3.Client, bucket string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

func TestS3(t *testing.T) {
	st, client := newBucket(t, Options{})
	exerciseStore(t, st, func() int { return len(listKeys(t, client, st.bucket)) })
}

// TestS3Layout pins the keys of two runs and the content of one
// instance's object.
func TestS3Layout(t *testing.T) {
	st, client := newBucket(t, Options{})
	ctx := context.Background()
	for i := range 2 {
		if err := st.WriteRun(ctx, fixture(i)); err != nil {
			t.Fatal(err)
		}
	}
	keys := listKeys(t, client, st.bucket)
	golden.Check(t, "s3-keys.txt", []byte(strings.Join(keys, "\n")+"\n"))

	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(st.bucket),
		Key: aws.String("cqmon/connect-metrics/2025/03/01/instance-metrics-" + instA + "-20250301T100000Z.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	body, _ := io.ReadAll(out.Body)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "s3-instance-metrics.json", append(pretty.Bytes(), '\n'))

	latest, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(st.bucket), Key: aws.String("cqmon/connect-reports/latest.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer latest.Body.Close()
	var rep quota.Report
	if err := json.NewDecoder(latest.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	if rep.RunID != fixture(1).RunID {
		t.Errorf("latest.json holds run %s, want %s", rep.RunID, fixture(1).RunID)
	}
}

func TestS3KMS(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
	st, client := newBucket(t, Options{KMSKeyID: key})
	ctx := context.Background()
	if err := st.WriteRun(ctx, fixture(0)); err != nil {
		t.Fatal(err)
	}
	for _, k := range listKeys(t, client, st.bucket) {
		head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(st.bucket), Key: aws.String(k)})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{string(head.ServerSideEncryption), aws.ToString(head.SSEKMSKeyId)}
		if diff := cmp.Diff([]string{string(types.ServerSideEncryptionAwsKms), key}, got); diff != "" {
			t.Errorf("%s encryption (-want +got):\n%s", k, diff)
		}
	}
}

func TestParseRunKey(t *testing.T) {
	tests := []struct {
		key      string
		instance string
		ok       bool
		legacy   bool
	}{
		{"p/connect-metrics/2025/03/01/instance-metrics-" + instA + "-20250301T100000Z.json", instA, true, false},
		{"connect-metrics/2025/03/01/account-metrics-20250301T100000Z.json", AccountInstanceID, true, false},
		// A part of a larger run: an account, an organization item.
		{"connect-metrics/2025/03/01/account-metrics-222222222222-20250301T100000Z.json", AccountInstanceID, true, false},
		{"connect-metrics/2025/03/01/account-metrics-222222222222-eu-west-2-20250301T100000Z.json", AccountInstanceID, true, false},
		{"connect-metrics/2025/03/01/account-metrics-x-20250301T100000Z.json", "", true, true},
		// The Python Lambda's names: read, since only the content names
		// the instance.
		{"connect-metrics/2025/03/01/instance-metrics-20250301T100000Z.json", "", true, true},
		{"connect-metrics/2025/03/01/instance-metrics-x-20250301_100000.json", "", true, true},
		{"connect-metrics/2025/13/01/instance-metrics-20250301_100000.json", "", false, false},
		{"connect-metrics/2025/03/01/notes.txt", "", false, false},
		{"connect-metrics/2025/03/01/summary.json", "", false, false},
	}
	for _, tc := range tests {
		o, ok := parseRunKey(tc.key)
		if ok != tc.ok || o.instance != tc.instance || o.legacy != tc.legacy {
			t.Errorf("parseRunKey(%q) = %q, %v, legacy %v; want %q, %v, legacy %v", tc.key, o.instance, ok, o.legacy, tc.instance, tc.ok, tc.legacy)
		}
	}
}

// The dashboard lands beside latest.json as HTML, encrypted like the rest.
func TestS3Dashboard(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
	st, client := newBucket(t, Options{KMSKeyID: key})
	ctx := context.Background()
	uri, err := st.WriteDashboard(ctx, &quota.Report{}, []byte("<!DOCTYPE html><title>x</title>"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "s3://" + st.bucket + "/cqmon/connect-reports/dashboard.html"; uri != want {
		t.Errorf("WriteDashboard() wrote %s, want %s", uri, want)
	}
	// An organization item's page goes beside its own latest report.
	item := &quota.Report{Part: &quota.Part{AccountID: "222222222222", Region: "eu-west-2"}}
	if uri, err := st.WriteDashboard(ctx, item, []byte("<!DOCTYPE html>")); err != nil || uri != "s3://"+st.bucket+"/cqmon/connect-reports/222222222222/eu-west-2/dashboard.html" {
		t.Errorf("WriteDashboard(item) = %s, %v", uri, err)
	}
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(st.bucket), Key: aws.String("cqmon/connect-reports/dashboard.html")})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{aws.ToString(head.ContentType), string(head.ServerSideEncryption), aws.ToString(head.SSEKMSKeyId)}
	want := []string{"text/html; charset=utf-8", string(types.ServerSideEncryptionAwsKms), key}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("content type and encryption (-want +got):\n%s", diff)
	}
}
