package catalog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/cqmon/cqmon/internal/quota"
)

// FuzzParse feeds any document to the catalog loader: it never panics,
// and every entry of a catalog it accepts passes Check, has a unique key
// and can be looked up by it.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	// A few entries of the real catalog, one of each scope (the whole
	// file is too large to mutate quickly).
	var defs []quota.Definition
	if err := json.Unmarshal(catalogJSON, &defs); err != nil {
		f.Fatal(err)
	}
	seen := map[quota.Scope]bool{}
	var some []quota.Definition
	for _, d := range defs {
		if !seen[d.Scope] {
			seen[d.Scope] = true
			some = append(some, d)
		}
	}
	b, err := json.Marshal(some)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`[]`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := Parse(doc)
		if err != nil {
			return
		}
		for _, d := range c.All() {
			if err := Check(d); err != nil {
				t.Fatalf("accepted entry %q fails Check: %v", d.Key, err)
			}
			if got, ok := c.Lookup(d.Key); !ok || got.Key != d.Key {
				t.Fatalf("Lookup(%q) = %q, %v", d.Key, got.Key, ok)
			}
		}
	})
}
