package quota

import (
	"testing"
	"time"
)

func TestRequestsFor(t *testing.T) {
	users := Definition{Key: "connect.users", ServiceCode: "connect", Code: "L-9A46857E", Name: "Users per instance", Scope: ScopeInstance}
	inst := Definition{Key: "connect.instances", ServiceCode: "connect", Code: "L-AA17A6B9", Name: "Amazon Connect instance count", Scope: ScopeAccount}
	noCode := Definition{Key: "connect.overrides", ServiceCode: "connect", Name: "Overrides per hours of operation", Scope: ScopeParent}
	prod := &Instance{ID: "1", ARN: "arn:aws:connect:us-east-1:123456789012:instance/1"}
	test := &Instance{ID: "2", ARN: "arn:aws:connect:us-east-1:123456789012:instance/2"}
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	rs := Requests{
		{ID: "old-approved", Status: "APPROVED", DesiredValue: 2000, RequestedAt: day(1), ServiceCode: "connect", QuotaCode: "L-9A46857E", ContextID: prod.ARN},
		{ID: "open", Status: "CASE_OPENED", DesiredValue: 4000, RequestedAt: day(10), ServiceCode: "connect", QuotaCode: "L-9A46857E", ContextID: prod.ARN},
		{ID: "newer-denied", Status: "DENIED", DesiredValue: 9000, RequestedAt: day(20), ServiceCode: "connect", QuotaCode: "L-9A46857E", ContextID: prod.ARN},
		{ID: "account-users", Status: "APPROVED", DesiredValue: 600, RequestedAt: day(5), ServiceCode: "connect", QuotaCode: "L-9A46857E"},
		{ID: "account-old", Status: "DENIED", DesiredValue: 11, RequestedAt: day(2), ServiceCode: "connect", QuotaCode: "L-AA17A6B9"},
		{ID: "account-new", Status: "APPROVED", DesiredValue: 12, RequestedAt: day(3), ServiceCode: "connect", QuotaCode: "L-AA17A6B9"},
		{ID: "other-service", Status: "PENDING", DesiredValue: 1, RequestedAt: day(25), ServiceCode: "cases", QuotaCode: "L-AA17A6B9"},
	}
	tests := []struct {
		name string
		d    Definition
		in   *Instance
		want string
	}{
		{"the open one beats newer closed ones", users, prod, "open"},
		{"an instance without its own falls back to account level", users, test, "account-users"},
		{"account quota: the newest", inst, nil, "account-new"},
		{"no code, no request", noCode, prod, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if r := rs.For(tt.d, tt.in); r != nil {
				got = r.ID
			}
			if got != tt.want {
				t.Errorf("For() = %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := rs[1].String(), "increase to 4000 requested 2026-11-10, CASE_OPENED"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestFailOn(t *testing.T) {
	viol := Result{Status: StatusViolation}
	single := Result{Status: StatusViolation, Singleton: true}
	due := Result{Status: StatusOK, Forecast: &Forecast{DaysToLimit: 10}}
	late := Result{Status: StatusOK, Forecast: &Forecast{DaysToLimit: 20}}
	violDue := Result{Status: StatusViolation, Forecast: &Forecast{DaysToLimit: 2}}
	ok := Result{Status: StatusOK}
	unk := Result{Status: StatusUnknown}
	tests := []struct {
		f       FailOn
		r       Result
		singles bool
		want    bool
	}{
		{FailViolation, viol, false, true},
		{FailViolation, single, false, false},
		{FailViolation, single, true, true},
		{FailViolation, ok, false, false},
		{FailViolation, unk, false, false},
		{FailUnknown, unk, false, true},
		{FailUnknown, viol, false, false},
		{FailForecast, due, false, true},
		{FailForecast, late, false, false},
		{FailForecast, ok, false, false},
		{FailForecast, violDue, false, false},
	}
	for _, tt := range tests {
		if got := tt.f.Matches(tt.r, tt.singles, 14*24*time.Hour); got != tt.want {
			t.Errorf("%s.Matches(%+v, %v) = %v, want %v", tt.f, tt.r, tt.singles, got, tt.want)
		}
	}
	if _, err := ParseFailOn("violations"); err == nil || err.Error() != `"violations" is not one of violation, forecast, unknown` {
		t.Errorf("ParseFailOn error = %v", err)
	}
	if f, err := ParseFailOn("Unknown"); err != nil || f != FailUnknown {
		t.Errorf("ParseFailOn(Unknown) = %q, %v", f, err)
	}
}
