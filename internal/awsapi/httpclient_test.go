package awsapi

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cqmon/cqmon/internal/awserr"
)

// silentServer accepts connections and never answers on them.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// TestSilentEndpointTimesOut points the scan's clients, and a store's, at a server that never answers: each
// call ends with a timeout instead of waiting forever.
func TestSilentEndpointTimesOut(t *testing.T) {
	url := silentServer(t)
	creds := credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")
	f, err := NewFactory(context.Background(), Options{
		Region: "us-east-1", Endpoint: url, StoreEndpoint: url, StaticCredentials: &creds,
		MaxAttempts: 2, MaxBackoff: time.Millisecond,
		Timeouts: Timeouts{ResponseHeader: 50 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.For("us-east-1").STS.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	checkTimeout(t, "sts", err)

	_, err = f.DynamoDB().ListTables(context.Background(), &dynamodb.ListTablesInput{})
	checkTimeout(t, "dynamodb", err)
}

func checkTimeout(t *testing.T, name string, err error) {
	t.Helper()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%s: error = %v, want a network timeout", name, err)
	}
	if k := awserr.Classify(err); k != awserr.KindTransient {
		t.Errorf("%s: kind = %q, want %q", name, k, awserr.KindTransient)
	}
}
