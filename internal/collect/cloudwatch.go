package collect

import (
	"context"
	"fmt"
	"maps"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/quota"
)

// maxQueriesPerCall is GetMetricData's limit of MetricDataQueries.
const maxQueriesPerCall = 500

// maxPointsPerSeries bounds the datapoints asked per concurrency series;
// the period grows with the lookback instead. The Maximum statistic over
// a longer period is still the exact peak.
const maxPointsPerSeries = 360

// metricQuery is one series to read: the peak of Stat per Period over the
// window.
type metricQuery struct {
	target     Target
	namespace  string
	name       string
	dimensions map[string]string
	stat       string
	period     int32
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
func readPeaks(ctx context.Context, api MetricsAPI, qs []metricQuery, start, end time.Time) ([]metricPeak, error) {
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
					Period: aws.Int32(q.period),
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
					return nil, fmt.Errorf("%w: GetMetricData result id %q was not asked for", awserr.ErrMalformed, aws.ToString(r.Id))
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

// concurrencyMetric maps a concurrency quota to its AWS/Connect metric and
// to the metric in which Connect itself counts contacts refused for being
// over the quota. Connect publishes these with the InstanceId and
// MetricGroup dimensions; without MetricGroup a query finds nothing.
type concurrencyMetric struct {
	measure, metric, group string
	// breaches are Connect's own counts of contacts over the quota.
	breaches []string
}

var concurrencyMetrics = []concurrencyMetric{
	{"connect.concurrent_calls", "ConcurrentCalls", "VoiceCalls", []string{"CallsBreachingConcurrencyQuota", "ThrottledCalls"}},
	{"connect.concurrent_chats", "ConcurrentActiveChats", "Chats", []string{"ChatsBreachingActiveChatQuota"}},
	{"connect.concurrent_tasks", "ConcurrentTasks", "Tasks", []string{"TasksBreachingConcurrencyQuota"}},
	{"connect.concurrent_emails", "ConcurrentEmails", "Emails", nil},
	{"connect.concurrent_campaign_calls", "ConcurrentHighVolumeCalls", "VoiceCalls", nil},
}

// APIRatePrefix starts the measure of every "Rate of <Operation> API
// requests" quota: connect.api_rate.<Operation>.
const APIRatePrefix = "connect.api_rate."

// apiRatePeriod is the one-minute period whose Sum, divided by 60, is the
// average request rate of that minute.
const apiRatePeriod = 60

// metrics reads every CloudWatch-measured quota of a Region in as few
// GetMetricData calls as the API allows (500 queries each): the peak of
// every active instance's concurrency metrics, Connect's breach counts
// beside them, and the account's busiest minute of every Connect operation
// with a rate quota (AWS/Usage CallCount, or the usage metric Service
// Quotas names for the quota).
func metrics() Family {
	measures := make([]string, len(concurrencyMetrics))
	for i, m := range concurrencyMetrics {
		measures[i] = m.measure
	}
	return Family{
		Measures: measures,
		Prefix:   APIRatePrefix,
		Region: func(ctx context.Context, env *Env, active []quota.Instance) map[Target]quota.Measurement {
			concPeriod := period(env.Lookback)
			var qs []metricQuery
			var breaches []metricQuery
			for _, in := range active {
				for _, m := range concurrencyMetrics {
					dims := map[string]string{"InstanceId": in.ID, "MetricGroup": m.group}
					t := Target{InstanceID: in.ID, Measure: m.measure}
					qs = append(qs, metricQuery{target: t, namespace: "AWS/Connect", name: m.metric, dimensions: dims, stat: "Maximum", period: concPeriod})
					for _, b := range m.breaches {
						breaches = append(breaches, metricQuery{target: t, namespace: "AWS/Connect", name: b, dimensions: dims, stat: "Sum", period: concPeriod})
					}
				}
			}
			nConc := len(qs)
			qs = append(qs, breaches...)
			nBreach := len(qs)
			// The account's call rates are read with AWS/Usage's own
			// dimensions at once, without waiting for Service Quotas, so
			// that the pacer can size each operation's budget from the
			// customer's use before most calls are made.
			qs = append(qs, apiRateQueries(env, nil)...)

			res := make(map[Target]quota.Measurement, nConc)
			if len(qs) == 0 {
				return res
			}
			window := quota.FormatDuration(env.Lookback)
			peaks, err := readPeaks(ctx, env.Metrics, qs, env.Now.Add(-env.Lookback), env.Now)
			for i, q := range qs {
				switch {
				case i < nConc:
					res[q.target] = peakMeasurement(q, peaks, i, err, window)
				case i < nBreach:
					if err == nil && peaks[i].points > 0 && peaks[i].value > 0 {
						m := res[q.target]
						if m.Err == nil {
							m.Breach = joinBreach(m.Breach, fmt.Sprintf("Connect counted contacts over the quota in the last %s (%s, peak %s per %ds)",
								window, q.name, quota.FormatNumber(peaks[i].value), q.period))
							res[q.target] = m
						}
					}
				default:
					res[q.target] = apiRateMeasurement(env, q, peaks, i, err, window)
				}
			}
			// A quota whose usage metric Service Quotas names differently
			// is read again with that metric. Without limits no quota has
			// another name, and apiRateQueries would give the first round's
			// queries again.
			limits := env.limits()
			if limits == nil {
				return res
			}
			if again := apiRateQueries(env, limits); len(again) > 0 {
				peaks, err := readPeaks(ctx, env.Metrics, again, env.Now.Add(-env.Lookback), env.Now)
				for i, q := range again {
					res[q.target] = apiRateMeasurement(env, q, peaks, i, err, window)
				}
			}
			return res
		},
	}
}

// apiRateMeasurement turns the busiest minute's call count of an
// operation into its average rate that minute, and hands it to env.Pace.
func apiRateMeasurement(env *Env, q metricQuery, peaks []metricPeak, i int, err error, window string) quota.Measurement {
	m := peakMeasurement(q, peaks, i, err, window)
	if m.Err != nil {
		return m
	}
	m.Value = math.Round(m.Value/apiRatePeriod*100) / 100
	m.Note = "busiest minute's average; bursts within a minute can be higher"
	if peaks[i].points == 0 {
		m.Note = "no calls in the last " + window
	}
	if env.Pace != nil {
		env.Pace(strings.TrimPrefix(q.target.Measure, APIRatePrefix), m.Value)
	}
	return m
}

// apiRateQueries builds one query per rate quota of the run: with
// AWS/Usage CallCount's dimensions when limits is nil, else only for the
// quotas whose usage metric Service Quotas names otherwise, with that one.
func apiRateQueries(env *Env, limits *Limits) []metricQuery {
	var qs []metricQuery
	for _, d := range env.Definitions {
		op, ok := strings.CutPrefix(d.Usage.Measure, APIRatePrefix)
		if !ok {
			continue
		}
		q := metricQuery{
			target:    Target{Measure: d.Usage.Measure},
			namespace: "AWS/Usage", name: "CallCount", stat: "Sum", period: apiRatePeriod,
			dimensions: map[string]string{"Service": "Connect", "Type": "API", "Resource": op, "Class": "None"},
		}
		if limits != nil {
			m := limits.UsageMetric(d)
			if m == nil || len(m.MetricDimensions) == 0 {
				continue
			}
			named := metricQuery{target: q.target, namespace: aws.ToString(m.MetricNamespace), name: aws.ToString(m.MetricName),
				dimensions: m.MetricDimensions, stat: q.stat, period: q.period}
			if named.namespace == q.namespace && named.name == q.name && maps.Equal(named.dimensions, q.dimensions) {
				continue
			}
			q = named
		}
		qs = append(qs, q)
	}
	return qs
}

func joinBreach(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func peakMeasurement(q metricQuery, peaks []metricPeak, i int, err error, window string) quota.Measurement {
	switch {
	case err != nil:
		return quota.Measurement{Err: fmt.Errorf("read %s %s: %w", q.namespace, q.name, err)}
	case peaks[i].partial:
		return quota.Measurement{Err: fmt.Errorf("read %s %s: CloudWatch returned partial data", q.namespace, q.name)}
	case peaks[i].points == 0:
		return quota.Measurement{Value: 0, Note: fmt.Sprintf("no datapoints in the last %s: Connect publishes %s only when there is activity, read as 0", window, q.name)}
	}
	return quota.Measurement{Value: peaks[i].value}
}
