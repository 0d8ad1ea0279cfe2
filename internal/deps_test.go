// Package internal_test checks the direction of the dependencies between
// cqmon's packages: the domain at the bottom, adapters above it that never
// import each other, and the programs in cmd that wire them.
package internal_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/cqmon/cqmon/"

// adapters talk to each other only through the domain types of quota.
var adapters = []string{"store", "alert", "report", "dashboard", "emf", "exporter", "collect"}

// deps lists every package pkg links, by go list.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", module+pkg).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// linked reports the packages of list that are pkg or under it.
func linked(list []string, pkg string) []string {
	var out []string
	for _, p := range list {
		if p == module+pkg || strings.HasPrefix(p, module+pkg+"/") {
			out = append(out, p)
		}
	}
	return out
}

func TestDependencies(t *testing.T) {
	tests := []struct {
		pkg, mustNotLink, why string
	}{
		{"internal/store", "internal/awsapi", "a store gets its clients and classifies errors with awserr"},
		{"cmd/cqmon-lambda", "internal/sim", "the simulator is for the CLI's demo and the tests"},
	}
	for _, a := range adapters {
		for _, b := range adapters {
			if a != b {
				tests = append(tests, struct{ pkg, mustNotLink, why string }{"internal/" + a, "internal/" + b, "adapters do not import each other"})
			}
		}
	}
	cache := map[string][]string{}
	for _, tc := range tests {
		if cache[tc.pkg] == nil {
			cache[tc.pkg] = deps(t, tc.pkg)
		}
		if got := linked(cache[tc.pkg], tc.mustNotLink); len(got) > 0 {
			t.Errorf("%s links %s (%s)", tc.pkg, strings.Join(got, ", "), tc.why)
		}
	}
}

// cliTemplates is the one known exception to TestNoTemplates: the
// command-line library imports text/template for the help and usage
// templates a program may set (SetHelpTemplate and the like). cqmon sets
// none: its help is written by Go functions, so no template is executed
// and the linker leaves template execution out. cmd/cqmon's
// TestProgramsLinkOnlyTheCallsTheyMake checks the binary itself. The test
// fails once the exception is no longer needed.
const cliTemplates = "github.com/spf13/cobra imports text/template"

// TestNoTemplates fails when the programs link text/template or
// html/template, which would bring every method of the AWS SDK clients
// back into their binaries (see internal/dashboard's package doc). The Lambda is built
// with the tag lambda.norpc, as deploy/deploy.sh builds it: without it
// aws-lambda-go links net/rpc, whose debug page is a template.
func TestNoTemplates(t *testing.T) {
	for _, c := range []struct {
		tags, pkgs string
		except     string
	}{
		{"", "github.com/cqmon/cqmon/internal/dashboard github.com/cqmon/cqmon/internal/exporter", ""},
		{"", "github.com/cqmon/cqmon/cmd/cqmon", cliTemplates},
		{"lambda.norpc", "github.com/cqmon/cqmon/cmd/cqmon-lambda", ""},
	} {
		args := append([]string{"list", "-deps", "-tags", c.tags, "-f", "{{.ImportPath}} {{join .Imports \" \"}}"}, strings.Fields(c.pkgs)...)
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		excepted := false
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			pkg, imports, _ := strings.Cut(line, " ")
			for _, imp := range strings.Fields(imports) {
				if imp != "text/template" && imp != "html/template" {
					continue
				}
				if found := pkg + " imports " + imp; found == c.except {
					excepted = true
				} else {
					t.Errorf("%s (linked into %s)", found, c.pkgs)
				}
			}
		}
		if c.except != "" && !excepted {
			t.Errorf("%s links no template package any more: remove the exception %q", c.pkgs, c.except)
		}
	}
}
