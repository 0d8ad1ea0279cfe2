package alert

import (
	"regexp"
	"strings"
)

// A channel's target may hold secrets anywhere but in its scheme and host:
// a Slack webhook's path is its credential, and a mistyped spec may carry
// user:password@ or a ?token= query. Everything that names a channel in
// an error, a log line or a report goes through Redact or redactSpec.

var (
	schemePrefix = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)
	plainKind    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,19}$`)
)

// Redact keeps a target's scheme and host and hides the rest: user
// information (everything up to the last '@', wherever it sits), the
// path, query and fragment become "/...". It parses nothing, so a target
// that is not a well-formed URL is hidden the same way.
func Redact(raw string) string {
	scheme := schemePrefix.FindString(raw)
	rest := raw[len(scheme):]
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if i := strings.IndexAny(rest, "/?#\\"); i >= 0 {
		return scheme + rest[:i] + "/..."
	}
	return scheme + rest
}

// redactSpec is a channel spec ("kind:target") as errors quote it: the
// kind and the redacted target. A spec whose kind is unknown is redacted
// whole when what precedes the first ':' may not be a kind at all (a user
// name before an '@', or the scheme of a URL given without a kind).
func redactSpec(s string) string {
	kind, target, ok := strings.Cut(s, ":")
	switch {
	case ok && isKnownKind(kind):
		return kind + ":" + Redact(target)
	case ok && quotedKind(s) != "" && !strings.HasPrefix(target, "//"):
		return kind + ":" + Redact(target)
	}
	return Redact(s)
}

// quotedKind is ` "<kind>"` for an unknown kind's error when the kind can
// be shown, else "".
func quotedKind(s string) string {
	kind, _, _ := strings.Cut(s, ":")
	if strings.Contains(s, "@") || !plainKind.MatchString(kind) {
		return ""
	}
	return ` "` + kind + `"`
}

func isKnownKind(kind string) bool {
	switch strings.ToLower(kind) {
	case "stdout", "sns", "webhook":
		return true
	}
	return false
}
