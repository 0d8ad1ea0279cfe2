package sim_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/sim"
)

const requestsScenario = `{
  "account": "123456789012",
  "regions": ["us-east-1", "us-west-2"],
  "instances": [
    {"id": "11111111-2222-4333-8444-555555555555", "alias": "big", "counts": {"users": 2500}},
    {"id": "66666666-7777-4888-9999-aaaaaaaaaaaa", "alias": "small", "counts": {"users": 3}},
    {"id": "01234567-89ab-4cde-8f01-23456789abcd", "alias": "west", "region": "us-west-2"}
  ],
  "serviceQuotas": {
    "services": {
      "connect": {
        "name": "Amazon Connect",
        "quotas": [
          {"code": "L-9A46857E", "name": "Users per instance", "default": 500, "adjustable": true, "resourceLevel": true},
          {"code": "L-AA17A6B9", "name": "Amazon Connect instance count", "default": 2, "adjustable": true},
          {"code": "L-3E0D5D05", "name": "Amazon Pinpoint applications per instance", "default": 1}
        ],
        "applied": {"L-AA17A6B9": 10},
        "instanceApplied": {"big": {"L-9A46857E": 3000}}
      }
    },
    "requests": [
      {"id": "req-old", "service": "connect", "code": "L-9A46857E", "instance": "big", "desiredValue": 2000, "status": "APPROVED", "ago": "960h"},
      {"id": "req-open", "service": "connect", "code": "L-9A46857E", "instance": "big", "desiredValue": 4000, "status": "CASE_OPENED", "caseId": "case-1", "ago": "240h"},
      {"id": "req-acct", "service": "connect", "code": "L-AA17A6B9", "desiredValue": 12, "status": "DENIED", "ago": "48h"},
      {"id": "req-west", "service": "connect", "code": "L-9A46857E", "instance": "west", "desiredValue": 900, "ago": "24h"},
      {"id": "req-ancient", "service": "connect", "code": "L-AA17A6B9", "desiredValue": 11, "status": "APPROVED", "ago": "2400h"}
    ]
  },
  "throttle": {"disabled": true}
}`

var requestsNow = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func listRequests(t *testing.T, c *servicequotas.Client, in *servicequotas.ListRequestedServiceQuotaChangeHistoryInput) []string {
	t.Helper()
	var got []string
	p := servicequotas.NewListRequestedServiceQuotaChangeHistoryPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.RequestedQuotas {
			ctx := "-"
			if r.QuotaContext != nil {
				ctx = aws.ToString(r.QuotaContext.ContextId)
			}
			got = append(got, fmt.Sprintf("%s %s %g %s %s %s", aws.ToString(r.Id), aws.ToString(r.QuotaCode), aws.ToFloat64(r.DesiredValue),
				r.Status, aws.ToTime(r.Created).UTC().Format(time.RFC3339), ctx))
		}
	}
	return got
}

