package store

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/quota"
)

// outage is a store that can be taken down: every call fails while down.
type outage struct {
	Store
	down atomic.Bool
}

var errDown = errors.New("connection refused")

func (o *outage) LoadAlertStates(ctx context.Context, account, region string) ([]quota.AlertState, error) {
	if o.down.Load() {
		return nil, errDown
	}
	return o.Store.LoadAlertStates(ctx, account, region)
}

func (o *outage) SaveAlertStates(ctx context.Context, put, del []quota.AlertState) error {
	if o.down.Load() {
		return errDown
	}
	return o.Store.SaveAlertStates(ctx, put, del)
}

// recorder is an alert channel that keeps what it was sent.
type recorder struct{ sent []string }

func (r *recorder) Send(_ context.Context, m alert.Message) error {
	var marks []string
	for _, it := range append(m.Violations, m.Recovered...) {
		marks = append(marks, string(it.Mark))
	}
	r.sent = append(r.sent, string(m.Kind)+" "+strings.Join(marks, ","))
	return nil
}

func (r *recorder) String() string { return "recorder" }

// TestTwoStoresOneMemory plays the sequences against DynamoDB and
// S3 (moto), one of them down for the middle run: every run sends what
// the last word told calls for, whichever store missed it.
func TestTwoStoresOneMemory(t *testing.T) {
	type run struct {
		down  string // "dynamodb", "s3" or ""
		usage float64
		want  string // the message sent, "" for none
	}
	tests := []struct {
		name string
		runs []run
	}{
		{"recovery told while DynamoDB was down, then high again", []run{
			{"", 90, "alert new"},
			{"dynamodb", 50, "recovery recovered"},
			{"", 90, "alert new"},
		}},
		{"recovery told while S3 was down, then high again", []run{
			{"", 90, "alert new"},
			{"s3", 50, "recovery recovered"},
			{"", 90, "alert new"},
		}},
		{"recovery told while DynamoDB was down, then still low", []run{
			{"", 90, "alert new"},
			{"dynamodb", 50, "recovery recovered"},
			{"", 50, ""},
			{"s3", 50, ""},
		}},
		{"alert told while S3 was down, then still high", []run{
			{"", 50, ""},
			{"s3", 90, "alert new"},
			{"", 90, ""},
			{"dynamodb", 90, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ddb, _ := newTable(t)
			bucket, _ := newBucket(t, Options{})
			stores := map[string]*outage{"dynamodb": {Store: ddb}, "s3": {Store: bucket}}
			m := NewMulti(stores["dynamodb"], stores["s3"])
			m.backoff = time.Millisecond
			for i, r := range tt.runs {
				for name, s := range stores {
					s.down.Store(name == r.down)
				}
				now := base.Add(time.Duration(i) * time.Hour)
				cfg := alert.DefaultConfig()
				cfg.Now = func() time.Time { return now }
				ch := &recorder{}
				n := &alert.Notifier{Store: m, Channels: []alert.Channel{ch}, Config: cfg}
				_, err := n.Run(context.Background(), alertReport(now, r.usage))
				if got := strings.Join(ch.sent, "; "); got != r.want {
					t.Fatalf("run %d (%s down): sent %q, want %q", i+1, r.down, got, r.want)
				}
				if r.down != "" && (err == nil || !strings.Contains(err.Error(), r.down)) {
					t.Errorf("run %d: error %v does not say that %s was not read or written", i+1, err, r.down)
				}
				if r.down == "" && err != nil {
					t.Errorf("run %d: %v", i+1, err)
				}
			}
			// With both up, the stores hold the same memory again.
			d, err1 := ddb.LoadAlertStates(context.Background(), "123456789012", "us-east-1")
			s, err2 := bucket.LoadAlertStates(context.Background(), "123456789012", "us-east-1")
			if err := errors.Join(err1, err2); err != nil {
				t.Fatal(err)
			}
			if len(d) != len(s) || len(d) > 0 && !d[0].Same(s[0]) {
				t.Errorf("the stores disagree after a run with both up:\n dynamodb %+v\n s3       %+v", d, s)
			}
		})
	}
}

// alertReport is a run with one instance and one quota at usage/100.
func alertReport(at time.Time, usage float64) *quota.Report {
	rs := []quota.Result{result(users, usage, 100)}
	return &quota.Report{
		SchemaVersion: quota.SchemaVersion, RunID: at.Format("20060102T150405Z"), StartedAt: at, AccountID: "123456789012",
		Regions: []string{"us-east-1"}, Threshold: 80,
		Instances: []quota.InstanceReport{{InstanceID: instA, InstanceAlias: "prod", Region: "us-east-1",
			InstanceStatus: "ACTIVE", Metrics: rs, Summary: quota.Summarize(rs)}},
		Account: quota.AccountReport{Metrics: []quota.Result{}},
	}
}
