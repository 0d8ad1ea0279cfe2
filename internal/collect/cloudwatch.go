package collect

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/quota"
)

// maxQueriesPerCall is GetMetricData's limit of MetricDataQueries.
const maxQueriesPerCall = 500

// maxPointsPerSeries bounds the datapoints asked per series; the period
// grows with the lookback instead. The Maximum statistic over a longer
// period is still the exact peak.
const maxPointsPerSeries = 360

// metricQuery is one series to read: the peak of Stat over the window.
type metricQuery struct {
	target     Target
	namespace  string
	name       string
	dimensions map[string]string
	stat       string
}

// metricPeak is the result of one metricQuery.
type metricPeak struct {
	value   float64
	points  int
	partial bool
}

// period picks the aggregation period (a multiple of 60 s) for a window.
func period(lookback time.Duration) int32 {
	p := math.Ceil(lookback.Seconds()/maxPointsPerSeries/60) * 60
	return int32(math.Max(60, p))
}

// readPeaks asks GetMetricData for every query, up to 500 per call,
// following NextToken, and returns the peak of each series by index.
func readPeaks(ctx context.Context, api MetricsAPI, qs []metricQuery, start, end time.Time, periodSec int32) ([]metricPeak, error) {
	peaks := make([]metricPeak, len(qs))
	for lo := 0; lo < len(qs); lo += maxQueriesPerCall {
		hi := min(lo+maxQueriesPerCall, len(qs))
		in := &cloudwatch.GetMetricDataInput{StartTime: aws.Time(start), EndTime: aws.Time(end)}
		for i := lo; i < hi; i++ {
			q := qs[i]
			dims := make([]cwtypes.Dimension, 0, len(q.dimensions))
			for _, k := range sortedKeys(q.dimensions) {
				dims = append(dims, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(q.dimensions[k])})
			}
			in.MetricDataQueries = append(in.MetricDataQueries, cwtypes.MetricDataQuery{
				Id: aws.String(fmt.Sprintf("q%d", i)),
				MetricStat: &cwtypes.MetricStat{
					Metric: &cwtypes.Metric{Namespace: aws.String(q.namespace), MetricName: aws.String(q.name), Dimensions: dims},
					Period: aws.Int32(periodSec),
					Stat:   aws.String(q.stat),
				},
				ReturnData: aws.Bool(true),
			})
		}
		seen := map[string]bool{}
		for {
			out, err := api.GetMetricData(ctx, in)
			if err != nil {
				return nil, err
			}
			for _, r := range out.MetricDataResults {
				var idx int
				if _, err := fmt.Sscanf(aws.ToString(r.Id), "q%d", &idx); err != nil || idx < lo || idx >= hi {
					return nil, fmt.Errorf("%w: GetMetricData result id %q was not asked for", awsapi.ErrMalformed, aws.ToString(r.Id))
				}
				p := &peaks[idx]
				for _, v := range r.Values {
					if p.points == 0 || v > p.value {
						p.value = v
					}
					p.points++
				}
				if r.StatusCode == cwtypes.StatusCodeInternalError || r.StatusCode == cwtypes.StatusCodeForbidden {
					p.partial = true
				}
			}
			if out.NextToken == nil || *out.NextToken == "" {
				break
			}
			if seen[*out.NextToken] {
				return nil, errRepeatedToken
			}
			seen[*out.NextToken] = true
			in.NextToken = out.NextToken
		}
	}
	return peaks, nil
}

// concurrencyMetric maps a concurrency quota to its AWS/Connect metric.
// Connect publishes these with the InstanceId and MetricGroup dimensions;
// without MetricGroup a query finds nothing.
type concurrencyMetric struct {
	measure, metric, group string
}

var concurrencyMetrics = []concurrencyMetric{
	{"connect.concurrent_calls", "ConcurrentCalls", "VoiceCalls"},
	{"connect.concurrent_chats", "ConcurrentActiveChats", "Chats"},
	{"connect.concurrent_tasks", "ConcurrentTasks", "Tasks"},
	{"connect.concurrent_emails", "ConcurrentEmails", "Emails"},
	{"connect.concurrent_campaign_calls", "ConcurrentHighVolumeCalls", "VoiceCalls"},
}

// concurrency reads the peak of every instance's concurrency metrics over
// the lookback window in as few GetMetricData calls as the API allows.
func concurrency() Family {
	measures := make([]string, len(concurrencyMetrics))
	for i, m := range concurrencyMetrics {
		measures[i] = m.measure
	}
	return Family{
		Measures: measures,
		Region: func(ctx context.Context, env *Env, active []quota.Instance) map[Target]quota.Measurement {
			var qs []metricQuery
			for _, in := range active {
				for _, m := range concurrencyMetrics {
					qs = append(qs, metricQuery{
						target:     Target{InstanceID: in.ID, Measure: m.measure},
						namespace:  "AWS/Connect",
						name:       m.metric,
						dimensions: map[string]string{"InstanceId": in.ID, "MetricGroup": m.group},
						stat:       "Maximum",
					})
				}
			}
			res := make(map[Target]quota.Measurement, len(qs))
			if len(qs) == 0 {
				return res
			}
			peaks, err := readPeaks(ctx, env.Metrics, qs, env.Now.Add(-env.Lookback), env.Now, period(env.Lookback))
			for i, q := range qs {
				res[q.target] = peakMeasurement(q, peaks, i, err, env.Lookback)
			}
			return res
		},
	}
}

func peakMeasurement(q metricQuery, peaks []metricPeak, i int, err error, lookback time.Duration) quota.Measurement {
	switch {
	case err != nil:
		return quota.Measurement{Err: fmt.Errorf("read %s %s: %w", q.namespace, q.name, err)}
	case peaks[i].partial:
		return quota.Measurement{Err: fmt.Errorf("read %s %s: CloudWatch returned partial data", q.namespace, q.name)}
	case peaks[i].points == 0:
		return quota.Measurement{Value: 0, Note: fmt.Sprintf("no datapoints in the last %s: Connect publishes %s only when there is activity, read as 0", quota.FormatDuration(lookback), q.name)}
	}
	return quota.Measurement{Value: peaks[i].value}
}
