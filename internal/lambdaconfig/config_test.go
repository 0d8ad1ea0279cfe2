package lambdaconfig

import (
	"bufio"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/collect"
	"github.com/cqmon/cqmon/internal/emf"
	"github.com/cqmon/cqmon/internal/quota"
)

var update = flag.Bool("update", false, "rewrite testdata/*.err from the current messages")

// env returns a getenv over a map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want func(c *Config)
	}{
		{name: "empty environment gives the defaults", env: nil, want: func(*Config) {}},
		{
			name: "the Python Lambda's variables",
			env: map[string]string{
				EnvThreshold: "75", EnvTopicARN: "arn:aws:sns:eu-west-2:123456789012:ConnectQuotaAlerts",
				EnvUseS3: "TRUE", EnvBucket: "cqmon-history", EnvUseDynamoDB: "true", EnvTable: "ConnectQuotaMonitor",
			},
			want: func(c *Config) {
				c.Threshold, c.TopicARN = 75, "arn:aws:sns:eu-west-2:123456789012:ConnectQuotaAlerts"
				c.UseS3, c.Bucket, c.UseDynamoDB, c.Table = true, "cqmon-history", true, "ConnectQuotaMonitor"
			},
		},
		{
			name: "cqmon's own variables",
			env: map[string]string{
				EnvRegions: " us-east-1, eu-west-2 ,", EnvLookback: "7d", EnvRemindAfter: "90m", EnvHysteresis: "2.5",
				EnvMute: "code:L-22922690\ninstance:acme-test", EnvRetentionDays: "30",
				EnvKMSKeyID:  "arn:aws:kms:us-east-1:123456789012:key/0f4a8c4e-1d7b-4c9e-9a39-6b1f2c3d4e5f",
				EnvRateShare: "0.25", EnvRateShareMax: "0.6", EnvMaxParents: "0", EnvLogLevel: "debug", EnvSkipServices: "voiceid, cases", EnvChatbot: "true",
				EnvMetricsNamespace: "Contact/Quotas", EnvMetrics: "above:50",
				EnvThresholds: "code:L-12AB7C57=70;name:Rate of *=95", EnvSingletons: "true",
			},
			want: func(c *Config) {
				c.Regions = []string{"us-east-1", "eu-west-2"}
				c.Lookback, c.RemindAfter, c.Hysteresis = 7*24*time.Hour, 90*time.Minute, 2.5
				c.Mutes = []alert.Mute{{Kind: alert.MuteCode, Value: "L-22922690"}, {Kind: alert.MuteInstance, Value: "acme-test"}}
				c.RetentionDays = 30
				c.KMSKeyID = "arn:aws:kms:us-east-1:123456789012:key/0f4a8c4e-1d7b-4c9e-9a39-6b1f2c3d4e5f"
				c.RateShare, c.RateShareMax, c.MaxParents, c.LogLevel = 0.25, 0.6, 0, slog.LevelDebug
				c.MetricsNamespace = "Contact/Quotas"
				c.Metrics, _ = emf.ParseSelection("above:50")
				c.Thresholds = []quota.ThresholdRule{{Kind: quota.ThresholdCode, Quota: "L-12AB7C57", Percent: 70},
					{Kind: quota.ThresholdName, Quota: "Rate of *", Percent: 95}}
				c.AlertSingletons = true
				c.SkipServices, c.Chatbot = []string{"voiceid", "cases"}, true
			},
		},
		{
			name: "store names are ignored while the store is off",
			env:  map[string]string{EnvUseS3: "false", EnvBucket: "Not_A_Bucket", EnvUseDynamoDB: "false", EnvTable: "x"},
			want: func(c *Config) { c.Bucket, c.Table = "Not_A_Bucket", "x" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(env(tt.env))
			if err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			want := Default()
			tt.want(&want)
			if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Config{})); diff != "" {
				t.Errorf("Load() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadInvalid reads testdata/invalid-<case>.env (NAME=value lines)
// and wants exactly the message in invalid-<case>.err.
func TestLoadInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid-*.env")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/invalid-*.env cases (%v)", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".env")
		t.Run(name, func(t *testing.T) {
			_, err := Load(env(readEnv(t, file)))
			if err == nil {
				t.Fatal("Load() accepted it")
			}
			errFile := strings.TrimSuffix(file, ".env") + ".err"
			if *update {
				if err := os.WriteFile(errFile, []byte(err.Error()+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, rerr := os.ReadFile(errFile)
			if rerr != nil {
				t.Fatalf("%v (run with -update to create it)", rerr)
			}
			if got := err.Error(); got != strings.TrimSuffix(string(want), "\n") {
				t.Errorf("Load() error:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func readEnv(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m
}

func TestValidateNamesCodeBuiltValues(t *testing.T) {
	c := Default()
	c.Lookback = 30 * 24 * time.Hour
	c.Threshold = 0.5
	want := `THRESHOLD_PERCENTAGE: "0.5" is outside 1-99` + "\n" + `CQMON_LOOKBACK: "30d" is outside 1m-14d`
	if err := c.Validate(); err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want:\n%s", err, want)
	}
}

func TestRequiredActions(t *testing.T) {
	scan := collect.IAMActions()
	all := Default()
	all.UseS3, all.Bucket, all.UseDynamoDB, all.Table = true, "b-1", true, "t-1"
	all.TopicARN, all.KMSKeyID = "arn:aws:sns:us-east-1:123456789012:alerts", "alias/cqmon"
	got := RequiredActions(all)
	extra := []string{"dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:Query", "kms:Decrypt", "kms:GenerateDataKey",
		"s3:GetObject", "s3:ListBucket", "s3:PutObject", "sns:Publish"}
	if len(got) != len(scan)+len(extra) {
		t.Errorf("RequiredActions(all) has %d actions, want the scan's %d and %v", len(got), len(scan), extra)
	}
	for _, a := range append(scan, extra...) {
		if !contains(got, a) {
			t.Errorf("RequiredActions(all) lacks %s", a)
		}
	}
	if diff := cmp.Diff(scan, RequiredActions(Default())); diff != "" {
		t.Errorf("RequiredActions(no stores, no topic) is not the scan's list (-want +got):\n%s", diff)
	}
	for _, a := range append(got, PlatformActions(true)...) {
		if strings.Contains(a, "*") {
			t.Errorf("action %q is a wildcard", a)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
