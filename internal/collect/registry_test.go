package collect

import (
	"slices"
	"strings"
	"testing"

	"github.com/cqmon/cqmon/internal/catalog"
)

// TestRegistryMatchesCatalog: every quota the catalog measures is produced
// by exactly one measure of the registry (a fixed key or a prefix), and
// every measure and prefix of the registry serves a catalog quota.
func TestRegistryMatchesCatalog(t *testing.T) {
	byMeasure, err := ByMeasure()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, d := range catalog.Default().Measured() {
		var producers []string
		for key, family := range byMeasure {
			if key == d.Usage.Measure || strings.HasSuffix(key, ".") && strings.HasPrefix(d.Usage.Measure, key) {
				producers = append(producers, family+" "+key)
				used[key] = true
			}
		}
		slices.Sort(producers)
		if len(producers) != 1 {
			t.Errorf("%s: measure %q is produced by %q, want exactly one family", d.Key, d.Usage.Measure, producers)
		}
		if _, ok := FamilyFor(byMeasure, d.Usage.Measure); !ok {
			t.Errorf("%s: FamilyFor(%q) finds no family", d.Key, d.Usage.Measure)
		}
	}
	for key, family := range byMeasure {
		if !used[key] {
			t.Errorf("family %s produces %q, which no catalog quota measures", family, key)
		}
	}
}
