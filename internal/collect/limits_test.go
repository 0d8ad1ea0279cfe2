package collect

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/quota"
)

func TestLimitsForFallbackOrder(t *testing.T) {
	prod := quota.Instance{ID: "i-1", ARN: "arn:aws:connect:us-east-1:123456789012:instance/i-1"}
	other := quota.Instance{ID: "i-2", ARN: "arn:aws:connect:us-east-1:123456789012:instance/i-2"}
	hundred := 100.0
	def := func(code string) quota.Definition {
		return quota.Definition{Key: "connect.x", ServiceCode: "connect", Code: code, Name: "X", Default: &hundred, Scope: quota.ScopeInstance}
	}
	l := &Limits{
		applied:  map[string]sqValue{"connect/L-00000002": {value: 20, name: "Applied"}},
		star:     map[string]sqValue{"connect/L-00000001": {value: 15, name: "Star"}},
		resource: map[string]sqValue{"connect/L-00000001/" + prod.ARN: {value: 2000, name: "Per instance"}},
		defaults: map[string]sqValue{"connect/L-00000003": {value: 30, name: "Default"}},
		listed:   map[string]bool{"connect": true},
	}
	failed := newLimits()
	failed.appliedErr["connect"] = errors.New("boom")
	tests := []struct {
		name   string
		l      *Limits
		def    quota.Definition
		in     *quota.Instance
		want   quota.LimitSource
		value  float64
		hasErr bool
	}{
		{"value applied to this instance", l, def("L-00000001"), &prod, quota.LimitInstance, 2000, false},
		{"resource value for every instance", l, def("L-00000001"), &other, quota.LimitAccount, 15, false},
		{"account-level applied value", l, def("L-00000002"), &prod, quota.LimitAccount, 20, false},
		{"AWS default", l, def("L-00000003"), &prod, quota.LimitAWSDefault, 30, false},
		{"code AWS does not list", l, def("L-00000004"), &prod, quota.LimitCatalog, 100, false},
		{"no code", l, def(""), &prod, quota.LimitCatalog, 100, false},
		{"service quotas failed", failed, def("L-00000001"), &prod, "", 0, true},
		{"no code and no default", l, quota.Definition{Key: "connect.y", ServiceCode: "connect", Name: "Y", Scope: quota.ScopeInstance}, &prod, "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.l.For(tt.def, tt.in)
			if (got.Err != nil) != tt.hasErr {
				t.Fatalf("For() err = %v, want error %v", got.Err, tt.hasErr)
			}
			if got.Source != tt.want || got.Value != tt.value {
				t.Errorf("For() = %v from %q, want %v from %q", got.Value, got.Source, tt.value, tt.want)
			}
			if tt.want == quota.LimitCatalog && got.Note == "" {
				t.Error("a catalog fallback must say why in its note")
			}
		})
	}
}

func TestUnknownCodes(t *testing.T) {
	l := &Limits{
		defaults: map[string]sqValue{"connect/L-00000001": {}},
		applied:  map[string]sqValue{},
		star:     map[string]sqValue{},
		listed:   map[string]bool{"connect": true},
	}
	defs := []quota.Definition{
		{Key: "connect.a", ServiceCode: "connect", Code: "L-00000001"},
		{Key: "connect.b", ServiceCode: "connect", Code: "L-00000009"},
		{Key: "connect.c", ServiceCode: "connect"},
		{Key: "cases.d", ServiceCode: "cases", Code: "L-00000008"},
	}
	var got []string
	for _, d := range l.UnknownCodes(defs) {
		got = append(got, d.Key)
	}
	if diff := cmp.Diff([]string{"connect.b"}, got); diff != "" {
		t.Errorf("UnknownCodes() mismatch (-want +got):\n%s", diff)
	}
}

func TestIAMActionsAreReadOnly(t *testing.T) {
	acts := IAMActions()
	if len(acts) < 30 {
		t.Fatalf("IAMActions() = %d actions, want every call the collectors make", len(acts))
	}
	for _, a := range acts {
		verb := a[strings.Index(a, ":")+1:]
		if !strings.HasPrefix(verb, "List") && !strings.HasPrefix(verb, "Get") && !strings.HasPrefix(verb, "Search") {
			t.Errorf("%s is not a read-only action", a)
		}
	}
}
