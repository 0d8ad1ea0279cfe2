package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cqmon/cqmon/internal/quota"
)

// CatalogJSON writes the catalog's definitions as JSON.
func CatalogJSON(w io.Writer, defs []quota.Definition) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(defs)
}

// CatalogTable writes one line per quota: service, codes, name, default,
// scope, and how the usage is measured or why it cannot be.
func CatalogTable(w io.Writer, defs []quota.Definition) error {
	bw := &errWriter{w: w}
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "SERVICE\tQUOTA CODE\tQUOTA\tDEFAULT\tSCOPE\tMEASURED\tUSAGE SOURCE OR WHY NOT\n")
	measured := 0
	for _, d := range defs {
		code := d.Code
		if code == "" {
			code = "-"
		}
		svc := d.ServiceCode
		if svc == "" {
			svc = "(none)"
		}
		def := "-"
		if d.Default != nil {
			def = quota.FormatNumber(*d.Default)
		}
		scope := string(d.Scope)
		if d.Parent != "" {
			scope = "per " + d.Parent
		}
		how, yes := d.Usage.Why, "no"
		if d.Measured() {
			how, yes = d.Usage.Source, "yes"
			measured++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", svc, code, d.Name, def, scope, yes, oneLine(how))
	}
	tw.Flush()
	writeTrimmed(bw, buf.Bytes())
	bw.printf("\n%d quotas, %d measured, %d not measured.\n", len(defs), measured, len(defs)-measured)
	return bw.err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
