package deploy

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cqmon/cqmon/internal/lambdaconfig"
)

// stand-ins for the variables the template fills from its own resources.
var resourceValues = map[string]string{
	lambdaconfig.EnvTopicARN: "arn:aws:sns:us-east-1:123456789012:cqmon-AlertTopic-1",
	lambdaconfig.EnvBucket:   "cqmon-historybucket-1",
	lambdaconfig.EnvTable:    "cqmon-HistoryTable-1",
	lambdaconfig.EnvKMSKeyID: "arn:aws:kms:us-east-1:123456789012:key/0f4a8c4e-1d7b-4c9e-9a39-6b1f2c3d4e5f",
}

// variableParams maps each variable set from a parameter to it.
func variableParams(t *testing.T, tpl template) map[string]string {
	t.Helper()
	params := tpl.section(t, "Parameters")
	out := map[string]string{}
	for name, v := range tpl.environment(t) {
		if p, ok := path(v, "Ref").(string); ok && params[p] != nil {
			out[name] = p
		}
	}
	return out
}

// defaultsEnv is the environment a stack deployed with every default gives
// the function.
func defaultsEnv(t *testing.T, tpl template) map[string]string {
	t.Helper()
	params := tpl.section(t, "Parameters")
	env := map[string]string{}
	for k, v := range resourceValues {
		env[k] = v
	}
	for name, p := range variableParams(t, tpl) {
		env[name] = fmt.Sprint(path(params[p], "Default"))
	}
	return env
}

func load(env map[string]string) (lambdaconfig.Config, error) {
	return lambdaconfig.Load(func(k string) string { return env[k] })
}

// The template's defaults are the function's defaults, and pass its
// validation.
func TestTemplateDefaultsAreTheFunctionDefaults(t *testing.T) {
	tpl := loadTemplate(t)
	got, err := load(defaultsEnv(t, tpl))
	if err != nil {
		t.Fatalf("the template's defaults fail the function's check: %v", err)
	}
	want := lambdaconfig.Default()
	want.TopicARN, want.KMSKeyID = resourceValues[lambdaconfig.EnvTopicARN], resourceValues[lambdaconfig.EnvKMSKeyID]
	want.UseS3, want.Bucket = true, resourceValues[lambdaconfig.EnvBucket]
	want.UseDynamoDB, want.Table = true, resourceValues[lambdaconfig.EnvTable]
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(lambdaconfig.Config{})); diff != "" {
		t.Errorf("configuration of a default stack (-function defaults +template defaults):\n%s", diff)
	}
}

// Each parameter's constraints are the function's: its bounds are
// accepted and the values just past them refused, each allowed value is
// accepted, and values its pattern admits parse.
func TestParameterConstraintsMatchTheFunction(t *testing.T) {
	tpl := loadTemplate(t)
	params := tpl.section(t, "Parameters")
	base := defaultsEnv(t, tpl)
	try := func(name, value string) error {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		env[name] = value
		if name == lambdaconfig.EnvThreshold {
			// The hysteresis must stay below the threshold.
			env[lambdaconfig.EnvHysteresis] = "0"
		}
		_, err := load(env)
		return err
	}
	patternSamples := map[string][]string{
		"Lookback":         {"1m", "90m", "1h", "1h30m", "36h", "7d", "14d"},
		"RemindAfter":      {"1m", "2h", "24h", "7d"},
		"Regions":          {"us-east-1", "us-east-1,eu-west-2", "ap-southeast-2,us-gov-west-1"},
		"MetricsNamespace": {"cqmon", "Contact/Quotas", "team.ops:cqmon#1"},
		"MetricQuotas":     {"default", "all", "none", "above:0", "above:1", "above:50.5", "above:100"},
		"QuotaThresholds": {"", "code:L-12AB7C57=70", "code:L-12AB7C57=70;name:Rate of *=95",
			"instance:acme-prod/code:L-9A46857E=60.5;name:Users*=90"},
		"SkipServices": {"voiceid", "voiceid,cases", "connect-campaigns,app-integrations"},
	}
	for name, param := range variableParams(t, tpl) {
		p, _ := params[param].(map[string]any)
		t.Run(param, func(t *testing.T) {
			checked := false
			if min, ok := number(p["MinValue"]); ok {
				checked = true
				if err := try(name, format(min)); err != nil {
					t.Errorf("MinValue %v refused: %v", min, err)
				}
				if err := try(name, format(min-0.01)); err == nil || !strings.Contains(err.Error(), name) {
					t.Errorf("%v (below MinValue) = %v, want an error naming %s", format(min-0.01), err, name)
				}
			}
			if max, ok := number(p["MaxValue"]); ok {
				checked = true
				if err := try(name, format(max)); err != nil {
					t.Errorf("MaxValue %v refused: %v", max, err)
				}
				if err := try(name, format(max+0.01)); err == nil || !strings.Contains(err.Error(), name) {
					t.Errorf("%v (above MaxValue) = %v, want an error naming %s", format(max+0.01), err, name)
				}
			}
			if allowed, ok := p["AllowedValues"].([]any); ok {
				checked = true
				for _, v := range allowed {
					if err := try(name, fmt.Sprint(v)); err != nil {
						t.Errorf("allowed value %v refused: %v", v, err)
					}
				}
			}
			if pattern, ok := p["AllowedPattern"].(string); ok {
				checked = true
				re := regexp.MustCompile(pattern)
				for _, v := range patternSamples[param] {
					if !re.MatchString(v) {
						t.Errorf("AllowedPattern refuses %q", v)
					}
					if err := try(name, v); err != nil {
						t.Errorf("%q refused: %v", v, err)
					}
				}
				if len(patternSamples[param]) == 0 {
					t.Errorf("no samples to check AllowedPattern %q with", pattern)
				}
			}
			if !checked && param != "MuteList" {
				t.Errorf("parameter %s has no constraint to check", param)
			}
		})
	}
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func format(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// The function's settings have the bounds Lambda and the function agree
// on, in the template and in deploy.sh's own checks.
func TestFunctionSettingsBounds(t *testing.T) {
	params := loadTemplate(t).section(t, "Parameters")
	script, err := os.ReadFile("deploy.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		param, flag string
		min, max    int
	}{
		{"LambdaMemory", "--memory", lambdaconfig.MinMemoryMB, lambdaconfig.MaxMemoryMB},
		{"LambdaTimeout", "--timeout", lambdaconfig.MinTimeoutSeconds, lambdaconfig.MaxTimeoutSeconds},
		{"ThresholdPercentage", "--threshold", lambdaconfig.MinThreshold, lambdaconfig.MaxThreshold},
	} {
		p := params[c.param]
		if min, _ := number(path(p, "MinValue")); int(min) != c.min {
			t.Errorf("%s MinValue = %v, want %d", c.param, min, c.min)
		}
		if max, _ := number(path(p, "MaxValue")); int(max) != c.max {
			t.Errorf("%s MaxValue = %v, want %d", c.param, max, c.max)
		}
		check := fmt.Sprintf(`%s) check_int "$1" "$2" %d %d`, c.flag, c.min, c.max)
		if !strings.Contains(string(script), check) {
			t.Errorf("deploy.sh does not check %s against %d-%d (want %q)", c.flag, c.min, c.max, check)
		}
	}
}
