// Package catalog is cqmon's list of Amazon Connect quotas: every quota AWS
// documents for Connect and its related services, with its Service Quotas
// codes, default, scope, and how its usage is measured or why it cannot be.
//
// The list is data (catalog.json, embedded), decoded strictly and checked
// entry by entry when it is loaded. Quota codes come only from verified or
// corroborated evidence; a quota without such a code
// has none here.
package catalog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/cqmon/cqmon/internal/quota"
)

//go:embed catalog.json
var catalogJSON []byte

// Catalog is a validated list of quota definitions.
type Catalog struct {
	defs  []quota.Definition
	byKey map[string]int
}

// Default returns the embedded catalog. It panics if the embedded data is
// invalid, which the package tests rule out.
func Default() *Catalog {
	c, err := Parse(catalogJSON)
	if err != nil {
		panic(fmt.Sprintf("embedded catalog: %v", err))
	}
	return c
}

// Parse decodes and validates a catalog document.
func Parse(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var defs []quota.Definition
	if err := dec.Decode(&defs); err != nil {
		return nil, fmt.Errorf("decode catalog: %w", err)
	}
	return New(defs)
}

// New validates defs and builds a catalog from them.
func New(defs []quota.Definition) (*Catalog, error) {
	c := &Catalog{defs: defs, byKey: make(map[string]int, len(defs))}
	codes := make(map[string]string)
	for i, d := range defs {
		if err := Check(d); err != nil {
			return nil, fmt.Errorf("catalog entry %d (%q): %w", i, d.Key, err)
		}
		if _, dup := c.byKey[d.Key]; dup {
			return nil, fmt.Errorf("catalog entry %d: duplicate key %q", i, d.Key)
		}
		c.byKey[d.Key] = i
		if d.Code != "" {
			id := d.ServiceCode + "/" + d.Code
			if prev, dup := codes[id]; dup {
				return nil, fmt.Errorf("catalog entry %d (%q): quota code %s already used by %q", i, d.Key, id, prev)
			}
			codes[id] = d.Key
		}
	}
	return c, nil
}

var (
	keyPattern         = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[A-Za-z0-9_.]+$`)
	serviceCodePattern = regexp.MustCompile(`^$|^[a-z][a-z-]*$`)
)

// Check validates one definition: key and code formats, a known scope and
// usage kind, a measure for measured quotas and a reason for the others.
func Check(d quota.Definition) error {
	switch {
	case !keyPattern.MatchString(d.Key):
		return fmt.Errorf("key %q: want <service>.<name> in lower case", d.Key)
	case d.Name == "":
		return fmt.Errorf("quota_name: empty")
	case d.Service == "":
		return fmt.Errorf("service: empty")
	case !serviceCodePattern.MatchString(d.ServiceCode):
		return fmt.Errorf("service_code %q: not a Service Quotas service code", d.ServiceCode)
	case d.Code != "" && !quota.ValidCode(d.Code):
		return fmt.Errorf("quota_code %q: want L- and 8 upper-case hex digits", d.Code)
	case d.Code != "" && d.ServiceCode == "":
		return fmt.Errorf("quota_code %q without a service_code", d.Code)
	case d.Default != nil && *d.Default < 0:
		return fmt.Errorf("default %v: negative", *d.Default)
	}
	switch d.Scope {
	case quota.ScopeAccount, quota.ScopeInstance, quota.ScopeOther:
		if d.Parent != "" {
			return fmt.Errorf("parent %q: only parent-scoped quotas name a parent", d.Parent)
		}
	case quota.ScopeParent:
		if d.Parent == "" {
			return fmt.Errorf("scope parent: parent is empty")
		}
	default:
		return fmt.Errorf("scope %q: want account, instance, parent or other", d.Scope)
	}
	switch d.Usage.Kind {
	case quota.UsageCount, quota.UsageMaxPerParent, quota.UsageMetric:
		if d.Usage.Measure == "" {
			return fmt.Errorf("usage.measure: empty for usage kind %q", d.Usage.Kind)
		}
		if d.Usage.Why != "" || d.Usage.WhyKind != "" {
			return fmt.Errorf("usage.why: set on a measured quota")
		}
		if d.Scope == quota.ScopeOther {
			return fmt.Errorf("scope other: a measured quota needs an account, instance or parent scope")
		}
		if (d.Usage.Kind == quota.UsageMaxPerParent) != (d.Scope == quota.ScopeParent) {
			return fmt.Errorf("usage kind %q with scope %q: per-parent usage goes with parent scope", d.Usage.Kind, d.Scope)
		}
	case quota.UsageNone:
		if d.Usage.Why == "" {
			return fmt.Errorf("usage.why: empty for an unmeasured quota")
		}
		if d.Usage.Measure != "" {
			return fmt.Errorf("usage.measure %q: set on an unmeasured quota", d.Usage.Measure)
		}
		if _, ok := quota.WhyKinds[d.Usage.WhyKind]; !ok {
			return fmt.Errorf("usage.why_kind %q: want one of no-api, no-metric, per-item, setting, no-limit, not-yet", d.Usage.WhyKind)
		}
	default:
		return fmt.Errorf("usage.kind %q: want count, max_per_parent, metric or none", d.Usage.Kind)
	}
	return nil
}

// All returns every definition, in catalog order.
func (c *Catalog) All() []quota.Definition { return append([]quota.Definition(nil), c.defs...) }

// Measured returns the definitions whose usage cqmon measures.
func (c *Catalog) Measured() []quota.Definition {
	var out []quota.Definition
	for _, d := range c.defs {
		if d.Measured() {
			out = append(out, d)
		}
	}
	return out
}

// Lookup returns the definition with the given key.
func (c *Catalog) Lookup(key string) (quota.Definition, bool) {
	i, ok := c.byKey[key]
	if !ok {
		return quota.Definition{}, false
	}
	return c.defs[i], true
}
