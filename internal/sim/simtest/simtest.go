// Package simtest starts the simulator for a test and builds the client
// factory that talks to it: the set-up every test of a scan shares. Only
// tests import it (a test of cmd/cqmon fails when a program's file does).
package simtest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/sim"
)

// Load reads a scenario file, failing the test when it is not valid.
func Load(t testing.TB, path string) *sim.Scenario {
	t.Helper()
	sc, err := sim.LoadScenarioFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// Start serves sc with a simulator built with opts and returns the
// simulator, for its call counts, and a factory of real SDK clients calling
// it with the Options of sc's first Region.
func Start(t testing.TB, sc *sim.Scenario, opts ...sim.Option) (*awsapi.Factory, *sim.Server) {
	t.Helper()
	region := "us-east-1"
	if len(sc.Regions) > 0 {
		region = sc.Regions[0]
	}
	srv := sim.New(sc, opts...)
	return Connect(t, srv, Options(region)), srv
}

// Options are the factory options of a test that is not about pacing:
// 1000 calls a second per operation, so the client's pacer hardly ever
// waits (AWS's rates are the pacing tests' business), and back-off capped
// at 10 ms, so a throttled call is retried at once.
func Options(region string) awsapi.Options {
	return awsapi.Options{
		Region:     region,
		Rates:      func(string, string) float64 { return 1000 },
		MaxBackoff: 10 * time.Millisecond,
	}
}

// Serve starts srv on a loopback port until the test ends and returns its
// URL.
func Serve(t testing.TB, srv *sim.Server) string {
	t.Helper()
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}

// Connect starts srv and returns a factory of clients calling it with the
// options o.
func Connect(t testing.TB, srv *sim.Server, o awsapi.Options) *awsapi.Factory {
	t.Helper()
	return Factory(t, Serve(t, srv), o)
}

// Factory returns a factory of clients with the options o whose every
// endpoint is url, signing with static test credentials (the simulator
// needs no account, and a developer's AWS_PROFILE cannot get in the way).
func Factory(t testing.TB, url string, o awsapi.Options) *awsapi.Factory {
	t.Helper()
	creds := credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")
	o.Endpoint, o.StaticCredentials = url, &creds
	f, err := awsapi.NewFactory(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
