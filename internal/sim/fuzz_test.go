package sim_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/cqmon/cqmon/internal/sim"
)

// goTerms are Go's words for types and values, which a scenario error
// must not use: its reader wrote JSON.
var goTerms = regexp.MustCompile(`sim\.|map\[|\[\][a-z]|struct \{|\(nil\)|float64|int64|\bint\b|&\{`)

var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// FuzzLoadScenario feeds any document to the loader: it never panics, its
// errors speak JSON, and a scenario it accepts is accepted again.
func FuzzLoadScenario(f *testing.F) {
	// Small documents only: the fuzzer mutates a 60 KB one slowly.
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"account":"123456789012","regions":["us-east-1"],"instances":[{"alias":"a","counts":{"users":-1}}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, err := sim.LoadScenario(bytes.NewReader(doc))
		if err != nil {
			// Quoted values are the user's own; the words around them are not.
			if m := goTerms.FindString(quoted.ReplaceAllString(err.Error(), `""`)); m != "" {
				t.Fatalf("error speaks Go (%q): %v", m, err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("an accepted scenario fails Validate: %v", err)
		}
	})
}
