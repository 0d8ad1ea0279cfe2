package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/cqmon/cqmon/internal/quota"
)

// CoverageTable writes, per service, how many quotas cqmon measures and
// why the others are not measured, then what each reason means. After a
// run it also shows how many quota codes Service Quotas confirmed.
func CoverageTable(w io.Writer, c quota.Coverage) error {
	bw := &errWriter{w: w}
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "SERVICE\tCODE\tQUOTAS\tMEASURED\tNOT MEASURED (WHY)\tCODES\n")
	run := false
	for _, s := range c.Services {
		run = run || s.CodesVerified > 0 || len(s.CodesUnknown) > 0
	}
	for _, s := range c.Services {
		code := s.ServiceCode
		if code == "" {
			code = "(none)"
		}
		codes := fmt.Sprint(s.Codes)
		if run {
			codes = fmt.Sprintf("%d, %d confirmed", s.Codes, s.CodesVerified)
			if len(s.CodesUnknown) > 0 {
				codes += ", unknown to Service Quotas: " + strings.Join(s.CodesUnknown, " ")
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", s.Service, code, s.Quotas, s.Measured, whyCounts(s.NotMeasured), codes)
	}
	tw.Flush()
	writeTrimmed(bw, buf.Bytes())
	bw.printf("\n%d of %d quotas measured from a real usage source.\n\nWhy a quota is not measured:\n", c.Measured, c.Quotas)
	kinds := make([]string, 0, len(quota.WhyKinds))
	for k := range quota.WhyKinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		bw.printf("  %-9s  %s\n", k, quota.WhyKinds[k])
	}
	return bw.err
}

func whyCounts(m map[string]int) string {
	if len(m) == 0 {
		return "0"
	}
	keys := make([]string, 0, len(m))
	total := 0
	for k, n := range m {
		keys = append(keys, k)
		total += n
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return fmt.Sprintf("%d (%s)", total, strings.Join(parts, ", "))
}
