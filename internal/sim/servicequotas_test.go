package sim_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var cmpOpts = []cmp.Option{cmpopts.IgnoreUnexported(types.ServiceQuota{}, types.QuotaPeriod{}, types.MetricInfo{})}

const bigARN = "arn:aws:connect:us-east-1:123456789012:instance/" + bigID

// describe renders a quota entry as "code value context".
func describe(q types.ServiceQuota) string {
	ctx := "-"
	if q.QuotaContext != nil {
		ctx = fmt.Sprintf("%s:%s", q.QuotaContext.ContextScope, aws.ToString(q.QuotaContext.ContextId))
	}
	return fmt.Sprintf("%s %g %s", aws.ToString(q.QuotaCode), aws.ToFloat64(q.Value), ctx)
}

func listAll(t *testing.T, c *servicequotas.Client, in *servicequotas.ListServiceQuotasInput) []string {
	t.Helper()
	var got []string
	p := servicequotas.NewListServiceQuotasPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range out.Quotas {
			got = append(got, describe(q))
		}
	}
	return got
}

func TestListServiceQuotasLevels(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	tests := []struct {
		level types.AppliedLevelEnum
		want  []string
	}{
		{"", []string{"L-9A46857E 500 -", "L-AA17A6B9 10 -", "L-CCC38177 10 -"}},
		{types.AppliedLevelEnumAccount, []string{"L-9A46857E 500 -", "L-AA17A6B9 10 -", "L-CCC38177 10 -"}},
		{types.AppliedLevelEnumResource, []string{"L-9A46857E 500 RESOURCE:*", "L-9A46857E 3000 RESOURCE:" + bigARN}},
		{types.AppliedLevelEnumAll, []string{"L-9A46857E 500 -", "L-9A46857E 500 RESOURCE:*", "L-9A46857E 3000 RESOURCE:" + bigARN,
			"L-AA17A6B9 10 -", "L-CCC38177 10 -"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.level), func(t *testing.T) {
			got := listAll(t, c.quotas, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("connect"),
				QuotaAppliedAtLevel: tt.level, MaxResults: aws.Int32(2)})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("quotas (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetServiceQuotaContext(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	tests := []struct {
		name, code, contextID, want string
	}{
		{"instance with its own value", "L-9A46857E", bigARN, "L-9A46857E 3000 RESOURCE:" + bigARN},
		{"instance without its own value", "L-9A46857E", "arn:aws:connect:us-east-1:123456789012:instance/" + smallID, "L-9A46857E 500 RESOURCE:*"},
		{"no context", "L-9A46857E", "", "L-9A46857E 500 -"},
		{"account-level quota", "L-AA17A6B9", "", "L-AA17A6B9 10 -"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("connect"), QuotaCode: aws.String(tt.code)}
			if tt.contextID != "" {
				in.ContextId = aws.String(tt.contextID)
			}
			out, err := c.quotas.GetServiceQuota(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(*out.Quota); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestQuotaEntryFields(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	out, err := c.quotas.GetServiceQuota(context.Background(), &servicequotas.GetServiceQuotaInput{
		ServiceCode: aws.String("connect"), QuotaCode: aws.String("L-CCC38177")})
	if err != nil {
		t.Fatal(err)
	}
	want := types.ServiceQuota{
		ServiceCode: aws.String("connect"), ServiceName: aws.String("Amazon Connect"),
		QuotaCode: aws.String("L-CCC38177"), QuotaName: aws.String("Rate of ListUsers API requests"),
		QuotaArn: aws.String("arn:aws:servicequotas:us-east-1:123456789012:connect/L-CCC38177"),
		Value:    aws.Float64(10), Unit: aws.String("None"), Adjustable: true, QuotaAppliedAtLevel: types.AppliedLevelEnumAccount,
		Period: &types.QuotaPeriod{PeriodValue: aws.Int32(1), PeriodUnit: types.PeriodUnitSecond},
		UsageMetric: &types.MetricInfo{MetricNamespace: aws.String("AWS/Usage"), MetricName: aws.String("CallCount"),
			MetricStatisticRecommendation: aws.String("Sum"),
			MetricDimensions:              map[string]string{"Service": "Connect", "Type": "API", "Resource": "ListUsers", "Class": "None"}},
	}
	if diff := cmp.Diff(want, *out.Quota, cmpOpts...); diff != "" {
		t.Errorf("quota (-want +got):\n%s", diff)
	}
}

func TestServiceQuotasErrors(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	ctx := context.Background()
	tests := []struct {
		name     string
		call     func() error
		wantCode string
	}{
		{"unavailable service", func() error {
			_, err := c.quotas.ListServiceQuotas(ctx, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("voiceid")})
			return err
		}, "NoSuchResourceException"},
		{"unknown quota", func() error {
			_, err := c.quotas.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("connect"), QuotaCode: aws.String("L-00000000")})
			return err
		}, "NoSuchResourceException"},
		{"MaxResults above 100", func() error {
			_, err := c.quotas.ListServiceQuotas(ctx, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("connect"), MaxResults: aws.Int32(101)})
			return err
		}, "ValidationException"},
		{"bad token", func() error {
			_, err := c.quotas.ListServiceQuotas(ctx, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("connect"), NextToken: aws.String("xyz")})
			return err
		}, "InvalidPaginationTokenException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, status := errorCode(tt.call()); code != tt.wantCode || status != 400 {
				t.Errorf("got %s %d, want %s 400", code, status, tt.wantCode)
			}
		})
	}
}

func TestDefaultsAndServices(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	ctx := context.Background()
	def, err := c.quotas.GetAWSDefaultServiceQuota(ctx, &servicequotas.GetAWSDefaultServiceQuotaInput{
		ServiceCode: aws.String("connect"), QuotaCode: aws.String("L-AA17A6B9")})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.quotas.ListAWSDefaultServiceQuotas(ctx, &servicequotas.ListAWSDefaultServiceQuotasInput{ServiceCode: aws.String("connect")})
	if err != nil {
		t.Fatal(err)
	}
	svcs, err := c.quotas.ListServices(ctx, &servicequotas.ListServicesInput{})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{describe(*def.Quota), fmt.Sprint(len(list.Quotas)), fmt.Sprint(len(svcs.Services)), aws.ToString(svcs.Services[0].ServiceCode)}
	want := []string{"L-AA17A6B9 2 -", "3", "1", "connect"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestQuotasPerRegion(t *testing.T) {
	c := start(t, scenario(t, baseScenario), secondRegion)
	got := listAll(t, c.quotas, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("connect"), QuotaAppliedAtLevel: types.AppliedLevelEnumResource})
	want := []string{"L-9A46857E 500 RESOURCE:*", "L-9A46857E 700 RESOURCE:arn:aws:connect:us-west-2:123456789012:instance/" + westID}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("us-west-2 resource quotas (-want +got):\n%s", diff)
	}
}
