package quota

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		in      string
		want    ThresholdRule
		wantErr string
	}{
		{in: "code:l-12ab7c57=70", want: ThresholdRule{Kind: ThresholdCode, Quota: "L-12AB7C57", Percent: 70}},
		{in: " name:Rate of * = 95 ", want: ThresholdRule{Kind: ThresholdName, Quota: "Rate of *", Percent: 95}},
		{in: "instance:acme-prod/code:L-9A46857E=60.5", want: ThresholdRule{Kind: ThresholdInstance, Instance: "acme-prod", Quota: "L-9A46857E", Percent: 60.5}},
		{in: "code:connect.users_per_routing_profile=50", want: ThresholdRule{Kind: ThresholdCode, Quota: "connect.users_per_routing_profile", Percent: 50}},
		{in: "code:L-12AB7C57", wantErr: `threshold "code:L-12AB7C57": want SPEC=N`},
		{in: "code:L-12AB7C57=100", wantErr: `threshold "code:L-12AB7C57=100": "100" is not a percentage from 1 to 99`},
		{in: "code:L-12AB7C57=NaN", wantErr: `threshold "code:L-12AB7C57=NaN": "NaN" is not a percentage from 1 to 99`},
		{in: "code:L-12AB7C57=high", wantErr: `threshold "code:L-12AB7C57=high": "high" is not a percentage from 1 to 99`},
		{in: "code:Users per instance=70", wantErr: `threshold "code:Users per instance=70": "Users per instance" is neither a quota code`},
		{in: "name:Rate of [=70", wantErr: `threshold "name:Rate of [=70": bad pattern`},
		{in: "name:=70", wantErr: `threshold "name:=70": empty name pattern`},
		{in: "instance:acme-prod=70", wantErr: `threshold "instance:acme-prod=70": "acme-prod" is not <id or alias>/code:<quota code>`},
		{in: "colour:red=70", wantErr: `threshold "colour:red=70": unknown kind "colour"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseThreshold(tt.in)
			if tt.wantErr != "" {
				if err == nil || !containsPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one starting %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rule (-want +got):\n%s", diff)
			}
			if back, err := ParseThreshold(got.String()); err != nil || back != got {
				t.Errorf("String() %q reads back as %+v, %v", got.String(), back, err)
			}
		})
	}
}

func containsPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

func TestParseThresholdsNamesEveryBadEntry(t *testing.T) {
	rules, err := ParseThresholds("code:L-12AB7C57=70;name:Rate of *=95;;\ncode:L-12AB7C57=x;name:[=5")
	if len(rules) != 2 {
		t.Errorf("rules = %v, want the two good ones", rules)
	}
	want := "threshold \"code:L-12AB7C57=x\": \"x\" is not a percentage from 1 to 99\nthreshold \"name:[=5\": bad pattern: syntax error in pattern"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestThresholdPrecedence(t *testing.T) {
	users := Definition{Key: "connect.users", ServiceCode: "connect", Code: "L-9A46857E", Name: "Users per instance", Scope: ScopeInstance}
	rate := Definition{Key: "connect.rate.ListUsers", ServiceCode: "connect", Code: "L-CCC38177", Name: "Rate of ListUsers API requests", Scope: ScopeAccount}
	prod := &Instance{ID: "1111", Alias: "acme-prod"}
	test := &Instance{ID: "2222", Alias: "acme-test"}
	rules := func(specs ...string) []ThresholdRule {
		var out []ThresholdRule
		for _, s := range specs {
			r, err := ParseThreshold(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		return out
	}
	tests := []struct {
		name   string
		rules  []ThresholdRule
		d      Definition
		sqName string
		in     *Instance
		want   float64
	}{
		{"no rule: global", nil, users, "", prod, 80},
		{"name glob", rules("name:users *=60"), users, "", prod, 60},
		{"name glob on Service Quotas' name", rules("name:*seats*=60"), users, "Agent seats per instance", prod, 60},
		{"code beats name, whatever the order", rules("code:L-9A46857E=70", "name:Users*=60"), users, "", prod, 70},
		{"instance beats code", rules("instance:ACME-PROD/code:L-9A46857E=50", "code:L-9A46857E=70"), users, "", prod, 50},
		{"instance rule by id", rules("instance:1111/code:L-9A46857E=50"), users, "", prod, 50},
		{"another instance's rule does not apply", rules("instance:acme-prod/code:L-9A46857E=50", "code:L-9A46857E=70"), users, "", test, 70},
		{"instance rules never match account rows", rules("instance:acme-prod/code:L-CCC38177=50"), rate, "", nil, 80},
		{"last of the same kind wins", rules("name:Rate of *=95", "name:Rate of ListUsers*=90"), rate, "", nil, 90},
		{"last of the same kind wins, other order", rules("name:Rate of ListUsers*=90", "name:Rate of *=95"), rate, "", nil, 95},
		{"other code", rules("code:L-CCC38177=99"), users, "", prod, 80},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Thresholds{Global: 80, Rules: tt.rules}.For(tt.d, tt.sqName, tt.in)
			if got != tt.want {
				t.Errorf("For() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvaluateThresholdAndSingleton(t *testing.T) {
	pinpoint := Definition{Key: "connect.pinpoint", ServiceCode: "connect", Code: "L-3E0D5D05", Name: "Amazon Pinpoint applications per instance", Scope: ScopeInstance}
	r := Evaluate(pinpoint, Measurement{Value: 1}, Limit{Value: 1, Source: LimitAWSDefault}, 70)
	if r.Status != StatusViolation || !r.Singleton || !r.Full() || r.Threshold != 70 {
		t.Errorf("one of one = %+v, want a full singleton violation judged at 70", r)
	}
	r = Evaluate(pinpoint, Measurement{Value: 0}, Limit{Value: 1, Source: LimitAWSDefault}, 70)
	if r.Status != StatusOK || r.Singleton || r.Full() {
		t.Errorf("none of one = %+v", r)
	}
	r = Evaluate(pinpoint, Measurement{Value: 2}, Limit{Value: 1, Source: LimitAWSDefault}, 70)
	if r.Singleton || r.Full() {
		t.Errorf("two of one = %+v, want neither singleton nor full", r)
	}
	r = Evaluate(pinpoint, Measurement{Value: 1}, Limit{Value: 2, Source: LimitAWSDefault}, 50)
	if r.Status != StatusViolation {
		t.Errorf("1 of 2 at a 50%% threshold = %s, want violation", r.Status)
	}
}
