// Package dashboard renders a run's report as one self-contained HTML
// page: an overview, each instance's quotas as capacity meters with a trend
// line from the history, the account's quotas per Region, and the unknowns
// grouped by reason. Its CSS, script and icons are embedded in the page,
// which makes no network request of any kind, so it can be mailed, kept in
// a bucket or opened offline. Escaping is html/template's.
package dashboard

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// NearMargin is how many points under the threshold a quota counts as
// near it: at 80%, quotas from 70% on.
const NearMargin = 10

// TrendRuns is how many runs, the newest, a trend line shows.
const TrendRuns = 30

// TrendWindow is how far back the history of the trend lines goes.
const TrendWindow = 30 * 24 * time.Hour

// Input is what a page is made of.
type Input struct {
	// Report is the run the page shows.
	Report *quota.Report
	// History holds runs of the same store, in any order, for the trend
	// lines; runs after Report's are ignored and Report's own is added when
	// it is missing.
	History []*quota.Report
}

//go:embed assets
var assets embed.FS

var page = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"statusText": func(status string) string { return statusText[status] },
	"reasonHead": func(reason string) string { head, _ := splitReason(reason); return head },
	"card": func(status string, n int, label, hint string) card {
		return card{Status: status, N: n, Label: label, Hint: hint}
	},
	"rowIn": func(r Row, where bool) rowIn { return rowIn{Row: r, Where: where} },
	// byDesign notes the singletons left out of the violations.
	"byDesign": func(n int) string {
		if n == 0 {
			return ""
		}
		return fmt.Sprintf("; +%d by design (a limit of 1 its one item fills)", n)
	},
}).ParseFS(assets, "assets/page.html"))

// card is one of the overview's figures.
type card struct {
	Status, Label, Hint string
	N                   int
}

// rowIn is a row and the table it is drawn in: Where adds the column
// naming the instance or Region, for tables that mix them.
type rowIn struct {
	Row   Row
	Where bool
}

// Render writes the page of in.Report.
func Render(w io.Writer, in Input) error {
	if in.Report == nil {
		return fmt.Errorf("dashboard: no report to render")
	}
	v, err := build(in)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Bytes renders the page of in.Report into memory.
func Bytes(in Input) ([]byte, error) {
	var buf bytes.Buffer
	err := Render(&buf, in)
	return buf.Bytes(), err
}

// asset reads an embedded file.
func asset(name string) (string, error) {
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		return "", fmt.Errorf("dashboard: %w", err)
	}
	return string(b), nil
}
