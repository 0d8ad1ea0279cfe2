package quota

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Bounds of a threshold, in percent of the limit.
const (
	MinThreshold = 1
	MaxThreshold = 99
)

// CheckThreshold reports whether p, in percent, is a threshold from
// MinThreshold to MaxThreshold; the error gives the value and the range.
func CheckThreshold(p float64) error {
	if !InRange(p, MinThreshold, MaxThreshold) {
		return fmt.Errorf("%v is outside %d–%d (percent)", p, MinThreshold, MaxThreshold)
	}
	return nil
}

// ThresholdKind says what a ThresholdRule matches, in order of precedence:
// a rule for one quota of one instance beats a rule for a quota code,
// which beats a rule for quota names, which beats the global threshold.
type ThresholdKind string

// Threshold rule kinds, most specific first.
const (
	// ThresholdInstance matches one quota code (or catalog key) of one
	// instance, named by id or alias: "instance:acme-prod/code:L-9A46857E".
	ThresholdInstance ThresholdKind = "instance"
	// ThresholdCode matches a quota code, or the catalog key of a quota
	// without one: "code:L-9A46857E".
	ThresholdCode ThresholdKind = "code"
	// ThresholdName matches quota names with a glob, ignoring case:
	// "name:Rate of *".
	ThresholdName ThresholdKind = "name"
)

func (k ThresholdKind) rank() int {
	switch k {
	case ThresholdInstance:
		return 3
	case ThresholdCode:
		return 2
	case ThresholdName:
		return 1
	}
	return 0
}

// ThresholdRule sets the violation threshold of the quotas it matches.
type ThresholdRule struct {
	Kind ThresholdKind
	// Instance is the instance id or alias of a ThresholdInstance rule.
	Instance string
	// Quota is a quota code or catalog key (instance and code rules) or a
	// name glob (name rules).
	Quota   string
	Percent float64
}

// String gives the rule in the syntax ParseThreshold reads.
func (t ThresholdRule) String() string {
	spec := string(t.Kind) + ":" + t.Quota
	if t.Kind == ThresholdInstance {
		spec = "instance:" + t.Instance + "/code:" + t.Quota
	}
	return spec + "=" + strconv.FormatFloat(t.Percent, 'f', -1, 64)
}

var refPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

// ParseQuotaRef reads a quota named by code (any case; returned upper
// case) or by catalog key.
func ParseQuotaRef(value string) (string, error) {
	if up := strings.ToUpper(value); ValidCode(up) {
		return up, nil
	}
	if !refPattern.MatchString(value) {
		return "", fmt.Errorf("%q is neither a quota code (L- and 8 hex digits) nor a catalog key", value)
	}
	return value, nil
}

// CheckGlob reports whether glob is a valid name pattern (path.Match
// syntax: * ? [a-z]).
func CheckGlob(glob string) error {
	if _, err := path.Match(glob, ""); err != nil {
		return fmt.Errorf("bad pattern: %w", err)
	}
	return nil
}

// MatchName reports whether a quota name matches glob, ignoring case.
func MatchName(glob, name string) bool {
	ok, _ := path.Match(strings.ToLower(glob), strings.ToLower(name))
	return ok
}

// ParseThreshold reads one rule, "SPEC=N", where SPEC is code:<quota
// code>, name:<glob> or instance:<id or alias>/code:<quota code>, and N a
// percentage from MinThreshold to MaxThreshold.
func ParseThreshold(s string) (ThresholdRule, error) {
	entry := strings.TrimSpace(s)
	i := strings.LastIndex(entry, "=")
	if i < 0 {
		return ThresholdRule{}, fmt.Errorf("threshold %q: want SPEC=N (code:L-XXXXXXXX=70, name:<glob>=95 or instance:<id or alias>/code:L-XXXXXXXX=60)", entry)
	}
	spec, num := strings.TrimSpace(entry[:i]), strings.TrimSpace(entry[i+1:])
	pct, err := ParseNumber(num)
	if err != nil || CheckThreshold(pct) != nil {
		return ThresholdRule{}, fmt.Errorf("threshold %q: %q is not a percentage from %d to %d", entry, num, MinThreshold, MaxThreshold)
	}
	kind, value, _ := strings.Cut(spec, ":")
	t := ThresholdRule{Kind: ThresholdKind(strings.ToLower(strings.TrimSpace(kind))), Percent: pct}
	value = strings.TrimSpace(value)
	switch t.Kind {
	case ThresholdCode:
		t.Quota, err = ParseQuotaRef(value)
	case ThresholdName:
		t.Quota = value
		if value == "" {
			err = errors.New("empty name pattern")
		} else {
			err = CheckGlob(value)
		}
	case ThresholdInstance:
		inst, code, ok := strings.Cut(value, "/")
		inst, code = strings.TrimSpace(inst), strings.TrimSpace(code)
		rest, isCode := strings.CutPrefix(code, "code:")
		switch {
		case !ok || inst == "" || !isCode:
			err = fmt.Errorf("%q is not <id or alias>/code:<quota code>", value)
		default:
			t.Instance = inst
			t.Quota, err = ParseQuotaRef(strings.TrimSpace(rest))
		}
	default:
		err = fmt.Errorf("unknown kind %q (want code, name or instance)", kind)
	}
	if err != nil {
		return ThresholdRule{}, fmt.Errorf("threshold %q: %w", entry, err)
	}
	return t, nil
}

// ParseThresholds reads a list of rules separated by semicolons or
// newlines, as the Lambda's CQMON_THRESHOLDS gives them; empty entries are
// ignored. The error names every bad entry.
func ParseThresholds(list string) ([]ThresholdRule, error) {
	return ParseList(list, ";\n", ParseThreshold)
}

// ParseList reads a list of entries separated by any of the runes in
// seps with parse, as environment variables give them; blank entries are
// ignored. The error joins every bad entry's error.
func ParseList[T any](list, seps string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	var errs []error
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if strings.TrimSpace(f) == "" {
			continue
		}
		v, err := parse(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, v)
	}
	return out, errors.Join(errs...)
}

// Thresholds resolves the threshold of each row: the most specific rule
// that matches (instance, then code, then name), among rules of the same
// kind the last one given, else Global.
type Thresholds struct {
	Global float64
	Rules  []ThresholdRule
}

// For returns the threshold of quota d on instance in (nil for
// account-level rows). name is the quota's name as Service Quotas gave it,
// if it did; name rules match it or the catalog's name.
func (t Thresholds) For(d Definition, name string, in *Instance) float64 {
	best, rank := t.Global, 0
	for _, r := range t.Rules {
		if r.Kind.rank() < rank || !r.matches(d, name, in) {
			continue
		}
		best, rank = r.Percent, r.Kind.rank()
	}
	return best
}

func (r ThresholdRule) matches(d Definition, name string, in *Instance) bool {
	switch r.Kind {
	case ThresholdInstance:
		return in != nil && (r.Instance == in.ID || strings.EqualFold(r.Instance, in.Alias)) && r.Quota == d.ID()
	case ThresholdCode:
		return r.Quota == d.ID()
	case ThresholdName:
		return MatchName(r.Quota, d.Name) || name != "" && MatchName(r.Quota, name)
	}
	return false
}
