package collect

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/cqmon/cqmon/internal/quota"
)

// countingMetrics answers every GetMetricData with no data and counts
// the calls.
type countingMetrics struct{ calls int }

func (m *countingMetrics) GetMetricData(context.Context, *cloudwatch.GetMetricDataInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	m.calls++
	return &cloudwatch.GetMetricDataOutput{}, nil
}

// TestMetricsWithoutPlanReadsRatesOnce: without limits no rate quota has
// a usage metric of another name, so the rates are read in one call.
func TestMetricsWithoutPlanReadsRatesOnce(t *testing.T) {
	api := &countingMetrics{}
	env := &Env{
		Metrics: api, Lookback: time.Hour, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Definitions: []quota.Definition{{Key: "rate-list-users", Usage: quota.Usage{Kind: quota.UsageMetric, Measure: APIRatePrefix + "ListUsers"}}},
	}
	res := metrics().Region(context.Background(), env, nil)
	if api.calls != 1 {
		t.Errorf("GetMetricData calls = %d, want 1", api.calls)
	}
	if m := res[Target{Measure: APIRatePrefix + "ListUsers"}]; m.Err != nil {
		t.Errorf("ListUsers rate: %v, want a measurement", m.Err)
	}
}
