package report

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
)

func f(v float64) *float64 { return &v }

func sampleReport() *quota.Report {
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	def := func(key, code, name string) quota.Definition {
		return quota.Definition{Key: key, ServiceCode: "connect", Code: code, Name: name, Scope: quota.ScopeInstance, Adjustable: true}
	}
	prod := []quota.Result{
		quota.Evaluate(def("connect.contact_flows", "L-22922690", "Contact flows per instance"), quota.Measurement{Value: 147}, quota.Limit{Value: 100, Source: quota.LimitAWSDefault}, 80),
		quota.Evaluate(def("connect.users", "L-9A46857E", "Users per instance"), quota.Measurement{Value: 1700}, quota.Limit{Value: 2000, Source: quota.LimitInstance}, 70),
		quota.Evaluate(def("connect.integration_associations.PINPOINT_APP", "", "Amazon Pinpoint applications per instance"), quota.Measurement{Value: 1}, quota.Limit{Value: 1, Source: quota.LimitCatalog}, 80),
		quota.Evaluate(def("connect.task_templates", "", "Task templates per instance"), quota.Measurement{Value: 3}, quota.Limit{Value: 50, Source: quota.LimitCatalog, Note: "limit is the documented default: AWS publishes no Service Quotas code for this quota"}, 80),
		quota.Evaluate(def("connect.lambda_functions", "L-E3D2F503", "AWS Lambda functions per instance"), quota.Measurement{Err: errors.New("access denied: connect:ListLambdaFunctions (AccessDeniedException)")}, quota.Limit{Value: 50, Source: quota.LimitAWSDefault}, 80),
		quota.Evaluate(def("connect.concurrent_chats", "L-D4BA6F6E", "Concurrent active chats per instance"), quota.Measurement{Value: 0, Note: "no datapoints in the last 1h: Connect publishes ConcurrentActiveChats only when there is activity, read as 0"}, quota.Limit{Value: 500, Source: quota.LimitAccount}, 80),
	}
	prod[1].Forecast = &quota.Forecast{DaysToLimit: 25, DaysLow: 20.4, DaysHigh: 33.1, SlopePerDay: 12, Points: 30,
		Since: t0.Add(-29 * 24 * time.Hour), Method: quota.ForecastMethod}
	prod[0].IncreaseRequest = &quota.IncreaseRequest{ID: "a1b2", CaseID: "case-1", Status: "CASE_OPENED", DesiredValue: 150, RequestedAt: time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)}
	acct := quota.Evaluate(quota.Definition{Key: "connect.instances", ServiceCode: "connect", Code: "L-AA17A6B9", Name: "Amazon Connect instance count", Scope: quota.ScopeAccount}, quota.Measurement{Value: 10}, quota.Limit{Value: 10, Source: quota.LimitAccount}, 80)
	acct.Region, acct.AccountID = "us-east-1", "123456789012"
	rep := &quota.Report{
		Accounts:      []quota.AccountStatus{{AccountID: "123456789012", Status: quota.AccountOK}},
		SchemaVersion: quota.SchemaVersion, RunID: "20261127T120000Z-0a1b2c3d", StartedAt: t0, FinishedAt: t0.Add(3 * time.Second),
		AccountID: "123456789012", Regions: []string{"us-east-1"}, Threshold: 80, Lookback: "1h",
		Instances: []quota.InstanceReport{
			{AccountID: "123456789012", InstanceID: "i-prod", InstanceARN: "arn:aws:connect:us-east-1:123456789012:instance/i-prod", InstanceAlias: "acme-prod", Region: "us-east-1", InstanceStatus: "ACTIVE", Metrics: prod, Summary: quota.Summarize(prod)},
			{AccountID: "123456789012", InstanceID: "i-next", InstanceARN: "arn:aws:connect:us-east-1:123456789012:instance/i-next", InstanceAlias: "acme-next", Region: "us-east-1", InstanceStatus: "CREATION_IN_PROGRESS", Metrics: []quota.Result{}},
		},
		Account: quota.AccountReport{Metrics: []quota.Result{acct}, Summary: quota.Summarize([]quota.Result{acct})},
		Errors:  []quota.RunError{{Region: "us-east-1", Scope: "catalog", Message: "Service Quotas does not know L-DFA239E1"}},
	}
	return rep
}

func TestTable(t *testing.T) {
	var b bytes.Buffer
	if err := Table(&b, sampleReport(), Options{All: 1}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "report.txt", b.Bytes())
}

