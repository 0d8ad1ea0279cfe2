package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestArchitectureNamesExist keeps docs/architecture.md naming files and
// declarations that exist, so that a newcomer following it finds them.
func TestArchitectureNamesExist(t *testing.T) {
	doc, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	d := moduleDecls(t, "../..")
	problems, checked := d.check(string(doc), "../..")
	for _, p := range problems {
		t.Errorf("docs/architecture.md: %s", p)
	}
	// The page names dozens of files and declarations: far fewer checked
	// means the check no longer reads them.
	if checked < 60 {
		t.Errorf("docs/architecture.md: %d names checked, want at least 60", checked)
	}
}

// TestArchitectureCheckFindsRenames shows the check failing for each form
// of name the page uses, once renamed.
func TestArchitectureCheckFindsRenames(t *testing.T) {
	doc, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	d := moduleDecls(t, "../..")
	tests := []struct{ name, old, renamed string }{
		{"file", "`internal/engine/evaluate.go`", "`internal/engine/evaluation.go`"},
		{"directory", "`internal/awsapi/jsonclient`", "`internal/awsapi/jsonclients`"},
		{"function", "`collect.LoadLimits`", "`collect.LoadLimit`"},
		{"type", "`monitor.Runner`", "`monitor.Runners`"},
		{"method", "`(*engine.Engine).scanRegion`", "`(*engine.Engine).scanRegions`"},
		{"method of a program", "`(*Handler).writeMetrics`", "`(*Handler).writeMetric`"},
		{"method by type", "`quota.Result.QuotaID`", "`quota.Result.QuotaKey`"},
		{"field", "`engine.Config.Concurrency`", "`engine.Config.Parallelism`"},
		{"constant", "`quota.ForecastWindow`", "`quota.ForecastDays`"},
		{"function of a program", "`runAndPrint()`", "`runAndPrintAll()`"},
		{"test", "`TestRegistryMatchesCatalog`", "`TestRegistryMatchesTheCatalog`"},
		{"package", "`(*alert.planner).decide`", "`(*alerts.planner).decide`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(doc), tc.old) {
				t.Fatalf("the page no longer names %s; pick another example", tc.old)
			}
			problems, _ := d.check(strings.ReplaceAll(string(doc), tc.old, tc.renamed), "../..")
			if len(problems) == 0 {
				t.Errorf("renaming %s to %s went unnoticed", tc.old, tc.renamed)
			}
		})
	}
}

// decls are the module's declarations: by package name, the top-level
// names and "Type.Member" for methods, struct fields and interface
// methods; every package's ("main" included) under ""; and the test
// functions under "_test".
type decls map[string]map[string]bool

func (d decls) add(pkg, name string) {
	for _, p := range []string{pkg, ""} {
		if d[p] == nil {
			d[p] = map[string]bool{}
		}
		d[p][name] = true
	}
}

// moduleDecls parses every non-test Go file of the module under root.
func moduleDecls(t *testing.T, root string) decls {
	t.Helper()
	d := decls{}
	fset := token.NewFileSet()
	err := walkGoFiles(root, func(path string) error {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, "_test.go") {
			d.tests(f)
		} else {
			d.file(f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(d[""]) < 500 {
		t.Fatalf("found %d declarations under %s, want the whole module", len(d[""]), root)
	}
	return d
}

// tests adds the test functions of a test file, under "_test".
func (d decls) tests(f *ast.File) {
	for _, decl := range f.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") {
			if d["_test"] == nil {
				d["_test"] = map[string]bool{}
			}
			d["_test"][fn.Name.Name] = true
		}
	}
}

// file adds the declarations of one non-test file.
func (d decls) file(f *ast.File) {
	pkg := f.Name.Name
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			if decl.Recv == nil || len(decl.Recv.List) == 0 {
				d.add(pkg, decl.Name.Name)
				continue
			}
			d.add(pkg, receiverType(decl.Recv.List[0].Type)+"."+decl.Name.Name)
		case *ast.GenDecl:
			for _, spec := range decl.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					d.add(pkg, spec.Name.Name)
					d.members(pkg, spec.Name.Name, spec.Type)
				case *ast.ValueSpec:
					for _, n := range spec.Names {
						d.add(pkg, n.Name)
					}
				}
			}
		}
	}
}

