package dashboard

import (
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
)

// hostile is what a report can hold that must stay text on the page:
// markup, quotes, ampersands, a plus, a NUL and script URLs.
const hostile = `<script>alert("x")</script> & 'q' +1 ` + "\x00" + ` javascript:alert(1)`

// hostileReport is run 3 of several accounts, with every string that
// reaches the page made hostile.
func hostileReport() *quota.Report {
	rep := run(3)
	rep.RunID = "run-" + hostile
	rep.Lookback = "1h" + hostile
	rep.Threshold = 77.5
	rep.Regions = append(rep.Regions, `eu"><b>`)
	rep.Accounts = []quota.AccountStatus{{AccountID: "123456789012", AccountName: "acme " + hostile}, {AccountID: `2222"33334444`}}
	for i := range rep.Instances {
		in := &rep.Instances[i]
		in.InstanceAlias += " " + hostile
		in.InstanceID += `"><img src=x onerror=alert(1)>`
		in.AccountID, in.AccountName = rep.Accounts[i%2].AccountID, rep.Accounts[i%2].AccountName
		for j := range in.Metrics {
			m := &in.Metrics[j]
			m.QuotaName += " </title>" + hostile
			m.Note = "note " + hostile
			if m.Status == quota.StatusUnknown {
				m.Reason = "usage: " + hostile + " (AccessDenied: " + hostile + ")"
			}
			if m.QuotaCode != nil {
				code := *m.QuotaCode + `" onclick="alert(1)&x=1+2%41%zz`
				m.QuotaCode = &code
			}
		}
	}
	rep.Instances[2].InstanceStatus = "CREATION<b>" + hostile
	rep.Instances[0].Metrics[0].Parent = "queue " + hostile
	rep.Instances[0].Metrics[0].Forecast = &quota.Forecast{DaysToLimit: 42.4, DaysLow: 30, DaysHigh: 66, SlopePerDay: 7.1,
		Points: 12, Since: base, Method: "theil-sen " + hostile}
	rep.Instances[0].Metrics[1].IncreaseRequest = &quota.IncreaseRequest{Status: "DENIED_" + hostile, DesiredValue: 3000, RequestedAt: base}
	rep.Instances[0].Metrics[1].Threshold = 61.25
	u := 1e-7
	rep.Instances[0].Metrics[1].Utilization = &u
	rep.Instances[0].Metrics[1].Status = quota.StatusOK
	for i := range rep.Account.Metrics {
		m := &rep.Account.Metrics[i]
		m.AccountID, m.AccountName = rep.Accounts[i%2].AccountID, rep.Accounts[i%2].AccountName
		m.Region += hostile
		m.ServiceCode += `/"x`
	}
	rep.Errors = append(rep.Errors, quota.RunError{Region: "r " + hostile, Scope: "s " + hostile, Message: "m " + hostile})
	return rep
}

// TestHostilePage pins the page of a report whose strings are markup:
// every one of them is escaped for where it stands.
func TestHostilePage(t *testing.T) {
	page, err := Bytes(Input{Report: hostileReport(), History: []*quota.Report{run(1), run(2)}})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "hostile.html", page)
}

// TestBarePage pins the page of a report with nearly nothing in it but
// a hostile account id, which the page's title shows.
func TestBarePage(t *testing.T) {
	rep := &quota.Report{RunID: "r", AccountID: hostile, StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Instances: []quota.InstanceReport{{InstanceID: "i"}}}
	page, err := Bytes(Input{Report: rep})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "bare.html", page)
}
