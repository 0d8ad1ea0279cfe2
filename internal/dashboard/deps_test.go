package dashboard

import (
	"os/exec"
	"strings"
	"testing"
)

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
// back into their binaries (see the package doc). The Lambda is built
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