// members adds a struct's fields or an interface's methods as
// "Type.Member".
func (d decls) members(pkg, typ string, expr ast.Expr) {
	var fields *ast.FieldList
	switch e := expr.(type) {
	case *ast.StructType:
		fields = e.Fields
	case *ast.InterfaceType:
		fields = e.Methods
	default:
		return
	}
	for _, f := range fields.List {
		for _, n := range f.Names {
			d.add(pkg, typ+"."+n.Name)
		}
		if len(f.Names) == 0 {
			d.add(pkg, typ+"."+receiverType(f.Type)) // embedded
		}
	}
}

// receiverType is the name of a receiver's type: T of T, *T, T[P] or
// pkg.T.
func receiverType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverType(e.X)
	case *ast.IndexExpr:
		return receiverType(e.X)
	case *ast.IndexListExpr:
		return receiverType(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.Ident:
		return e.Name
	}
	return ""
}

var (
	// codeSpan is a backticked span on one line.
	codeSpan = regexp.MustCompile("`([^`\n]+)`")
	// repoPath is a path in the repository: a Go file, or anything under
	// cmd, internal or docs.
	repoPath = regexp.MustCompile(`^((cmd|internal|docs)/[\w./-]+|[\w./-]+/[\w-]+\.go)$`)
	// method is (*pkg.Type).Method, (pkg.Type).Method or, for a program's
	// own types, (*Type).Method.
	method = regexp.MustCompile(`^\(\*?(?:(\w+)\.)?(\w+)\)\.(\w+)$`)
	// qualified is pkg.Name or pkg.Type.Member.
	qualified = regexp.MustCompile(`^(\w+)\.(\w+)(?:\.(\w+))?$`)
	// call is a program's function: name().
	call = regexp.MustCompile(`^(\w+)\(\)$`)
	// testFunc is a test: TestName.
	testFunc = regexp.MustCompile(`^Test[A-Z]\w*$`)
)

// check returns a problem for every backticked file that does not exist
// under root and every backticked declaration or test that is not in d, and how
// many names it checked. Fenced code blocks are examples, not names.
// A dotted word whose first part is no package of the module (a catalog
// key such as connect.users) is not a name.
func (d decls) check(doc, root string) (problems []string, checked int) {
	var prose []string
	fenced := false
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			prose = append(prose, line)
		}
	}
	for _, m := range codeSpan.FindAllStringSubmatch(strings.Join(prose, "\n"), -1) {
		s := m[1]
		switch {
		case repoPath.MatchString(s):
			checked++
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(s))); err != nil {
				problems = append(problems, "no file "+s)
			}
		case method.MatchString(s):
			checked++
			p := method.FindStringSubmatch(s)
			pkg := p[1] // "" looks in every package
			if pkg != "" && d[pkg] == nil {
				problems = append(problems, s+": no package "+pkg)
			} else if !d[pkg][p[2]+"."+p[3]] {
				problems = append(problems, s+": no method "+p[3]+" of "+p[2])
			}
		case qualified.MatchString(s):
			p := qualified.FindStringSubmatch(s)
			if d[p[1]] == nil || p[1] == "main" {
				continue
			}
			checked++
			name := p[2]
			if p[3] != "" {
				name += "." + p[3]
			}
			if !d[p[1]][name] {
				problems = append(problems, s+": no "+name+" in package "+p[1])
			}
		case testFunc.MatchString(s):
			checked++
			if !d["_test"][s] {
				problems = append(problems, s+": no such test")
			}
		case call.MatchString(s):
			checked++
			name := call.FindStringSubmatch(s)[1]
			if !d.declaresFunc(name) {
				problems = append(problems, s+": no function or method "+name)
			}
		}
	}
	return problems, checked
}

// declaresFunc reports whether some package declares a function, or a
// method of some type, named name.
func (d decls) declaresFunc(name string) bool {
	for n := range d[""] {
		if n == name || strings.HasSuffix(n, "."+name) {
			return true
		}
	}
	return false
}
