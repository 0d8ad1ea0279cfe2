package sim_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/sim"
	"github.com/cqmon/cqmon/internal/sim/simtest"
)

// behaviourScenario returns baseScenario with the given "throttle" and
// extra top-level members.
func behaviourScenario(t *testing.T, throttle, extra string) *sim.Scenario {
	t.Helper()
	js := strings.Replace(baseScenario, `"throttle": {"disabled": true}`, `"throttle": `+throttle+extra, 1)
	return scenario(t, js)
}

// serve starts a simulator and returns it with clients using retryer.
func serve(t *testing.T, sc *sim.Scenario, retryer func() aws.Retryer, opts ...sim.Option) (*sim.Server, *connect.Client, *servicequotas.Client, *cloudwatch.Client, *sts.Client) {
	t.Helper()
	srv := sim.New(sc, opts...)
	cc, qc, cw, st := newClients(t, simtest.Serve(t, srv), testRegion, retryer)
	return srv, cc, qc, cw, st
}

func TestThrottlingRecoveredByRetryer(t *testing.T) {
	sc := behaviourScenario(t, `{"rules": [{"service": "connect", "operation": "ListUsers", "rate": 50, "burst": 1}]}`, "")
	srv, cc, _, _, _ := serve(t, sc, fastRetryer(50))
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Go(func() {
			_, err := cc.ListUsers(context.Background(), &connect.ListUsersInput{InstanceId: aws.String(bigID), MaxResults: aws.Int32(1)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("ListUsers: %v", err)
		}
	}
	st := srv.Stats()[simKey(sim.ServiceConnect, "ListUsers")]
	if st.Throttled == 0 || st.Calls != 6+st.Throttled {
		t.Errorf("stats = %+v, want some throttled calls and calls = 6 + throttled", st)
	}
}

func TestThrottleCodesWithoutRetries(t *testing.T) {
	sc := behaviourScenario(t, `{"rules": [
		{"service": "connect", "rate": 0.001, "burst": 1},
		{"service": "servicequotas", "rate": 0.001, "burst": 1},
		{"service": "cloudwatch", "rate": 0.001, "burst": 1},
		{"service": "sts", "rate": 0.001, "burst": 1}]}`, "")
	_, cc, qc, cw, st := serve(t, sc, func() aws.Retryer { return aws.NopRetryer{} })
	ctx := context.Background()
	calls := map[string]func() error{
		"connect": func() error {
			_, err := cc.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(bigID)})
			return err
		},
		"servicequotas": func() error {
			_, err := qc.ListServiceQuotas(ctx, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("connect")})
			return err
		},
		"cloudwatch": func() error {
			_, err := cw.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(time.Now().Add(-time.Hour)), EndTime: aws.Time(time.Now()),
				MetricDataQueries: []cwtypes.MetricDataQuery{metricQuery("q", bigID, "ConcurrentCalls", "VoiceCalls", "Maximum", 60)}})
			return err
		},
		"sts": func() error {
			_, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		},
	}
	want := map[string]string{"connect": "ThrottlingException 429", "servicequotas": "TooManyRequestsException 400",
		"cloudwatch": "Throttling 400", "sts": "Throttling 400"}
	for svc, call := range calls {
		t.Run(svc, func(t *testing.T) {
			if err := call(); err != nil {
				t.Fatalf("first call (within the burst): %v", err)
			}
			code, status := errorCode(call())
			if got := fmt.Sprintf("%s %d", code, status); got != want[svc] {
				t.Errorf("second call: got %s, want %s", got, want[svc])
			}
		})
	}
}

