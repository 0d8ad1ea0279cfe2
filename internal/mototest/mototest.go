// Package mototest gives tests a moto server (an AWS-compatible server for
// SNS, SQS, DynamoDB, S3, STS, KMS, CloudFormation, Lambda, EventBridge and
// CloudWatch Logs). It uses the server named by CQMON_MOTO_URL (.ci/run
// starts one), or starts moto_server on a free loopback port for the
// package's tests. A test that needs moto fails, never skips, when no
// server can be had, so a missing install step cannot hide behind a green
// run; set CQMON_SKIP_MOTO=1 to skip such tests on purpose.
package mototest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Region is the Region tests use with moto.
const Region = "us-east-1"

var (
	once    sync.Once
	baseURL string
	cmd     *exec.Cmd
	errOnce error
)

// URL returns the base URL of a running moto server, starting one if
// needed. The server started here lives until Stop (call it from TestMain).
func URL(t testing.TB) string {
	t.Helper()
	if os.Getenv("CQMON_SKIP_MOTO") == "1" {
		t.Skip("CQMON_SKIP_MOTO=1: tests against moto skipped")
	}
	once.Do(func() {
		if u := os.Getenv("CQMON_MOTO_URL"); u != "" {
			baseURL, errOnce = u, waitReady(u, 10*time.Second)
			return
		}
		baseURL, errOnce = start()
	})
	if errOnce != nil {
		t.Fatalf("moto server: %v (install moto with its server extra, or set CQMON_MOTO_URL)", errOnce)
	}
	return baseURL
}

func start() (string, error) {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return "", fmt.Errorf("moto_server not found on PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd = exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start moto_server: %w", err)
	}
	u := fmt.Sprintf("http://127.0.0.1:%d", port)
	return u, waitReady(u, 30*time.Second)
}

func waitReady(u string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(u + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not answering at %s after %s: %w", u, within, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop ends a moto server this package started.
func Stop() {
	if cmd != nil && cmd.Process != nil {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
	}
}

// Config returns an AWS configuration for moto: static credentials and
// Region. Point each client at moto with its BaseEndpoint option.
func Config(t testing.TB) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("testing", "testing", "")),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// StoreClients are the DynamoDB and S3 clients of the stores, pointed at
// moto; they satisfy store.Clients.
type StoreClients struct {
	dynamodb *dynamodb.Client
	s3       *s3.Client
}

// Clients returns the stores' clients pointed at moto (S3 addressing
// buckets by path, as moto needs).
func Clients(t testing.TB) StoreClients {
	t.Helper()
	url, cfg := URL(t), Config(t)
	return StoreClients{
		dynamodb: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(url) }),
		s3:       s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(url), true }),
	}
}

// DynamoDB returns the DynamoDB client.
func (c StoreClients) DynamoDB() *dynamodb.Client { return c.dynamodb }

// S3 returns the S3 client.
func (c StoreClients) S3() *s3.Client { return c.s3 }

// Main runs a package's tests and then stops the moto server this package
// started, if any. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}
