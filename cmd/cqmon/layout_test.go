package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

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
	var pkgs []string
	for _, f := range programFiles(t) {
		if !slices.Contains(pkgs, f.dir) {
			pkgs = append(pkgs, f.dir)
		}
	}
	for _, p := range pkgs {
		if (strings.HasPrefix(p, "cmd/") || strings.HasPrefix(p, "internal/")) && !strings.Contains(layout, "`"+p+"`") {
			t.Errorf("README's layout list does not name package %s", p)
		}
	}
}

// TestOnlyTestsImportTestSupport keeps the test-support packages out of
// the programs: no non-test Go file imports them, but their own.
func TestOnlyTestsImportTestSupport(t *testing.T) {
	testOnly := []string{"internal/sim/simtest", "internal/mototest", "internal/golden"}
	for _, f := range programFiles(t) {
		if slices.Contains(testOnly, f.dir) {
			continue // they may import each other
		}
		for _, p := range f.imports {
			if dir, ok := strings.CutPrefix(p, "github.com/cqmon/cqmon/"); ok && slices.Contains(testOnly, dir) {
				t.Errorf("%s imports %s, which only tests may import", f.path, p)
			}
		}
	}
}

// goFile is a non-test Go file of the module: its path, its package's
// directory (relative to the module, with forward slashes) and imports.
type goFile struct {
	path, dir string
	imports   []string
}

// programFiles lists the module's non-test Go files, failing the test
// when it finds too few to be the module.
func programFiles(t *testing.T) []goFile {
	t.Helper()
	root := "../.."
	var files []goFile
	err := walkGoFiles(root, func(path string) error {
		if strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		gf := goFile{path: path, dir: filepath.ToSlash(rel)}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			gf.imports = append(gf.imports, p)
		}
		files = append(files, gf)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found %d Go files under %s, want the whole module", len(files), root)
	}
	return files
}

// walkGoFiles calls fn with the path of every Go file of the module under
// root, test files included, outside testdata and hidden directories.
func walkGoFiles(root string, fn func(path string) error) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		return fn(path)
	})
}