// orgReport is the sample as part of a run of an Organization: a second
// account with one instance, a denied account and a suspended one.
func orgReport() *quota.Report {
	rep := sampleReport()
	rep.Accounts = []quota.AccountStatus{
		{AccountID: "123456789012", AccountName: "management", Status: quota.AccountOK},
		{AccountID: "222222222222", AccountName: "prod", Status: quota.AccountOK},
		{AccountID: "333333333333", AccountName: "legacy", Status: quota.AccountSkipped, Reason: "the account is SUSPENDED in the Organization"},
		{AccountID: "444444444444", AccountName: "denied", Status: quota.AccountError, Reason: "credentials: access denied: sts:AssumeRole (AccessDenied: User: arn:aws:sts::123456789012:assumed-role/cqmon/scan is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444444444444:role/cqmon-reader)"},
	}
	for i := range rep.Instances {
		rep.Instances[i].AccountName = "management"
	}
	other := rep.Instances[0]
	other.AccountID, other.AccountName, other.InstanceID, other.InstanceAlias = "222222222222", "prod", "i-other", "prod-main"
	other.InstanceARN = "arn:aws:connect:us-east-1:222222222222:instance/i-other"
	rep.Instances = append(rep.Instances, other)
	a := rep.Account.Metrics[0]
	rep.Account.Metrics[0].AccountName = "management"
	a.AccountID, a.AccountName = "222222222222", "prod"
	rep.Account.Metrics = append(rep.Account.Metrics, a)
	rep.Errors[0].AccountID = "123456789012"
	return rep
}

func TestTableAccounts(t *testing.T) {
	for name, o := range map[string]Options{"report-org.txt": {All: 1}, "summary-org.txt": {}} {
		var b bytes.Buffer
		if err := Table(&b, orgReport(), o); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, name, b.Bytes())
	}
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "report.json", b.Bytes())
}

func TestCatalogTable(t *testing.T) {
	five := 5.0
	defs := []quota.Definition{
		{Key: "connect.phone_numbers", Service: "Amazon Connect", ServiceCode: "connect", Code: "L-8F812903", Name: "Phone numbers per instance", Default: &five, Scope: quota.ScopeInstance,
			Usage: quota.Usage{Kind: quota.UsageCount, Measure: "connect.phone_numbers", Source: "connect:ListPhoneNumbersV2"}},
		{Key: "connect.x", Service: "Amazon Connect", ServiceCode: "connect", Name: "Saved reports per instance", Scope: quota.ScopeInstance,
			Usage: quota.Usage{Kind: quota.UsageNone, Why: "no List or Search API for saved reports"}},
	}
	var b bytes.Buffer
	if err := CatalogTable(&b, defs); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "catalog.txt", b.Bytes())
}

func TestCoverageTable(t *testing.T) {
	one := 1.0
	defs := []quota.Definition{
		{Key: "connect.users", Service: "Amazon Connect", ServiceCode: "connect", Code: "L-9A46857E", Name: "Users per instance", Default: &one,
			Scope: quota.ScopeInstance, Usage: quota.Usage{Kind: quota.UsageCount, Measure: "connect.users", Source: "connect:ListUsers"}},
		{Key: "connect.flows", Service: "Amazon Connect", ServiceCode: "connect", Code: "L-22922690", Name: "Contact flows per instance", Default: &one,
			Scope: quota.ScopeInstance, Usage: quota.Usage{Kind: quota.UsageCount, Measure: "connect.contact_flows", Source: "connect:ListContactFlows"}},
		{Key: "connect.x", Service: "Amazon Connect", ServiceCode: "connect", Name: "Saved reports", Scope: quota.ScopeInstance,
			Usage: quota.Usage{Kind: quota.UsageNone, WhyKind: "no-api", Why: "no API"}},
		{Key: "cases.y", Service: "Amazon Connect Cases", ServiceCode: "cases", Code: "L-C2B81BC3", Name: "Domains", Scope: quota.ScopeAccount,
			Usage: quota.Usage{Kind: quota.UsageNone, WhyKind: "not-yet", Why: "later"}},
	}
	c := quota.CoverageOf(defs)
	c.Services[0].CodesVerified, c.Services[0].CodesUnknown = 1, []string{"L-22922690"}
	var b bytes.Buffer
	if err := CoverageTable(&b, c); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "coverage.txt", b.Bytes())
}
