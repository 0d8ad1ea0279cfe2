package sim_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cqmon/cqmon/internal/sim"
)

var simNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const metricsScenario = `{
  "account": "123456789012",
  "regions": ["us-east-1"],
  "instances": [
    {"id": "11111111-2222-4333-8444-555555555555", "alias": "busy"},
    {"id": "66666666-7777-4888-9999-aaaaaaaaaaaa", "alias": "idle"}
  ],
  "metrics": [
    {"namespace": "AWS/Connect", "metric": "ConcurrentCalls", "dimensions": {"InstanceId": "busy", "MetricGroup": "VoiceCalls"},
     "points": [{"ago": "1m", "value": 5}, {"ago": "2m", "value": 9}, {"ago": "3m", "value": 7}, {"ago": "2m30s", "value": 3},
                {"ago": "30m", "value": 100}, {"at": "2026-06-01T11:55:00Z", "value": 4}]},
    {"namespace": "AWS/Connect", "metric": "ConcurrentTasks", "dimensions": {"InstanceId": "busy", "MetricGroup": "Tasks"},
     "generate": {"every": "5m", "span": "1h", "values": [10, 20, 30]}}
  ],
  "throttle": {"disabled": true}
}`

func metricQuery(id, instanceID, metric, group, stat string, period int32) types.MetricDataQuery {
	return types.MetricDataQuery{Id: aws.String(id), MetricStat: &types.MetricStat{
		Metric: &types.Metric{Namespace: aws.String("AWS/Connect"), MetricName: aws.String(metric), Dimensions: []types.Dimension{
			{Name: aws.String("InstanceId"), Value: aws.String(instanceID)},
			{Name: aws.String("MetricGroup"), Value: aws.String(group)},
		}},
		Period: aws.Int32(period), Stat: aws.String(stat)}}
}

type series struct {
	ID, Label, Status string
	Times             []time.Time
	Values            []float64
}

func flatten(rs []types.MetricDataResult) []series {
	var out []series
	for _, r := range rs {
		s := series{ID: aws.ToString(r.Id), Label: aws.ToString(r.Label), Status: string(r.StatusCode), Values: r.Values}
		for _, t := range r.Timestamps {
			s.Times = append(s.Times, t.UTC())
		}
		out = append(out, s)
	}
	return out
}

func TestGetMetricData(t *testing.T) {
	c := start(t, scenario(t, metricsScenario), testRegion, sim.WithClock(func() time.Time { return simNow }))
	at := func(hhmm string) time.Time {
		t, _ := time.Parse("15:04", hhmm)
		return time.Date(2026, 6, 1, t.Hour(), t.Minute(), 0, 0, time.UTC)
	}
	tests := []struct {
		name  string
		query types.MetricDataQuery
		want  series
	}{
		{"maximum over ten minutes", metricQuery("calls", bigID, "ConcurrentCalls", "VoiceCalls", "Maximum", 600),
			series{ID: "calls", Label: "ConcurrentCalls", Status: "Complete", Times: []time.Time{at("11:50")}, Values: []float64{9}}},
		{"per minute, newest first", metricQuery("m", bigID, "ConcurrentCalls", "VoiceCalls", "Maximum", 60),
			series{ID: "m", Label: "ConcurrentCalls", Status: "Complete",
				Times: []time.Time{at("11:59"), at("11:58"), at("11:57"), at("11:55")}, Values: []float64{5, 9, 7, 4}}},
		{"sum", metricQuery("s", bigID, "ConcurrentCalls", "VoiceCalls", "Sum", 600),
			series{ID: "s", Label: "ConcurrentCalls", Status: "Complete", Times: []time.Time{at("11:50")}, Values: []float64{28}}},
		{"sample count", metricQuery("n", bigID, "ConcurrentCalls", "VoiceCalls", "SampleCount", 600),
			series{ID: "n", Label: "ConcurrentCalls", Status: "Complete", Times: []time.Time{at("11:50")}, Values: []float64{5}}},
		{"generated every five minutes", metricQuery("tasks", bigID, "ConcurrentTasks", "Tasks", "Maximum", 600),
			series{ID: "tasks", Label: "ConcurrentTasks", Status: "Complete", Times: []time.Time{at("11:50")}, Values: []float64{30}}},
		{"no activity", metricQuery("idle", smallID, "ConcurrentCalls", "VoiceCalls", "Maximum", 600),
			series{ID: "idle", Label: "ConcurrentCalls", Status: "Complete"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.cw.GetMetricData(context.Background(), &cloudwatch.GetMetricDataInput{
				StartTime: aws.Time(simNow.Add(-10 * time.Minute)), EndTime: aws.Time(simNow),
				MetricDataQueries: []types.MetricDataQuery{tt.query}})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]series{tt.want}, flatten(out.MetricDataResults), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetMetricDataPagination(t *testing.T) {
	c := start(t, scenario(t, metricsScenario), testRegion, sim.WithClock(func() time.Time { return simNow }))
	p := cloudwatch.NewGetMetricDataPaginator(c.cw, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(simNow.Add(-time.Hour)), EndTime: aws.Time(simNow), MaxDatapoints: aws.Int32(5),
		MetricDataQueries: []types.MetricDataQuery{
			metricQuery("tasks", bigID, "ConcurrentTasks", "Tasks", "Average", 300),
			metricQuery("calls", bigID, "ConcurrentCalls", "VoiceCalls", "Maximum", 60),
		}})
	var got []string
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.MetricDataResults {
			got = append(got, fmt.Sprintf("%s:%d:%s", aws.ToString(r.Id), len(r.Values), r.StatusCode))
		}
	}
	want := []string{"tasks:5:PartialData", "tasks:5:PartialData", "tasks:2:Complete", "calls:3:PartialData", "calls:2:Complete"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
}

func TestGetMetricDataErrors(t *testing.T) {
	c := start(t, scenario(t, metricsScenario), testRegion, sim.WithClock(func() time.Time { return simNow }))
	many := make([]types.MetricDataQuery, 501)
	for i := range many {
		many[i] = metricQuery(fmt.Sprintf("q%d", i), bigID, "ConcurrentCalls", "VoiceCalls", "Maximum", 60)
	}
	one := []types.MetricDataQuery{metricQuery("q", bigID, "ConcurrentCalls", "VoiceCalls", "Maximum", 60)}
	tests := []struct {
		name     string
		in       *cloudwatch.GetMetricDataInput
		wantCode string
	}{
		{"501 queries", &cloudwatch.GetMetricDataInput{StartTime: aws.Time(simNow.Add(-time.Hour)), EndTime: aws.Time(simNow), MetricDataQueries: many}, "ValidationError"},
		{"bad token", &cloudwatch.GetMetricDataInput{StartTime: aws.Time(simNow.Add(-time.Hour)), EndTime: aws.Time(simNow), MetricDataQueries: one, NextToken: aws.String("bogus")}, "InvalidNextToken"},
		{"start after end", &cloudwatch.GetMetricDataInput{StartTime: aws.Time(simNow), EndTime: aws.Time(simNow.Add(-time.Hour)), MetricDataQueries: one}, "ValidationError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.cw.GetMetricData(context.Background(), tt.in)
			if code, status := errorCode(err); code != tt.wantCode || status != 400 {
				t.Errorf("got %s %d (%v), want %s 400", code, status, err, tt.wantCode)
			}
		})
	}
}