func TestListRequestedServiceQuotaChangeHistory(t *testing.T) {
	c := start(t, scenario(t, requestsScenario), testRegion, sim.WithClock(func() time.Time { return requestsNow }))
	tests := []struct {
		name string
		in   servicequotas.ListRequestedServiceQuotaChangeHistoryInput
		want []string
	}{
		{"default level is account", servicequotas.ListRequestedServiceQuotaChangeHistoryInput{ServiceCode: aws.String("connect")},
			[]string{"req-acct L-AA17A6B9 12 DENIED 2026-11-28T12:00:00Z -"}},
		{"all levels, newest first, 90 days, this region", servicequotas.ListRequestedServiceQuotaChangeHistoryInput{
			ServiceCode: aws.String("connect"), QuotaRequestedAtLevel: types.AppliedLevelEnumAll, MaxResults: aws.Int32(1)},
			[]string{"req-acct L-AA17A6B9 12 DENIED 2026-11-28T12:00:00Z -",
				"req-open L-9A46857E 4000 CASE_OPENED 2026-11-20T12:00:00Z " + bigARN,
				"req-old L-9A46857E 2000 APPROVED 2026-10-21T12:00:00Z " + bigARN}},
		{"status filter", servicequotas.ListRequestedServiceQuotaChangeHistoryInput{
			QuotaRequestedAtLevel: types.AppliedLevelEnumResource, Status: types.RequestStatusApproved},
			[]string{"req-old L-9A46857E 2000 APPROVED 2026-10-21T12:00:00Z " + bigARN}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, listRequests(t, c.quotas, &tt.in)); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
	_, err := c.quotas.ListRequestedServiceQuotaChangeHistory(context.Background(), &servicequotas.ListRequestedServiceQuotaChangeHistoryInput{ServiceCode: aws.String("voiceid")})
	if code, _ := errorCode(err); code != "NoSuchResourceException" {
		t.Errorf("unknown service: error %v, want NoSuchResourceException", err)
	}
}

func TestRequestServiceQuotaIncrease(t *testing.T) {
	c := start(t, scenario(t, requestsScenario), testRegion, sim.WithClock(func() time.Time { return requestsNow }))
	smallARN := "arn:aws:connect:us-east-1:123456789012:instance/" + smallID
	tests := []struct {
		name, code, contextID string
		value                 float64
		wantErr               string
		wantStatus            types.RequestStatus
	}{
		{"unknown quota", "L-00000000", "", 5, "NoSuchResourceException", ""},
		{"not adjustable", "L-3E0D5D05", "", 5, "IllegalArgumentException", ""},
		{"at the applied value", "L-AA17A6B9", "", 10, "IllegalArgumentException", ""},
		{"under the instance's own value", "L-9A46857E", bigARN, 2500, "IllegalArgumentException", ""},
		{"open request exists", "L-9A46857E", bigARN, 5000, "ResourceAlreadyExistsException", ""},
		{"context on an account-level quota", "L-AA17A6B9", smallARN, 20, "IllegalArgumentException", ""},
		{"account level", "L-AA17A6B9", "", 20, "", types.RequestStatusPending},
		{"resource level", "L-9A46857E", smallARN, 800, "", types.RequestStatusPending},
		{"second open one", "L-9A46857E", smallARN, 900, "ResourceAlreadyExistsException", ""},
		{"instance of no region here", "L-9A46857E", "arn:aws:connect:us-east-1:123456789012:instance/nope", 900, "", types.RequestStatusInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &servicequotas.RequestServiceQuotaIncreaseInput{ServiceCode: aws.String("connect"), QuotaCode: aws.String(tt.code), DesiredValue: aws.Float64(tt.value)}
			if tt.contextID != "" {
				in.ContextId = aws.String(tt.contextID)
			}
			out, err := c.quotas.RequestServiceQuotaIncrease(context.Background(), in)
			if code, _ := errorCode(err); code != tt.wantErr {
				t.Fatalf("error %v, want code %q", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			r := out.RequestedQuota
			if r.Status != tt.wantStatus || aws.ToFloat64(r.DesiredValue) != tt.value || aws.ToString(r.Id) == "" || !aws.ToTime(r.Created).Equal(requestsNow) {
				t.Errorf("request = %+v", r)
			}
			if tt.contextID != "" && (r.QuotaContext == nil || aws.ToString(r.QuotaContext.ContextId) != tt.contextID || r.QuotaRequestedAtLevel != types.AppliedLevelEnumResource) {
				t.Errorf("context = %+v, level %s", r.QuotaContext, r.QuotaRequestedAtLevel)
			}
		})
	}
	got := listRequests(t, c.quotas, &servicequotas.ListRequestedServiceQuotaChangeHistoryInput{ServiceCode: aws.String("connect"), Status: types.RequestStatusPending, QuotaRequestedAtLevel: types.AppliedLevelEnumAll})
	if len(got) != 2 {
		t.Errorf("filed requests are not listed: %v", got)
	}
}
