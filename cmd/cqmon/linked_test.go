package main

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/cqmon/cqmon/internal/collect"
)

// TestProgramsLinkOnlyTheCallsTheyMake builds both programs and reads
// their symbol tables. A reflective method lookup anywhere in a program
// (text/template's execution, reflect.Type.Method by index) makes the
// linker keep every exported method of every type converted to an
// interface, which for the SDK clients doubles the binary and its
// resident memory. Then the Connect client's 371 operations are all
// linked; without it, only those ConnectAPI names.
func TestProgramsLinkOnlyTheCallsTheyMake(t *testing.T) {
	if testing.Short() {
		t.Skip("builds both programs")
	}
	called := map[string]bool{"Options": true}
	for m := range reflect.TypeFor[collect.ConnectAPI]().Methods() {
		called[m.Name] = true
	}
	method := regexp.MustCompile(`github\.com/aws/aws-sdk-go-v2/service/connect\.\(\*Client\)\.([A-Z]\w*)$`)
	// The Lambda is built as deploy.sh builds it: lambda.norpc leaves out
	// net/rpc, whose debug page would link html/template.
	for _, build := range [][]string{{"."}, {"-tags", "lambda.norpc", "../cqmon-lambda"}} {
		pkg := build[len(build)-1]
		bin := filepath.Join(t.TempDir(), "prog")
		args := append([]string{"build", "-o", bin}, build...)
		if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
		out, err := exec.Command("go", "tool", "nm", bin).Output()
		if err != nil {
			t.Fatalf("go tool nm %s: %v", pkg, err)
		}
		var extra []string
		for _, line := range strings.Split(string(out), "\n") {
			if m := method.FindStringSubmatch(line); m != nil && !called[m[1]] {
				extra = append(extra, m[1])
			}
		}
		if len(extra) > 0 {
			t.Errorf("%s links %d Connect operations it never calls (e.g. %s): something in it looks methods up by reflection", pkg, len(extra), extra[0])
		}
	}
}
