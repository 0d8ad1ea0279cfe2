package awsapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestStoreClientsThroughStandardEndpointVariable builds the stores'
// clients with no endpoint option: they take the server's address from
// AWS_ENDPOINT_URL, S3 then addresses the bucket by path, and each is
// built once.
func TestStoreClientsThroughStandardEndpointVariable(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Amz-Target"))
		mu.Unlock()
		if strings.HasPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB") {
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.Write([]byte(`{"TableNames":[]}`))
		}
	}))
	t.Cleanup(srv.Close)
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": "testing",
		"AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"} {
		t.Setenv(k, v)
	}
	ctx := context.Background()
	f, err := NewFactory(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.S3() != f.S3() || f.DynamoDB() != f.DynamoDB() {
		t.Error("the stores' clients were built twice")
	}
	if _, err := f.S3().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("cqmon-history"), Key: aws.String("k"),
		Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.DynamoDB().ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"PUT /cqmon-history/k ", "POST / DynamoDB_20120810.ListTables"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests = %q, want %q", got, want)
	}
}
