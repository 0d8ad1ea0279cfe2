package alert

import (
	"regexp"
	"strings"
	"testing"
)

// secretish is what the redaction fuzz treats as a secret: long enough,
// and mixing letters and digits, so it cannot be a word of an error's own
// text.
var secretish = regexp.MustCompile(`^[A-Za-z0-9]{8,}$`)

func isSecretish(s string) bool {
	return secretish.MatchString(s) && strings.ContainsAny(s, "0123456789") && strings.IndexFunc(s, func(r rune) bool { return r > '9' }) >= 0
}

// FuzzChannelSpecRedaction builds channel specs around a user name,
// password, path and query and checks that none of them appears in what
// cqmon would print: the parse error, the spec's and the channel's names.
func FuzzChannelSpecRedaction(f *testing.F) {
	f.Add("webhook", "https", "user1", "pa55word", "hooks.slack.com", "T0B0s3cret", "t0kenvalue")
	f.Add("stdout", "https", "admin1", "hunter22", "example.com", "services9X", "sig12345")
	f.Add("sns", "http", "u", "passw0rd", "10.0.0.1:8080", "p4thpart", "q1q2q3q4")
	f.Add("slack", "", "user0000", "s3cr3tpw", "host", "abcdefg1", "zzzzzzz9")
	f.Add("", "https", "x", "Pa55Word", "h", "Path0000", "Query000")
	f.Fuzz(func(t *testing.T, kind, scheme, user, pass, host, path, query string) {
		var secrets []string
		for _, s := range []string{user, pass, path, query} {
			if isSecretish(s) && !strings.Contains(kind+scheme+host, s) {
				secrets = append(secrets, s)
			}
		}
		authority := user + ":" + pass + "@" + host
		specs := []string{
			kind + ":" + scheme + "://" + authority + "/" + path + "?q=" + query,
			kind + ":" + authority + "/" + path + "?q=" + query,
			kind + ":" + host + "/" + path + "?token=" + query,
			scheme + "://" + authority + "/" + path,
		}
		for _, spec := range specs {
			var shown []string
			s, err := ParseSpec(spec)
			if err != nil {
				shown = append(shown, err.Error())
			} else {
				shown = append(shown, s.String())
				if ch, err := s.Build(Deps{Stdout: &strings.Builder{}, SNS: func(string) Publisher { return nil }}); err == nil {
					shown = append(shown, ch.String())
				}
			}
			// In a list, a comma or newline ends an entry: a secret split
			// across entries by one cannot be recognised as a secret.
			if _, err := ParseSpecs(spec); err != nil && !strings.ContainsAny(spec, ",\n") {
				shown = append(shown, err.Error())
			}
			for _, out := range shown {
				for _, secret := range secrets {
					if strings.Contains(out, secret) {
						t.Fatalf("spec %q: %q shows %q", spec, out, secret)
					}
				}
			}
		}
	})
}

// FuzzParseMutes checks that any list parses without panicking, and that
// every mute it returns reads back as itself.
func FuzzParseMutes(f *testing.F) {
	for _, s := range []string{
		"code:L-22922690", "name:Rate of * API requests", "instance:acme-prod,code:connect.flows",
		"code:l-22922690\ninstance: 1234", "name:[", "name:Rate of [", "quota:x", "code:", ",,\n", "code:x y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		mutes, err := ParseMutes(list)
		if err != nil && err.Error() == "" {
			t.Fatalf("ParseMutes(%q): an empty error", list)
		}
		for _, m := range mutes {
			back, err := ParseMute(m.String())
			if err != nil || back != m {
				t.Fatalf("ParseMutes(%q) gave %+v, which reads back as %+v, %v", list, m, back, err)
			}
		}
	})
}

// FuzzSubject checks SNS's rules for a subject on any alias, instance id,
// account and counts: printable ASCII only, starting with a letter, digit
// or punctuation, and under 100 characters.
func FuzzSubject(f *testing.F) {
	f.Add(uint8(0), "acme-prod", "11111111-2222-3333-4444-555555555555", "123456789012", 3, 0)
	f.Add(uint8(1), "", "ïñstânce\n", "123456789012", 1, 2)
	f.Add(uint8(2), strings.Repeat("long-alias-", 20), "id", "", 0, 1<<40)
	f.Add(uint8(2), "", "", "acc\x00unt", -5, -1)
	f.Fuzz(func(t *testing.T, kind uint8, alias, instanceID, account string, omittedViolations, omittedRecovered int) {
		m := Message{
			Kind:    []Kind{KindAlert, KindReminder, KindRecovery}[int(kind)%3],
			Account: account, InstanceID: instanceID, InstanceAlias: alias,
			Omitted: Omitted{Violations: omittedViolations, Recovered: omittedRecovered},
		}
		s := m.Subject()
		if len(s) == 0 || len(s) > MaxSubjectLen {
			t.Fatalf("subject of %d characters: %q", len(s), s)
		}
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] > 0x7e {
				t.Fatalf("subject has byte %#x at %d: %q", s[i], i, s)
			}
		}
		if s[0] == ' ' {
			t.Fatalf("subject starts with a space: %q", s)
		}
	})
}
