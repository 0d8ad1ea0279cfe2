package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
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

// TestREADMELayoutNamesEveryPackage keeps the README's layout list naming
// every package under cmd/ and internal/.
func TestREADMELayoutNamesEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, layout, ok := strings.Cut(string(readme), "\n- Layout")
	if !ok {
		t.Fatal("README has no \"- Layout\" item")
	}
	if i := strings.Index(layout, "\n- "); i >= 0 {
		layout = layout[:i]
	}
	pkgs := packageDirs(t, "../..", "cmd", "internal")
	if len(pkgs) < 2 {
		t.Fatalf("found packages %q, want cmd/cqmon and more", pkgs)
	}
	for _, p := range pkgs {
		if !strings.Contains(layout, "`"+p+"`") {
			t.Errorf("README's layout list does not name package %s", p)
		}
	}
}

// packageDirs lists, relative to root and with forward slashes, every
// directory under the given ones that holds a non-test Go file.
func packageDirs(t *testing.T, root string, under ...string) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, u := range under {
		err := filepath.WalkDir(filepath.Join(root, u), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			rel, err := filepath.Rel(root, filepath.Dir(path))
			if err != nil {
				return err
			}
			seen[filepath.ToSlash(rel)] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	return dirs
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
