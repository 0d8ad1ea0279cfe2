package emf

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// Selection says which quotas get metrics. Each distinct metric costs
// money every month, so the default leaves out the account-level quotas
// that are nowhere near their limit; the run's own metrics are always
// written.
type Selection struct {
	spec string
	// none: no quota metrics at all.
	none bool
	// instanceMin and accountMin are the least utilization, in percent, a
	// quota of an instance or of the account needs to be emitted; a
	// negative value admits every quota with a known value, even one
	// whose utilization is not known.
	instanceMin, accountMin float64
}

// Selection specs.
const (
	// SelectDefault: every measured quota of every instance, and the
	// account-level quotas at or above 1% of their limit.
	SelectDefault = "default"
	// SelectAll: every quota with a known value.
	SelectAll = "all"
	// SelectNone: the run's metrics only.
	SelectNone = "none"
	// selectAbovePrefix starts "above:P": every quota at or above P% of
	// its limit, instance or account.
	selectAbovePrefix = "above:"
)

// DefaultAccountMin is the least utilization, in percent, of an
// account-level quota the default selection emits.
const DefaultAccountMin = 1

// DefaultSelection is the selection of an empty setting.
func DefaultSelection() Selection {
	return Selection{spec: SelectDefault, instanceMin: -1, accountMin: DefaultAccountMin}
}

// ParseSelection reads a selection: default, all, none, or above:P with P
// a percentage from 0 to 100.
func ParseSelection(spec string) (Selection, error) {
	spec = strings.TrimSpace(spec)
	switch spec {
	case "", SelectDefault:
		return DefaultSelection(), nil
	case SelectAll:
		return Selection{spec: spec, instanceMin: -1, accountMin: -1}, nil
	case SelectNone:
		return Selection{spec: spec, none: true}, nil
	}
	if p, ok := strings.CutPrefix(spec, selectAbovePrefix); ok {
		v, err := strconv.ParseFloat(p, 64)
		if err == nil && v >= 0 && v <= 100 {
			return Selection{spec: spec, instanceMin: v, accountMin: v}, nil
		}
	}
	return Selection{}, fmt.Errorf("%q is not one of default, all, none, above:P (P a percentage 0-100)", spec)
}

// String returns the spec the selection was read from.
func (s Selection) String() string {
	if s.spec == "" {
		return SelectDefault
	}
	return s.spec
}

// admits reports whether r gets metrics; instance says whether it is a
// quota of an instance.
func (s Selection) admits(r quota.Result, instance bool) bool {
	if s.none {
		return false
	}
	min := s.accountMin
	if instance {
		min = s.instanceMin
	}
	if s.spec == "" {
		// The zero Selection is the default one.
		min = DefaultSelection().accountMin
		if instance {
			min = DefaultSelection().instanceMin
		}
	}
	if min < 0 {
		return true
	}
	return r.Utilization != nil && *r.Utilization >= min
}

// Equal reports whether two selections admit the same quotas.
func (s Selection) Equal(o Selection) bool { return s == o }
