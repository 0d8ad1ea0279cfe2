package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqmon/cqmon/internal/quota"
)

func TestDefaultCatalogEveryEntry(t *testing.T) {
	c, err := Parse(catalogJSON)
	if err != nil {
		t.Fatalf("Parse(embedded) = %v", err)
	}
	measures := map[string]string{}
	for _, d := range c.All() {
		t.Run(d.Key, func(t *testing.T) {
			if err := Check(d); err != nil {
				t.Fatal(err)
			}
			if d.Code != "" && !quota.ValidCode(d.Code) {
				t.Errorf("code %q is not a Service Quotas code", d.Code)
			}
			if d.Measured() {
				if prev, dup := measures[d.Usage.Measure]; dup {
					t.Errorf("measure %q also used by %q", d.Usage.Measure, prev)
				}
				measures[d.Usage.Measure] = d.Key
				if d.Usage.Source == "" {
					t.Errorf("measured quota without a usage source")
				}
			}
		})
	}
	if got := len(c.Measured()); got < 35 {
		t.Errorf("measured quotas = %d, want at least 35", got)
	}
}

func TestLookup(t *testing.T) {
	c := Default()
	d, ok := c.Lookup("connect.users")
	if !ok || d.Code != "L-9A46857E" || d.Scope != quota.ScopeInstance {
		t.Errorf("Lookup(connect.users) = %+v, %v", d, ok)
	}
	if _, ok := c.Lookup("connect.nope"); ok {
		t.Error("Lookup(connect.nope) found an entry")
	}
}

// TestInvalid decodes each testdata/invalid-*.json and expects the error
// text kept in the .err file beside it.
func TestInvalid(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid-*.json")
	if len(files) == 0 {
		t.Fatal("no testdata/invalid-*.json")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".err")
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(data)
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			if got := err.Error(); got != strings.TrimSpace(string(want)) {
				t.Errorf("Parse error\n got: %s\nwant: %s", got, strings.TrimSpace(string(want)))
			}
		})
	}
}

func TestServiceCodes(t *testing.T) {
	got := quota.ServiceCodes(Default().Measured())
	want := []string{"app-integrations", "cases", "connect", "connect-campaigns", "profile", "voiceid", "wisdom"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ServiceCodes(measured) = %v, want %v", got, want)
	}
}
