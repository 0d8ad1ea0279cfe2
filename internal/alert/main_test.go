package alert

import (
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/quota"
)

func TestMain(m *testing.M) { mototest.Main(m) }

// Fixtures shared by the tests.
const (
	account  = "123456789012"
	region   = "us-east-1"
	instA    = "11111111-2222-3333-4444-555555555555"
	instB    = "66666666-7777-8888-9999-000000000000"
	runID    = "2026-11-21T09:00:00Z-test"
	codeFlow = "L-22922690"
	codeLamb = "L-6E6F5A1B"
	codeUser = "L-9A46857E"
	codeQue  = "L-19A87C94"
	codeRate = "L-3E0F6BC1"
)

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// res evaluates a quota with the domain's own rules at an 80% threshold.
func res(code, name string, usage, limit float64, src quota.LimitSource, adjustable bool) quota.Result {
	d := quota.Definition{Key: "connect." + code, ServiceCode: "connect", Code: code, Name: name,
		Adjustable: adjustable, Scope: quota.ScopeInstance}
	return quota.Evaluate(d, quota.Measurement{Value: usage}, quota.Limit{Value: limit, Source: src}, 80)
}

func unknown(code, name, reason string) quota.Result {
	d := quota.Definition{Key: "connect." + code, ServiceCode: "connect", Code: code, Name: name, Scope: quota.ScopeInstance}
	r := quota.Evaluate(d, quota.Measurement{Value: 0}, quota.Limit{}, 80)
	r.Status, r.Reason, r.Usage, r.Limit, r.Utilization = quota.StatusUnknown, reason, nil, nil, nil
	return r
}

// flowsAt is flows judged against a per-quota threshold.
func flowsAt(usage, threshold float64) quota.Result {
	d := quota.Definition{Key: "connect." + codeFlow, ServiceCode: "connect", Code: codeFlow, Name: "Contact flows per instance",
		Adjustable: true, Scope: quota.ScopeInstance}
	return quota.Evaluate(d, quota.Measurement{Value: usage}, quota.Limit{Value: 100, Source: quota.LimitInstance}, threshold)
}

func flows(usage float64) quota.Result {
	return res(codeFlow, "Contact flows per instance", usage, 100, quota.LimitInstance, true)
}

func lambdas(usage float64) quota.Result {
	return res(codeLamb, "Lambda functions per instance", usage, 50, quota.LimitAWSDefault, false)
}

func users(usage float64) quota.Result {
	return res(codeUser, "Users per instance", usage, 100, quota.LimitAccount, true)
}

func instance(id, alias string, rs ...quota.Result) quota.InstanceReport {
	return quota.InstanceReport{InstanceID: id, InstanceAlias: alias, Region: region,
		InstanceStatus: "ACTIVE", Metrics: rs, Summary: quota.Summarize(rs)}
}

func report(ins ...quota.InstanceReport) *quota.Report {
	return &quota.Report{RunID: runID, AccountID: account, Regions: []string{region}, Threshold: 80, Instances: ins}
}

// state is a remembered alert of instance A.
func state(code string, sev Severity, firstSeen, notified time.Time, util float64) quota.AlertState {
	return quota.AlertState{Account: account, Region: region, InstanceID: instA, QuotaID: code,
		FirstSeen: firstSeen, LastNotified: notified, LastSeverity: string(sev), LastUtilization: util}
}

func at(t time.Time) Config {
	c := DefaultConfig()
	c.Now = func() time.Time { return t }
	return c
}
