package main

import (
	"os"
	"strings"
	"testing"

	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/report"
)

// TestCoverageDocIsGenerated keeps docs/coverage.md equal to what
// `cqmon catalog --output markdown` prints, and the README's summary equal
// to its first part.
func TestCoverageDocIsGenerated(t *testing.T) {
	want, _, code := cqmon(t, nil, "catalog", "--output", "markdown")
	if code != 0 {
		t.Fatalf("catalog exit %d", code)
	}
	if got := docSection(t, "../../docs/coverage.md", "coverage"); got != want {
		t.Errorf("docs/coverage.md is stale; replace its generated part with the output of `go run ./cmd/cqmon catalog --output markdown`")
	}
	var summary strings.Builder
	if err := report.CoverageMarkdown(&summary, quota.CoverageOf(catalog.Default().All())); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(want, summary.String()) {
		t.Errorf("the catalog's markdown does not begin with its coverage summary")
	}
	if got := readmeSection(t, "coverage-summary"); got != summary.String() {
		t.Errorf("README coverage summary is stale; replace it with the output of `go run ./cmd/cqmon catalog --output markdown` up to its first service table")
	}
}

// readmeSection is the README's text between the lines
// "<!-- name:start -->" and "<!-- name:end -->".
func readmeSection(t *testing.T, name string) string {
	t.Helper()
	return docSection(t, "../../README.md", name)
}

// docSection is the file's text between the lines "<!-- name:start -->"
// and "<!-- name:end -->".
func docSection(t *testing.T, file, name string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	start, end := "<!-- "+name+":start -->\n", "<!-- "+name+":end -->"
	s := string(b)
	i, j := strings.Index(s, start), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %s markers", file, name)
	}
	return s[i+len(start) : j]
}
