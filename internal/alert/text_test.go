package alert

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
)

// render is what the golden files hold: subject, attributes, plain text.
func render(m Message) string {
	attrs := Attributes(m)
	var kv []string
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		kv = append(kv, k+"="+attrs[k])
	}
	return fmt.Sprintf("Subject: %s\nAttributes: %s\n\n%s", m.Subject(), strings.Join(kv, " "), m.Text())
}

// only plans rep against states and returns the single message.
func only(t *testing.T, cfg Config, rep *quota.Report, states ...quota.AlertState) Message {
	t.Helper()
	ds := Plan(cfg, rep, states)
	if len(ds) != 1 {
		t.Fatalf("Plan gave %d deliveries, want 1: %+v", len(ds), ds)
	}
	return ds[0].Message
}

var longAgo = t0.Add(-72 * time.Hour)

func goldenCases(t *testing.T) map[string]Message {
	queues := unknown(codeQue, "Queues per instance", "usage: access denied (connect:ListQueues: AccessDeniedException)")
	rate := res(codeRate, "Rate of ListUsers API requests", 1, 10, quota.LimitAWSDefault, true)
	zero := res("L-ABCDEF01", "Voice ID domains", 0, 0, quota.LimitCatalog, false)
	acct := []quota.Result{
		res("L-11111111", "Amazon Connect instances per account", 9, 10, quota.LimitAccount, true),
		res("L-22222222", "Phone numbers per account", 3, 10, quota.LimitAWSDefault, true),
	}
	acct[0].Region, acct[1].Region = "eu-west-2", "us-east-1"
	acctRep := report()
	acctRep.Regions = []string{"eu-west-2", "us-east-1"}
	acctRep.Account = quota.AccountReport{Metrics: acct, Summary: quota.Summarize(acct)}

	many := []quota.Result{}
	for i := range 12 {
		many = append(many, res(fmt.Sprintf("L-%08X", i), fmt.Sprintf("Quota number %02d", i), float64(81+i), 100, quota.LimitInstance, true))
	}
	big := only(t, at(t0), report(instance(instA, "acme-prod", many...)))
	trimmed, err := fit(big, 2600, func(m Message) (int, error) { return len(m.Text()), nil })
	if err != nil {
		t.Fatal(err)
	}

	requested := flows(147)
	requested.IncreaseRequest = &quota.IncreaseRequest{ID: "req-1", CaseID: "case-1", Status: "CASE_OPENED",
		DesiredValue: 150, RequestedAt: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)}
	orgRep := report(instance(instA, "acme-prod", flows(147), lambdas(42)))
	orgRep.Accounts = []quota.AccountStatus{{AccountID: orgRep.AccountID, AccountName: "contact-centre-prod", Status: quota.AccountOK}}
	orgCfg := at(t0)
	orgCfg.NameAccount = true
	orgLong := report(instance(instB, strings.Repeat("very-long-alias-", 8), flows(99)))
	orgLong.Accounts = []quota.AccountStatus{{AccountID: orgLong.AccountID, Status: quota.AccountOK}}

	return map[string]Message{
		"org-account":    only(t, orgCfg, orgRep),
		"org-long-alias": only(t, orgCfg, orgLong),
		"new": only(t, at(t0), report(instance(instA, "acme-prod",
			requested, lambdas(42), users(10), queues, rate, zero, flowsAt(72, 70)))),
		"escalated": only(t, at(t0), report(instance(instA, "acme-prod", flows(92), lambdas(42))),
			state(codeFlow, SeverityWarning, longAgo, t0.Add(-time.Hour), 81),
			state(codeLamb, SeverityWarning, longAgo, t0.Add(-time.Hour), 84)),
		"reminder": only(t, at(t0), report(instance(instA, "acme-prod", flows(88), lambdas(42), queues)),
			state(codeFlow, SeverityHigh, longAgo, t0.Add(-25*time.Hour), 88),
			state(codeLamb, SeverityWarning, longAgo, t0.Add(-25*time.Hour), 84),
			state(codeQue, SeverityCritical, longAgo, t0.Add(-25*time.Hour), 91)),
		"recovery": only(t, at(t0), report(instance(instA, "acme-prod", flows(50), lambdas(42))),
			state(codeFlow, SeverityCritical, longAgo, t0.Add(-time.Hour), 92),
			state(codeLamb, SeverityWarning, longAgo, t0.Add(-time.Hour), 84)),
		"forecast":   only(t, at(t0), report(instance(instA, "acme-prod", growing(78.2, 9.6), flows(10), lambdas(30)))),
		"trimmed":    trimmed,
		"account":    only(t, at(t0), acctRep),
		"long-alias": only(t, at(t0), report(instance(instB, strings.Repeat("very-long-alias-", 8), flows(99)))),
	}
}

func TestRenderGolden(t *testing.T) {
	for name, m := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			if n := len(m.Subject()); n > MaxSubjectLen {
				t.Errorf("subject is %d characters, over %d", n, MaxSubjectLen)
			}
			golden.Check(t, name+".txt", []byte(render(m)))
		})
	}
}

func TestRenderJSONGolden(t *testing.T) {
	m := goldenCases(t)["escalated"]
	b, err := m.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	pretty, _ := json.MarshalIndent(v, "", "  ")
	golden.Check(t, "escalated.json", append(pretty, '\n'))
}

func TestSNSMessageFitsLimit(t *testing.T) {
	var rs []quota.Result
	for i := range 3000 {
		rs = append(rs, res(fmt.Sprintf("L-%08X", i), strings.Repeat("Quota with a long name ", 6)+fmt.Sprint(i), 95, 100, quota.LimitInstance, true))
	}
	m := only(t, at(t0), report(instance(instA, "acme-prod", rs...)))
	fitted, err := fit(m, MaxSNSBytes-snsReserve, func(m Message) (int, error) {
		s, err := snsMessage(m, false)
		return len(s), err
	})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := snsMessage(fitted, false)
	if len(body) > MaxSNSBytes-snsReserve || fitted.Omitted.Violations == 0 {
		t.Fatalf("fitted message is %d bytes with %d omitted", len(body), fitted.Omitted.Violations)
	}
	if got, want := len(fitted.Violations)+fitted.Omitted.Violations, 3000; got != want {
		t.Errorf("listed+omitted = %d, want %d", got, want)
	}
	if !strings.Contains(fitted.Text(), fmt.Sprintf("... and %d more violations", fitted.Omitted.Violations)) {
		t.Errorf("text does not say how many were left out")
	}
	if got, want := fitted.Subject(), "Connect Quota Alert - Instance: acme-prod (3000 violations)"; got != want {
		t.Errorf("Subject() = %q, want %q", got, want)
	}
}

func TestChunks(t *testing.T) {
	text := strings.Repeat("• abcdefghij\n", 10)
	for _, c := range chunks(text, 40) {
		if len(c) > 40 {
			t.Errorf("chunk of %d bytes: %q", len(c), c)
		}
	}
	if got := strings.Join(chunks(text, 40), "\n"); got != strings.TrimRight(text, "\n") {
		t.Errorf("chunks lost text: %q", got)
	}
	for _, c := range chunks(strings.Repeat("é", 50), 7) {
		if !utf8.ValidString(c) {
			t.Errorf("chunk cut a character: %q", c)
		}
	}
}
