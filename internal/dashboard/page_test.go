package dashboard

import (
	"bytes"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

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

// TestHostileValuesStayText parses the page of a hostile report as a
// browser would tokenize it: the report's values come back as text and
// attribute values, unchanged, and the page holds no element, attribute
// or link of theirs.
func TestHostileValuesStayText(t *testing.T) {
	page, err := Bytes(Input{Report: hostileReport()})
	if err != nil {
		t.Fatal(err)
	}
	css, _ := asset("style.css")
	js, _ := asset("page.js")
	// What the parser gives back for hostile: NUL is U+FFFD on the page.
	back := strings.ReplaceAll(hostile, "\x00", "\uFFFD")
	tags := map[string]int{}
	var text strings.Builder
	attrs := map[string][]string{}
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			tags[tok.Data]++
			for _, a := range tok.Attr {
				attrs[a.Key] = append(attrs[a.Key], a.Val)
				if strings.HasPrefix(a.Key, "on") || a.Key == "src" || a.Key == "srcdoc" || a.Key == "formaction" {
					t.Errorf("<%s> has the attribute %s=%q", tok.Data, a.Key, a.Val)
				}
			}
		case html.TextToken:
			text.WriteString(tok.Data)
			text.WriteByte('\n')
		}
	}
	for tag, want := range map[string]int{"script": 1, "style": 1, "img": 0, "iframe": 0, "object": 0, "embed": 0, "form": 0, "base": 0} {
		if tags[tag] != want {
			t.Errorf("the page has %d <%s>, want %d", tags[tag], tag, want)
		}
	}
	if !strings.Contains(text.String(), "\n"+string(css)+"\n") || !strings.Contains(text.String(), "\n"+string(js)+"\n") {
		t.Error("the page's style or script is not the embedded asset")
	}
	for _, href := range attrs["href"] {
		if !strings.HasPrefix(href, "#") && !strings.HasPrefix(href, "https://") {
			t.Errorf("the page links %q", href)
		}
		if strings.ContainsAny(href, "\"'<> ") {
			t.Errorf("a link holds a character URLs encode: %q", href)
		}
	}
	for _, style := range attrs["style"] {
		if !regexp.MustCompile(`^(width|left):[0-9.e-]+%$`).MatchString(style) {
			t.Errorf("the page has the style %q", style)
		}
	}
	for _, want := range []string{
		"prod " + back, "run-" + back, "queue " + back, "note " + back, "m " + back,
		"CREATION<b>" + back, `aaaaaaaa-1111-4111-8111-111111111111"><img src=x onerror=alert(1)>`,
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the page's text lacks %q", want)
		}
	}
	if !slices.Contains(attrs["title"], "note "+back) {
		t.Errorf("no title holds %q", "note "+back)
	}
	if !slices.ContainsFunc(attrs["data-name"], func(v string) bool { return strings.HasPrefix(v, "prod "+back+" aaaa") }) {
		t.Errorf("no data-name holds the alias %q", "prod "+back)
	}
}
