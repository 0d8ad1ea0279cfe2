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
