package main

import (
	"bytes"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/store"
)

// countingClients counts how often the stores' clients are asked for:
// once per store opened.
type countingClients struct {
	store.Clients
	dynamodb, s3 atomic.Int32
}

func (c *countingClients) DynamoDB() *dynamodb.Client {
	c.dynamodb.Add(1)
	return c.Clients.DynamoDB()
}

func (c *countingClients) S3() *s3.Client {
	c.s3.Add(1)
	return c.Clients.S3()
}

// A warm execution environment reuses what its cold start opened: two
// invocations and the organization summary write the same stores, whose
// clients were asked for once, when the handler was built.
func TestWarmInvocationsReuseTheStores(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cfg := demoConfig()
	cfg.UseDynamoDB, cfg.Table = true, w.table(t)
	cfg.UseS3, cfg.Bucket = true, w.bucket(t)
	clients := &countingClients{Clients: mototest.Clients(t)}
	var logs bytes.Buffer
	h := w.handler(t, cfg, &logs, func(s *setup) { s.StoreClients = clients })

	want := "dynamodb:" + cfg.Table + " s3://" + cfg.Bucket + "/"
	for i, event := range []string{scheduledEvent, "{}"} {
		sum, err := invoke(t, h, event)
		if err != nil {
			t.Fatalf("invocation %d: %v", i+1, err)
		}
		if got := strings.Join(sum.SinksWritten, " "); got != want {
			t.Errorf("invocation %d wrote %s, want %s", i+1, got, want)
		}
	}
	if _, err := h.Invoke(t.Context(), []byte(`{"step":"summary","execution":"e-1","results":[]}`)); err != nil {
		t.Fatalf("summary: %v", err)
	}
	if !contains(w.objects(t, cfg.Bucket), "connect-reports/org-latest.json") {
		t.Errorf("the summary step wrote no org-latest.json")
	}
	if d, s := clients.dynamodb.Load(), clients.s3.Load(); d != 1 || s != 1 {
		t.Errorf("the stores' clients were asked for %d (DynamoDB) and %d (S3) times, want once each, at cold start", d, s)
	}
}
