package awsapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/cqmon/cqmon/internal/awserr"
)

// connectServer answers ListUsers with an empty page; the first `throttle`
// calls get Connect's throttling answer instead, and `deny` makes every
// call an access-denied answer.
func connectServer(t *testing.T, throttle int32, deny bool) (*httptest.Server, *[]time.Time) {
	var mu sync.Mutex
	var times []time.Time
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case deny:
			w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"Message":"User is not authorized"}`)
		case n.Add(1) <= throttle:
			w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"Message":"Rate exceeded"}`)
		default:
			fmt.Fprint(w, `{"UserSummaryList":[]}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &times
}

func factory(t *testing.T, url string, rates func(string, string) float64) *Factory {
	t.Helper()
	creds := credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")
	f, err := NewFactory(context.Background(), Options{
		Region: "us-east-1", Endpoint: url, StaticCredentials: &creds, Share: 0.5, Rates: rates,
		MaxBackoff: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func listUsers(ctx context.Context, f *Factory) error {
	_, err := f.For("us-east-1").Connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String("i-1")})
	return err
}

func TestPacerKeepsShareOfRate(t *testing.T) {
	srv, times := connectServer(t, 0, false)
	// 20 rps at a 50% share: 10 per second, burst 10.
	f := factory(t, srv.URL, func(string, string) float64 { return 20 })
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 25 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := listUsers(ctx, f); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// In any one-second window: at most the burst plus one second of rate.
	ts := *times
	for i := range ts {
		n := 0
		for j := i; j < len(ts) && ts[j].Sub(ts[i]) < time.Second; j++ {
			n++
		}
		if n > 20 {
			t.Fatalf("%d calls within one second from call %d, want at most 20", n, i)
		}
	}
	st := f.Pacer().Stats()
	if len(st) != 1 || st[0].Operation != "ListUsers" || st[0].Calls != 25 {
		t.Errorf("Stats() = %+v, want 25 ListUsers calls", st)
	}
}

func TestThrottleIsRetriedAndCounted(t *testing.T) {
	srv, _ := connectServer(t, 2, false)
	f := factory(t, srv.URL, nil)
	if err := listUsers(context.Background(), f); err != nil {
		t.Fatalf("ListUsers after two throttles: %v", err)
	}
	st := f.Pacer().Stats()
	if st[0].Calls != 3 || st[0].Throttled != 2 {
		t.Errorf("Stats() = %+v, want 3 calls, 2 throttled", st[0])
	}
	// Two throttles halved the budget twice; Rearm gives it back for the
	// next run.
	b := f.Pacer().buckets["us-east-1/Connect/ListUsers"]
	full := DefaultRate("Connect", "ListUsers") * 0.5
	if got := float64(b.Limit()); got != full/4 {
		t.Errorf("limit after two throttles = %v, want %v", got, full/4)
	}
	f.Pacer().Rearm()
	if got := float64(b.Limit()); got != full {
		t.Errorf("limit after Rearm = %v, want %v", got, full)
	}
}

// TestClassifyAndReason: the errors of the factory's clients, retried or
// not, are classified and worded.
func TestClassifyAndReason(t *testing.T) {
	tests := []struct {
		name     string
		throttle int32
		deny     bool
		kind     awserr.Kind
		reason   string
	}{
		{"access denied", 0, true, awserr.KindAccessDenied, "access denied: connect:ListUsers (AccessDeniedException: User is not authorized)"},
		{"throttled after every retry", 100, false, awserr.KindThrottled, "throttled: connect:ListUsers (TooManyRequestsException, after retries)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := connectServer(t, tt.throttle, tt.deny)
			err := listUsers(context.Background(), factory(t, srv.URL, func(string, string) float64 { return 1000 }))
			if err == nil {
				t.Fatal("ListUsers succeeded, want an error")
			}
			if got := awserr.Classify(err); got != tt.kind {
				t.Errorf("Classify() = %q, want %q", got, tt.kind)
			}
			if got := awserr.Reason(err); got != tt.reason {
				t.Errorf("Reason() = %q, want %q", got, tt.reason)
			}
		})
	}
}

// TestSpendIdle: an operation the customer barely uses may be paced up to
// the maximum share; a busy one gets what the customer's peak leaves, even
// under the base share, never nothing.
func TestSpendIdle(t *testing.T) {
	tests := []struct {
		name      string
		peak      float64
		wantRate  float64
		wantShare float64
	}{
		{"idle", 0, 16, 0.8},
		{"some use", 8, 12, 0.6},
		{"busy", 15, 5, 0.25},
		{"over the limit", 25, 20 * 0.5 * backoffFloor, 0.5 * backoffFloor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := connectServer(t, 0, false)
			f := factory(t, srv.URL, func(string, string) float64 { return 20 })
			if err := listUsers(context.Background(), f); err != nil {
				t.Fatal(err)
			}
			f.Pacer().SpendIdle("us-east-1", "Connect", "ListUsers", tt.peak)
			st := f.Pacer().Stats()
			if len(st) != 1 || st[0].Rate != tt.wantRate || st[0].Share != tt.wantShare {
				t.Errorf("Stats() = %+v, want rate %v share %v", st, tt.wantRate, tt.wantShare)
			}
			f.Pacer().Rearm()
			if st := f.Pacer().Stats(); st[0].Rate != 10 {
				t.Errorf("after Rearm rate = %v, want the base 10", st[0].Rate)
			}
		})
	}
}

// TestWithCredentialsKeepsShareMax: the factory of another account paces
// with a pacer of its own, built from the same options as the caller's.
func TestWithCredentialsKeepsShareMax(t *testing.T) {
	srv, _ := connectServer(t, 0, false)
	creds := credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")
	base, err := NewFactory(context.Background(), Options{
		Region: "us-east-1", Endpoint: srv.URL, StaticCredentials: &creds, Share: 0.5, ShareMax: 0.6,
		Rates: func(string, string) float64 { return 20 },
	})
	if err != nil {
		t.Fatal(err)
	}
	f := base.WithCredentials(credentials.NewStaticCredentialsProvider("AKID2", "SECRET2", ""))
	if err := listUsers(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	f.Pacer().SpendIdle("us-east-1", "Connect", "ListUsers", 0)
	if st := f.Pacer().Stats(); len(st) != 1 || st[0].Share != 0.6 {
		t.Errorf("Stats() = %+v, want share 0.6", st)
	}
}
