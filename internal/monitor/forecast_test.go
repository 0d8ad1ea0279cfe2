package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

const bigID = "11111111-aaaa-4000-8000-000000000001"

// Users of instance "big" now, and their growth per day before this run.
const (
	usersNow    = 2160
	usersPerDay = 12
)

// pythonHistory is what the Python Lambda wrote about instance "big" on
// each of the 30 days before the run, at this hour: users growing about
// 12 a day towards the 3000 applied to the instance, contact flows (a
// code of its own making) and queues (no code) flat.
type pythonItem struct {
	at                     time.Time
	users, flows, queues   float64
	usersPct, flowsPct, qp float64
}

func pythonHistory() []pythonItem {
	var out []pythonItem
	for k := 30; k >= 1; k-- {
		users := float64(usersNow-usersPerDay*k) + float64((k*7)%5-2) // ±2 of the trend
		out = append(out, pythonItem{at: testNow.Add(-time.Duration(k) * 24 * time.Hour),
			users: users, flows: 120, queues: 45, usersPct: users / 30, flowsPct: 80, qp: 90})
	}
	return out
}

// document is the item or object, as the Lambda's Python wrote it: a
// zone-less timestamp and its metric field names.
func (p pythonItem) document() map[string]any {
	metric := func(name, code string, usage, limit, pct float64) map[string]any {
		return map[string]any{"quota_name": name, "quota_code": code, "current_usage": usage, "quota_limit": limit,
			"utilization_percentage": math.Round(pct*100) / 100, "status": "OK", "category": "Amazon Connect"}
	}
	return map[string]any{
		"id":               fmt.Sprintf("instance_%s_%d", bigID[:8], p.at.Unix()),
		"timestamp":        p.at.Format("2006-01-02T15:04:05.000000"),
		"instance_id":      bigID,
		"instance_alias":   "big",
		"metrics_count":    3,
		"violations_count": 1,
		"metrics": []any{
			metric("Users per instance", "L-9A46857E", p.users, 3000, p.usersPct),
			metric("Contact flows per instance", "CONTACT_FLOWS", p.flows, 150, p.flowsPct),
			metric("Queues per instance", "", p.queues, 50, p.qp),
		},
		"summary": map[string]any{"max_utilization": p.qp, "avg_utilization": (p.usersPct + p.flowsPct + p.qp) / 3},
	}
}

// seed writes the Lambda's history into a new table or bucket in moto and
// returns the store spec.
func seed(t *testing.T, kind string) string {
	t.Helper()
	ctx := context.Background()
	url, cfg := mototest.URL(t), mototest.Config(t)
	name := fmt.Sprintf("cqmon-forecast-%d", time.Now().UnixNano())
	switch kind {
	case "dynamodb":
		c := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(url) })
		if _, err := c.CreateTable(ctx, store.TableDefinition(name)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pythonHistory() {
			item := mototest.Item(p.document())
			if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name), Item: item}); err != nil {
				t.Fatal(err)
			}
		}
		return "dynamodb:" + name
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(url), true })
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	for _, p := range pythonHistory() {
		body, _ := json.Marshal(p.document())
		key := "connect-metrics/" + p.at.Format("2006/01/02") + "/instance-metrics-" + p.at.Format("20060102_150405") + ".json"
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(name), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	return "s3://" + name + "/"
}

// TestForecastFromThePythonLambdasHistory: a scan whose store holds 30
// daily items of the Python Lambda forecasts the growing users quota as
// the arithmetic does, and flat quotas not at all; the forecast alerts
// once within the horizon.
func TestForecastFromThePythonLambdasHistory(t *testing.T) {
	for _, kind := range []string{"dynamodb", "s3"} {
		t.Run(kind, func(t *testing.T) {
			sc := scenario(t)
			sc.Instances[0].Counts["users"] = usersNow
			var out bytes.Buffer
			r := runnerOf(t, sc, []string{seed(t, kind)}, &out)
			r.Options.Alert.Horizon = 90 * 24 * time.Hour

			rep, sum, err := r.Run(context.Background())
			if err != nil {
				t.Fatalf("Run: %v (errors %v)", err, sum.Errors)
			}
			got := map[string]*quota.Forecast{}
			withForecast := 0
			for _, in := range rep.Instances {
				for _, m := range in.Metrics {
					if in.InstanceID == bigID {
						got[m.QuotaName] = m.Forecast
					}
					if m.Forecast != nil {
						withForecast++
					}
				}
			}
			users := got["Users per instance"]
			want := float64(3000-usersNow) / usersPerDay // 70 days
			if users == nil {
				t.Fatalf("no forecast for users; report errors %v", rep.Errors)
			}
			t.Logf("users: %+v (arithmetic: %.1f days)", *users, want)
			if math.Abs(users.DaysToLimit-want) > 0.15*want {
				t.Errorf("users full in %.1f days, want %.1f within 15%%", users.DaysToLimit, want)
			}
			if users.Points < 29 || users.Method != "theil-sen" || !(users.DaysLow <= users.DaysToLimit && users.DaysToLimit <= users.DaysHigh) {
				t.Errorf("users forecast %+v", *users)
			}
			for _, flat := range []string{"Contact flows per instance", "Queues per instance"} {
				if f, ok := got[flat]; !ok || f != nil {
					t.Errorf("%s: forecast %+v (reported %v), want none for a flat quota", flat, f, ok)
				}
			}
			if withForecast != 1 || sum.Forecasts != 1 {
				t.Errorf("%d forecasts in the report, %d in the summary; want only the users'", withForecast, sum.Forecasts)
			}
			line := fmt.Sprintf("Users per instance: %d/3000 (72.0%%), full in ~%.0f days at +12/day  [forecast, new]", usersNow, users.DaysToLimit)
			if !strings.Contains(out.String(), line) {
				t.Errorf("alerts do not hold %q:\n%s", line, out.String())
			}

			// The next run remembers it told, and now reads cqmon's own
			// record of this run too.
			out.Reset()
			r.Options.Now = func() time.Time { return testNow.Add(time.Hour) }
			if _, _, err = r.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), "[forecast, new]") || strings.Contains(out.String(), "reminder]") {
				t.Errorf("second run told the forecast again:\n%s", out.String())
			}
		})
	}
}
