package alert

import (
	"fmt"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// MuteKind says what a Mute matches.
type MuteKind string

// Mute kinds, as written before the colon of a mute entry.
const (
	// MuteCode matches a quota code (L-1234ABCD), or the catalog key of a
	// quota that has no code.
	MuteCode MuteKind = "code"
	// MuteName matches quota names with a glob (path.Match syntax:
	// * ? [a-z]), ignoring case.
	MuteName MuteKind = "name"
	// MuteInstance matches an instance by id or alias.
	MuteInstance MuteKind = "instance"
)

// Mute silences the quotas or instances it matches: they are neither
// alerted about nor listed, and their remembered state is left as it is.
type Mute struct {
	Kind  MuteKind
	Value string
}

// String gives the mute in the syntax ParseMute reads.
func (m Mute) String() string { return string(m.Kind) + ":" + m.Value }

// ParseMute reads one entry: "code:L-12345678", "name:Rate of * API
// requests" or "instance:acme-prod".
func ParseMute(s string) (Mute, error) {
	entry := strings.TrimSpace(s)
	kind, value, ok := strings.Cut(entry, ":")
	value = strings.TrimSpace(value)
	if !ok || value == "" {
		return Mute{}, fmt.Errorf("mute %q: want code:<quota code>, name:<glob> or instance:<id or alias>", entry)
	}
	m := Mute{Kind: MuteKind(strings.ToLower(strings.TrimSpace(kind))), Value: value}
	switch m.Kind {
	case MuteCode:
		ref, err := quota.ParseQuotaRef(value)
		if err != nil {
			return Mute{}, fmt.Errorf("mute %q: %w", entry, err)
		}
		m.Value = ref
	case MuteName:
		if err := quota.CheckGlob(value); err != nil {
			return Mute{}, fmt.Errorf("mute %q: %w", entry, err)
		}
	case MuteInstance:
	default:
		return Mute{}, fmt.Errorf("mute %q: unknown kind %q (want code, name or instance)", entry, kind)
	}
	return m, nil
}

// ParseMutes reads a comma- or newline-separated list of entries, as given
// in an environment variable; empty entries are ignored. A quota name that
// contains a comma can be matched with ? in its place. The error names
// every bad entry.
func ParseMutes(list string) ([]Mute, error) {
	return quota.ParseList(list, ",\n", ParseMute)
}

// Matches reports whether the mute silences result r of the given instance
// (instanceID and alias are empty for account-level results).
func (m Mute) Matches(r quota.Result, instanceID, alias string) bool {
	switch m.Kind {
	case MuteCode:
		return r.QuotaID() == m.Value
	case MuteName:
		return quota.MatchName(m.Value, r.QuotaName)
	case MuteInstance:
		return instanceID != "" && (m.Value == instanceID || strings.EqualFold(m.Value, alias))
	}
	return false
}

func muted(mutes []Mute, r quota.Result, instanceID, alias string) bool {
	for _, m := range mutes {
		if m.Matches(r, instanceID, alias) {
			return true
		}
	}
	return false
}
