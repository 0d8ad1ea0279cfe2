// Package dashboard renders a run's report as one self-contained HTML
// page: an overview, each instance's quotas as capacity meters with a trend
// line from the history, the account's quotas per Region, and the unknowns
// grouped by reason. Its CSS, script and icons are embedded in the page,
// which makes no network request of any kind, so it can be mailed, kept in
// a bucket or opened offline.
//
// The page is written by Go functions (page.go), not by html/template:
// executing any text/template makes the linker keep every exported method
// of every type converted to an interface, since a template may call a
// method by a name known only at run time. cqmon converts the AWS SDK
// clients to its own interfaces, so the hundreds of methods of each client
// stayed in the binary: without templates (and the other reflection that
// had the same effect) cqmon went from 69 to 31 MB and a small command's
// memory from 34.5 to 21.9 MiB. html.go escapes each value byte for byte
// as html/template did in the same place, and a test holds the two to it.
package dashboard

import (
	"bytes"
	"embed"
	"fmt"
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

// Render writes the page of in.Report.
func Render(w io.Writer, in Input) error {
	if in.Report == nil {
		return fmt.Errorf("dashboard: no report to render")
	}
	v, err := build(in)
	if err != nil {
		return err
	}
	var p printer
	p.page(v)
	_, err = w.Write(p.buf)
	return err
}

// Bytes renders the page of in.Report into memory.
func Bytes(in Input) ([]byte, error) {
	var buf bytes.Buffer
	err := Render(&buf, in)
	return buf.Bytes(), err
}

// asset reads an embedded file.
func asset(name string) (markup, error) {
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		return "", fmt.Errorf("dashboard: %w", err)
	}
	return markup(b), nil
}
