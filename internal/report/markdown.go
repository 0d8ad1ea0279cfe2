package report

import (
	"io"
	"sort"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// CatalogMarkdown writes docs/coverage.md's generated part: the summary of
// CoverageMarkdown, then per service the measured quotas with their codes
// and usage sources. It is generated from the catalog, never typed.
func CatalogMarkdown(w io.Writer, defs []quota.Definition) error {
	bw := &errWriter{w: w}
	type svc struct {
		name                 string
		measured, unmeasured []quota.Definition
	}
	byService := map[string]*svc{}
	var order []string
	for _, d := range defs {
		s, ok := byService[d.Service]
		if !ok {
			s = &svc{name: d.Service}
			byService[d.Service] = s
			order = append(order, d.Service)
		}
		if d.Measured() {
			s.measured = append(s.measured, d)
		} else {
			s.unmeasured = append(s.unmeasured, d)
		}
	}
	sort.Strings(order)
	if err := CoverageMarkdown(w, quota.CoverageOf(defs)); err != nil {
		return err
	}
	for _, n := range order {
		s := byService[n]
		if len(s.measured) == 0 {
			continue
		}
		bw.printf("\n**%s** (service code `%s`)\n\n| Quota | Code | Scope | Usage from |\n|---|---|---|---|\n", n, s.measured[0].ServiceCode)
		for _, d := range s.measured {
			code := d.Code
			if code == "" {
				code = "—"
			}
			scope := string(d.Scope)
			if d.Parent != "" {
				scope = "per " + d.Parent
			}
			bw.printf("| %s | %s | %s | %s |\n", mdEscape(d.Name), code, scope, mdEscape(d.Usage.Source))
		}
	}
	bw.printf("\nRun `cqmon catalog` for every quota, including why each unmeasured one cannot be measured.\n")
	return bw.err
}

func mdEscape(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }

// CoverageMarkdown writes the coverage summary of the README and of
// docs/coverage.md: per service, how many quotas are measured and, by
// reason, how many are not.
func CoverageMarkdown(w io.Writer, cov quota.Coverage) error {
	bw := &errWriter{w: w}
	bw.printf("%d quotas in the catalog, %d measured from a real usage source.\n\n", cov.Quotas, cov.Measured)
	bw.printf("| Service | Measured | Not measured (why) |\n|---|---:|---|\n")
	for _, s := range cov.Services {
		bw.printf("| %s | %d | %s |\n", s.Service, s.Measured, whyCounts(s.NotMeasured))
	}
	bw.printf("\nWhy: ")
	kinds := make([]string, 0, len(quota.WhyKinds))
	for k := range quota.WhyKinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for i, k := range kinds {
		if i > 0 {
			bw.printf("; ")
		}
		bw.printf("`%s` %s", k, quota.WhyKinds[k])
	}
	bw.printf(".\n")
	return bw.err
}
