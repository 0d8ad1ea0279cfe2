package lambdaconfig

import (
	"strings"
	"testing"
)

// FuzzLoad sets every variable the function reads from fuzzed values:
// Load never panics, and each line of its error names the variable it is
// about. (That a configuration it accepts gives valid run options is
// cmd/cqmon-lambda's FuzzRunOptions.)
func FuzzLoad(f *testing.F) {
	f.Add("75", "arn:aws:sns:eu-west-2:123456789012:ConnectQuotaAlerts", "TRUE", "cqmon-history", "true", "ConnectQuotaMonitor",
		"us-east-1, eu-west-2", "7d", "90m", "2.5", "code:L-22922690\ninstance:acme-test", "30", "alias/cqmon", "0.25", "0", "debug")
	f.Add("", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "")
	f.Add("150", "https://user:pass@hooks.slack.com/services/x", "yes", "Not_A_Bucket", "1", "x",
		"moon", "20d", "0s", "-1", "color:red", "0", "my key", "2", "-1", "loud")
	f.Add("1e309", "arn:aws:sns:us-east-1:123456789012:t.fifo", "false", "", "false", "", ",,", "1000000d", "1m", "80", ",", "3651", "mrk-0", "0.05", "9999999999999999999", "WARN")
	f.Fuzz(func(t *testing.T, threshold, topic, useS3, bucket, useDynamo, table, regions, lookback, remind, hysteresis, mute, retention, kms, share, parents, level string) {
		vals := map[string]string{
			EnvThreshold: threshold, EnvTopicARN: topic, EnvUseS3: useS3, EnvBucket: bucket,
			EnvUseDynamoDB: useDynamo, EnvTable: table, EnvRegions: regions, EnvLookback: lookback,
			EnvRemindAfter: remind, EnvHysteresis: hysteresis, EnvMute: mute, EnvRetentionDays: retention,
			EnvKMSKeyID: kms, EnvRateShare: share, EnvMaxParents: parents, EnvLogLevel: level,
		}
		_, err := Load(func(k string) string { return vals[k] })
		if err == nil {
			return
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !namesAVariable(line) {
				t.Fatalf("error line %q names no variable", line)
			}
		}
	})
}

func namesAVariable(line string) bool {
	for _, v := range Vars {
		if strings.HasPrefix(line, v+": ") {
			return true
		}
	}
	return false
}
