package quota

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ptr[T any](v T) *T { return &v }

func TestEvaluate(t *testing.T) {
	def := Definition{Key: "connect.contact_flows", ServiceCode: "connect", Code: "L-22922690", Name: "Contact flows per instance", Adjustable: true, Scope: ScopeInstance}
	noCode := Definition{Key: "connect.task_templates", ServiceCode: "connect", Name: "Task templates per instance", Scope: ScopeInstance}
	adjFalse := false
	tests := []struct {
		name      string
		def       Definition
		m         Measurement
		l         Limit
		threshold float64
		want      Result
	}{
		{
			name: "under threshold", def: def, threshold: 80,
			m:    Measurement{Value: 40},
			l:    Limit{Value: 100, Source: LimitAWSDefault},
			want: Result{Usage: ptr(40.0), Limit: ptr(100.0), LimitSource: LimitAWSDefault, Utilization: ptr(40.0), Status: StatusOK},
		},
		{
			name: "exactly at threshold is a violation", def: def, threshold: 80,
			m:    Measurement{Value: 80},
			l:    Limit{Value: 100, Source: LimitInstance},
			want: Result{Usage: ptr(80.0), Limit: ptr(100.0), LimitSource: LimitInstance, Utilization: ptr(80.0), Status: StatusViolation},
		},
		{
			name: "over the limit", def: def, threshold: 80,
			m:    Measurement{Value: 147},
			l:    Limit{Value: 100, Source: LimitAccount, Name: "Contact flows per instance", Adjustable: &adjFalse},
			want: Result{Usage: ptr(147.0), Limit: ptr(100.0), LimitSource: LimitAccount, Utilization: ptr(147.0), Status: StatusViolation, Adjustable: false},
		},
		{
			name: "usage unknown is never 0%", def: def, threshold: 80,
			m:    Measurement{Err: errors.New("access denied: connect:ListContactFlows (AccessDeniedException)")},
			l:    Limit{Value: 100, Source: LimitAWSDefault},
			want: Result{Status: StatusUnknown, Reason: "usage: access denied: connect:ListContactFlows (AccessDeniedException)"},
		},
		{
			name: "limit unknown keeps the usage", def: noCode, threshold: 80,
			m:    Measurement{Value: 7},
			l:    Limit{Err: errors.New("no limit")},
			want: Result{Usage: ptr(7.0), Status: StatusUnknown, Reason: "limit: no limit"},
		},
		{
			name: "zero limit with no use", def: def, threshold: 80,
			m:    Measurement{Value: 0},
			l:    Limit{Value: 0, Source: LimitAWSDefault},
			want: Result{Usage: ptr(0.0), Limit: ptr(0.0), LimitSource: LimitAWSDefault, Status: StatusOK, Note: "the limit is 0: this feature cannot be used until the quota is raised"},
		},
		{
			name: "zero limit in use", def: def, threshold: 80,
			m:    Measurement{Value: 3},
			l:    Limit{Value: 0, Source: LimitInstance},
			want: Result{Usage: ptr(3.0), Limit: ptr(0.0), LimitSource: LimitInstance, Status: StatusViolation, Reason: "usage 3 against a limit of 0"},
		},
		{
			name: "per-parent maximum names the parent", def: def, threshold: 90,
			m:    Measurement{Value: 45, Parent: "routing profile Sales", Note: "n"},
			l:    Limit{Value: 50, Source: LimitAWSDefault, Note: "l"},
			want: Result{Usage: ptr(45.0), Limit: ptr(50.0), LimitSource: LimitAWSDefault, Utilization: ptr(90.0), Status: StatusViolation, Parent: "routing profile Sales", Note: "n; l"},
		},
		{
			name: "AWS's breach signal makes a violation under the threshold", def: def, threshold: 80,
			m:    Measurement{Value: 5, Breach: "Connect reported 3 calls over the quota"},
			l:    Limit{Value: 10, Source: LimitInstance},
			want: Result{Usage: ptr(5.0), Limit: ptr(10.0), LimitSource: LimitInstance, Utilization: ptr(50.0), Status: StatusViolation, Reason: "Connect reported 3 calls over the quota"},
		},
		{
			name: "utilization rounded to hundredths", def: def, threshold: 80,
			m:    Measurement{Value: 1},
			l:    Limit{Value: 3, Source: LimitAWSDefault},
			want: Result{Usage: ptr(1.0), Limit: ptr(3.0), LimitSource: LimitAWSDefault, Utilization: ptr(33.33), Status: StatusOK},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(tt.def, tt.m, tt.l, tt.threshold)
			want := tt.want
			want.ServiceCode, want.QuotaName, want.Key, want.Scope = tt.def.ServiceCode, tt.def.Name, tt.def.Key, tt.def.Scope
			want.Threshold = tt.threshold
			if tt.def.Code != "" {
				want.QuotaCode = ptr(tt.def.Code)
			}
			if tt.l.Adjustable == nil && tt.def.Adjustable {
				want.Adjustable = true
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Evaluate() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	rs := []Result{
		{Status: StatusViolation, Utilization: ptr(147.0)},
		{Status: StatusOK, Utilization: ptr(10.0)},
		{Status: StatusUnknown},
		{Status: StatusOK, Utilization: ptr(0.0)},
		{Status: StatusViolation, Utilization: ptr(100.0), Singleton: true},
	}
	got := Summarize(rs)
	want := Summary{MetricsCount: 5, ViolationsCount: 2, SingletonsCount: 1, UnknownCount: 1, MaxUtilization: 147, AvgUtilization: 64.25}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize() mismatch (-want +got):\n%s", diff)
	}
	// Singletons call for action only when they alert.
	if got, want := got.Violations(false), 1; got != want {
		t.Errorf("Violations(false) = %d, want %d", got, want)
	}
	if got, want := got.Violations(true), 2; got != want {
		t.Errorf("Violations(true) = %d, want %d", got, want)
	}
}

func TestValidCode(t *testing.T) {
	for code, want := range map[string]bool{
		"L-22922690": true, "L-E3D2F503": true, "L-e3d2f503": false, "L-API-GMD": false, "L-1234567": false, "": false,
	} {
		if got := ValidCode(code); got != want {
			t.Errorf("ValidCode(%q) = %v, want %v", code, got, want)
		}
	}
}
