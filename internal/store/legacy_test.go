package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
)

// pythonRecord is a record as the Python Lambda wrote it, on day -d before
// base: a zone-less timestamp, the values under its names (a number, a
// numeric string, "N/A" for a value it could not read), codes of its own
// making next to real ones, statuses in capitals.
func pythonRecord(d int) map[string]any {
	at := base.Add(-time.Duration(d) * 24 * time.Hour)
	users := 50 + 10 - d
	return map[string]any{
		"id":               fmt.Sprintf("instance_%s_%d", instA[:8], at.Unix()),
		"timestamp":        at.Format("2006-01-02T15:04:05") + ".123456",
		"instance_id":      instA,
		"instance_alias":   "prod",
		"metrics_count":    3,
		"violations_count": 0,
		"metrics": []any{
			map[string]any{"quota_name": "Users per instance", "quota_code": "L-AAAAAAAA", "current_usage": users,
				"quota_limit": 100, "utilization_percentage": fmt.Sprint(users), "status": "OK", "category": "Users"},
			map[string]any{"quota_name": "Flow modules per instance", "quota_code": "L-FLOWMODS", "current_usage": "N/A",
				"quota_limit": 100, "utilization_percentage": 0, "status": "UNKNOWN"},
			map[string]any{"quota_name": "Queues per instance", "quota_code": "", "current_usage": 4,
				"quota_limit": 50, "utilization_percentage": 8.0, "status": "OK"},
		},
		"summary": map[string]any{"max_utilization": float64(users), "avg_utilization": 20.0},
	}
}

// legacyWant is what every backend reads from the Lambda's records of
// days 3, 2 and 1 and cqmon's run 0.
var legacyWant = struct{ users, flowModules, queues []string }{
	users: []string{
		"2025-02-26T10:00:00Z aaaaaaa  L-AAAAAAAA 57/100 57% ok",
		"2025-02-27T10:00:00Z aaaaaaa  L-AAAAAAAA 58/100 58% ok",
		"2025-02-28T10:00:00Z aaaaaaa  L-AAAAAAAA 59/100 59% ok",
		"2025-03-01T10:00:00Z aaaaaaa us-east-1 L-AAAAAAAA 70/100 70% ok",
	},
	// The Lambda's made-up code is dropped: the entry answers to its name,
	// and its unreadable usage is unknown, not 0.
	flowModules: []string{
		"2025-02-26T10:00:00Z aaaaaaa   -/100 -% unknown",
		"2025-02-27T10:00:00Z aaaaaaa   -/100 -% unknown",
		"2025-02-28T10:00:00Z aaaaaaa   -/100 -% unknown",
		"2025-03-01T10:00:00Z aaaaaaa us-east-1 connect.flow_modules -/- -% unknown",
	},
	queues: []string{
		"2025-02-26T10:00:00Z aaaaaaa   4/50 8% ok",
		"2025-02-27T10:00:00Z aaaaaaa   4/50 8% ok",
		"2025-02-28T10:00:00Z aaaaaaa   4/50 8% ok",
	},
}

// checkLegacy reads the Lambda's records back from st, next to cqmon's.
func checkLegacy(t *testing.T, st Store, each func(context.Context, []string, time.Time, func(Run) error) error) {
	t.Helper()
	ctx := context.Background()
	if err := st.WriteRun(ctx, fixture(0)); err != nil {
		t.Fatal(err)
	}
	for quota, want := range map[string][]string{
		"L-AAAAAAAA": legacyWant.users, "users per instance": legacyWant.users,
		"Flow modules per instance": legacyWant.flowModules, "Queues per instance": legacyWant.queues,
	} {
		ps, err := st.QuotaSeries(ctx, Query{InstanceID: instA, Quota: quota})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, pointLines(ps)); diff != "" {
			t.Errorf("QuotaSeries(%q) (-want +got):\n%s", quota, diff)
		}
	}
	runs, err := st.Runs(ctx, Query{InstanceID: instA})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 4 {
		t.Errorf("Runs of %s: %d, want the Lambda's 3 and cqmon's 1", instA, len(runs))
	}
	var got []string
	err = each(ctx, []string{instA, AccountInstanceID}, base.Add(-50*time.Hour), func(r Run) error {
		got = append(got, r.Time.Format(time.RFC3339)+" "+r.InstanceID[:7])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2025-02-27T10:00:00Z aaaaaaa", "2025-02-28T10:00:00Z aaaaaaa", "2025-03-01T10:00:00Z aaaaaaa", "2025-03-01T10:00:00Z account"}
	if diff := cmp.Diff(want, sortedLines(got)); diff != "" {
		t.Errorf("EachRun (-want +got):\n%s", diff)
	}
}

func sortedLines(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestDynamoDBReadsThePythonLambdasItems(t *testing.T) {
	st, client := newTable(t)
	for d := 3; d >= 1; d-- {
		item, err := toItem(pythonRecord(d))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(st.table), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	checkLegacy(t, st, st.EachRun)
}

func TestS3ReadsThePythonLambdasObjects(t *testing.T) {
	st, client := newBucket(t, Options{})
	for d := 3; d >= 1; d-- {
		at := base.Add(-time.Duration(d) * 24 * time.Hour)
		body, err := json.Marshal(pythonRecord(d))
		if err != nil {
			t.Fatal(err)
		}
		key := "cqmon/connect-metrics/" + at.Format("2006/01/02") + "/instance-metrics-" + at.Format("20060102_150405") + ".json"
		if _, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(st.bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	checkLegacy(t, st, st.EachRun)
}

// TestLocalEachRun reads only the instances asked for, from since on.
func TestLocalEachRun(t *testing.T) {
	l, _ := openTestLocal(t, Options{})
	ctx := context.Background()
	for i := range 3 {
		if err := l.WriteRun(ctx, fixture(i)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	err := l.EachRun(ctx, []string{instB}, base.Add(time.Hour), func(r Run) error {
		got = append(got, r.Time.Format(time.RFC3339)+" "+r.InstanceID[:7])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2025-03-01T11:00:00Z bbbbbbb", "2025-03-01T12:00:00Z bbbbbbb"}, got); diff != "" {
		t.Errorf("EachRun (-want +got):\n%s", diff)
	}
}
