package sim_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/cqmon/cqmon/internal/sim"
	"github.com/cqmon/cqmon/internal/sim/simtest"
)

const (
	testAccount  = "123456789012"
	bigID        = "11111111-2222-4333-8444-555555555555"
	smallID      = "66666666-7777-4888-9999-aaaaaaaaaaaa"
	pendingID    = "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff"
	westID       = "01234567-89ab-4cde-8f01-23456789abcd"
	unknownID    = "deadbeef-dead-4bee-8eef-deadbeefdead"
	testRegion   = "us-east-1"
	secondRegion = "us-west-2"
)

// clients are real SDK clients pointed at a simulator.
type clients struct {
	sim     *sim.Server
	url     string
	connect *connect.Client
	quotas  *servicequotas.Client
	cw      *cloudwatch.Client
	sts     *sts.Client
}

// start serves sc and returns clients for region.
func start(t *testing.T, sc *sim.Scenario, region string, opts ...sim.Option) *clients {
	t.Helper()
	srv := sim.New(sc, opts...)
	url := simtest.Serve(t, srv)
	c := &clients{sim: srv, url: url}
	c.connect, c.quotas, c.cw, c.sts = newClients(t, url, region, nil)
	return c
}

// newClients builds the four clients; retryer nil keeps the SDK default.
func newClients(t *testing.T, url, region string, retryer func() aws.Retryer) (*connect.Client, *servicequotas.Client, *cloudwatch.Client, *sts.Client) {
	t.Helper()
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")),
	}
	if retryer != nil {
		opts = append(opts, config.WithRetryer(retryer))
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	ep := aws.String(url)
	return connect.NewFromConfig(cfg, func(o *connect.Options) { o.BaseEndpoint = ep }),
		servicequotas.NewFromConfig(cfg, func(o *servicequotas.Options) { o.BaseEndpoint = ep }),
		cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) { o.BaseEndpoint = ep }),
		sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = ep })
}

// fastRetryer retries up to attempts times with a short fixed backoff, so
// that throttling tests stay fast.
func fastRetryer(attempts int) func() aws.Retryer {
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.RateLimiter = ratelimit.None
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 10 * time.Millisecond, nil })
		})
	}
}

// errorCode returns the AWS error code and HTTP status of err.
func errorCode(err error) (string, int) {
	code, status := "", 0
	var api smithy.APIError
	if errors.As(err, &api) {
		code = api.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

// scenario builds a scenario from JSON, failing the test if it is invalid.
func scenario(t *testing.T, js string) *sim.Scenario {
	t.Helper()
	sc, err := sim.LoadScenario(strings.NewReader(js))
	if err != nil {
		t.Fatalf("LoadScenario: %v", err)
	}
	return sc
}

// baseScenario is a small account used by most tests.
const baseScenario = `{
  "account": "123456789012",
  "regions": ["us-east-1", "us-west-2"],
  "instances": [
    {"id": "11111111-2222-4333-8444-555555555555", "alias": "big",
     "counts": {"users": 2500, "queues": 30, "agentQueues": 7, "routingProfiles": 3, "contactFlows": 12,
                "lexBots": 2, "lexV2BotAliases": 5, "phoneNumbers": 3, "agentStatuses": 4, "emailAddresses": 4,
                "predefinedAttributes": 3, "evaluationForms": 2, "quickConnects": 6, "hoursOfOperations": 2},
     "approximateSkew": {"users": -3},
     "integrationAssociations": [{"type": "EVENT", "count": 3}, {"type": "APPLICATION", "count": 2}, {"type": "CASES_DOMAIN", "count": 1}],
     "rules": [{"eventSource": "OnPostCallAnalysisAvailable", "count": 4}, {"eventSource": "OnCaseCreate", "publishStatus": "DRAFT", "count": 2}],
     "children": {"routingProfileQueues": {"max": 101, "others": 5}, "userProficiencies": {"list": [3, 0, 7], "others": 1},
                  "queueQuickConnects": {"others": 2}, "evaluationFormVersions": {"list": [4]}}},
    {"id": "66666666-7777-4888-9999-aaaaaaaaaaaa", "alias": "small", "counts": {"users": 3, "phoneNumbers": 2}},
    {"id": "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff", "alias": "pending", "status": "CREATION_IN_PROGRESS"},
    {"id": "01234567-89ab-4cde-8f01-23456789abcd", "alias": "west", "region": "us-west-2", "counts": {"users": 1}}
  ],
  "serviceQuotas": {
    "services": {
      "connect": {
        "name": "Amazon Connect",
        "quotas": [
          {"code": "L-9A46857E", "name": "Users per instance", "default": 500, "adjustable": true, "resourceLevel": true},
          {"code": "L-AA17A6B9", "name": "Amazon Connect instance count", "default": 2, "adjustable": true},
          {"code": "L-CCC38177", "name": "Rate of ListUsers API requests", "default": 10, "adjustable": true, "periodSeconds": 1,
           "usageMetric": {"namespace": "AWS/Usage", "name": "CallCount", "statistic": "Sum",
                           "dimensions": {"Service": "Connect", "Type": "API", "Resource": "ListUsers", "Class": "None"}}}
        ],
        "applied": {"L-AA17A6B9": 10},
        "instanceApplied": {"big": {"L-9A46857E": 3000}, "west": {"L-9A46857E": 700}}
      }
    },
    "unavailable": ["voiceid"]
  },
  "throttle": {"disabled": true}
}`

func simKey(service, op string) sim.OpKey { return sim.OpKey{Service: service, Operation: op} }