func TestFaults(t *testing.T) {
	faults := `, "faults": [
		{"service": "connect", "operation": "ListLambdaFunctions", "instance": "small", "code": "AccessDeniedException", "status": 403, "message": "not authorized"},
		{"service": "connect", "operation": "ListPrompts", "instance": "big", "code": "ThrottlingException", "status": 429, "count": 2},
		{"service": "connect", "operation": "ListQuickConnects", "code": "ThrottlingException", "status": 429},
		{"service": "servicequotas", "operation": "GetServiceQuota", "resource": "L-AA17A6B9", "code": "ServiceException", "status": 500, "count": 1}]`
	srv, cc, qc, _, _ := serve(t, behaviourScenario(t, `{"disabled": true}`, faults), fastRetryer(3))
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"denied on one instance", func() error {
			_, err := cc.ListLambdaFunctions(ctx, &connect.ListLambdaFunctionsInput{InstanceId: aws.String(smallID)})
			return err
		}, "AccessDeniedException 403"},
		{"allowed on another", func() error {
			_, err := cc.ListLambdaFunctions(ctx, &connect.ListLambdaFunctionsInput{InstanceId: aws.String(bigID)})
			return err
		}, " 0"},
		{"throttled twice, then the third attempt succeeds", func() error {
			_, err := cc.ListPrompts(ctx, &connect.ListPromptsInput{InstanceId: aws.String(bigID)})
			return err
		}, " 0"},
		{"throttled for good exhausts the retryer", func() error {
			_, err := cc.ListQuickConnects(ctx, &connect.ListQuickConnectsInput{InstanceId: aws.String(bigID)})
			return err
		}, "ThrottlingException 429"},
		{"a server error on one quota is retried", func() error {
			_, err := qc.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("connect"), QuotaCode: aws.String("L-AA17A6B9")})
			return err
		}, " 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, status := errorCode(tt.call())
			if got := fmt.Sprintf("%s %d", code, status); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	stats := srv.Stats()
	got := map[string]sim.OpStats{}
	for _, op := range []string{"ListLambdaFunctions", "ListPrompts", "ListQuickConnects"} {
		s := stats[simKey(sim.ServiceConnect, op)]
		s.MaxPerSecond = 0
		got[op] = s
	}
	want := map[string]sim.OpStats{
		"ListLambdaFunctions": {Calls: 2, Faults: 1},
		"ListPrompts":         {Calls: 3, Faults: 2},
		"ListQuickConnects":   {Calls: 3, Faults: 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func TestLatencyAndRateWindow(t *testing.T) {
	sc := behaviourScenario(t, `{"disabled": true}`, `, "latency": [{"service": "sts", "fixed": "30ms"}]`)
	srv, cc, _, _, st := serve(t, sc, nil)
	ctx := context.Background()
	begin := time.Now()
	if _, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d < 30*time.Millisecond {
		t.Errorf("GetCallerIdentity took %v, want at least the injected 30ms", d)
	}
	for range 5 {
		if _, err := cc.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(smallID)}); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.Stats()[simKey(sim.ServiceConnect, "ListUsers")]; got.MaxPerSecond != 5 || got.Calls != 5 {
		t.Errorf("ListUsers stats = %+v, want 5 calls within one second", got)
	}
	srv.ResetStats()
	if got := len(srv.Stats()); got != 0 {
		t.Errorf("after ResetStats: %d operations, want 0", got)
	}
	slow := sim.New(sc, sim.WithoutLatency())
	begin = time.Now()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0")
	slow.ServeHTTP(rec, req)
	if d := time.Since(begin); d >= 30*time.Millisecond || rec.Code != 200 {
		t.Errorf("WithoutLatency: %d after %v", rec.Code, d)
	}
}

func TestGetCallerIdentity(t *testing.T) {
	_, _, _, _, st := serve(t, scenario(t, baseScenario), nil)
	out, err := st.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId)}
	want := []string{testAccount, "arn:aws:sts::123456789012:assumed-role/cqmon/simulator", "AROASIMULATOR0000EXMPL:simulator"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
}

func TestStartAndUnsignedRequest(t *testing.T) {
	srv := sim.New(scenario(t, baseScenario))
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get(url + "/instance")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.StatusCode; got != http.StatusForbidden {
		t.Errorf("unsigned request: status %d, want 403", got)
	}
}

func TestUnknownOperations(t *testing.T) {
	srv := sim.New(scenario(t, baseScenario))
	tests := []struct {
		name, service, path, target, body string
		wantStatus                        int
		wantCode                          string // where the protocol puts it: header or body
	}{
		{"connect route", "connect", "/contact/list", "", "", 404, "UnknownOperationException"},
		{"service quotas target", "servicequotas", "/", "ServiceQuotasV20190624.DeleteServiceQuotaIncreaseRequestFromTemplate", "{}", 400, "UnknownOperationException"},
		{"cloudwatch operation", "monitoring", "/service/GraniteServiceVersion20100801/operation/ListMetrics", "", "", 404, "UnknownOperationException"},
		{"sts action", "sts", "/", "", "Action=AssumeRole&Version=2011-06-15", 400, "InvalidAction"},
		{"unknown service", "lambda", "/", "", "", 403, "InvalidSignatureException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", tt.path, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/"+tt.service+"/aws4_request, SignedHeaders=host, Signature=0")
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			found := rec.Header().Get("X-Amzn-ErrorType") == tt.wantCode || strings.Contains(rec.Body.String(), tt.wantCode)
			if rec.Code != tt.wantStatus || !found {
				t.Errorf("got %d %q %q, want %d %s", rec.Code, rec.Header().Get("X-Amzn-ErrorType"), rec.Body.String(), tt.wantStatus, tt.wantCode)
			}
		})
	}
}

// TestLargeScenarioIsCheap checks that counts are not materialised: 20
// instances of 20,000 users cost a few allocations, not 400,000 items.
func TestLargeScenarioIsCheap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"account": "123456789012", "regions": ["us-east-1"], "serviceQuotas": {}, "instances": [`)
	for i := range 20 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"alias": "i%d", "counts": {"users": 20000, "queues": 500}}`, i)
	}
	b.WriteString("]}")
	sc := scenario(t, b.String())
	if allocs := testing.AllocsPerRun(3, func() { sim.New(sc) }); allocs > 5000 {
		t.Errorf("New allocated %v times, want the counts left unmaterialised", allocs)
	}
}
