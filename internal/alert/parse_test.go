package alert

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestParseMutes(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Mute
		wantErr string
	}{
		{name: "empty", in: " , \n"},
		{name: "every kind", in: "code:l-22922690, name:Rate of * API requests\ninstance:acme-prod,code:connect.flows",
			want: []Mute{{MuteCode, "L-22922690"}, {MuteName, "Rate of * API requests"}, {MuteInstance, "acme-prod"}, {MuteCode, "connect.flows"}}},
		{name: "kind is case-insensitive", in: "Instance: 1234", want: []Mute{{MuteInstance, "1234"}}},
		{name: "no kind", in: "L-22922690",
			wantErr: `mute "L-22922690": want code:<quota code>, name:<glob> or instance:<id or alias>`},
		{name: "empty value", in: "code:",
			wantErr: `mute "code:": want code:<quota code>, name:<glob> or instance:<id or alias>`},
		{name: "unknown kind", in: "quota:L-22922690",
			wantErr: `mute "quota:L-22922690": unknown kind "quota" (want code, name or instance)`},
		{name: "bad code", in: "code:L-123",
			wantErr: `mute "code:L-123": "L-123" is neither a quota code (L- and 8 hex digits) nor a catalog key`},
		{name: "bad glob", in: "name:Rate of [",
			wantErr: `mute "name:Rate of [": bad pattern: syntax error in pattern`},
		{name: "every bad entry named", in: "code:x y,instance:ok,bogus",
			want: []Mute{{MuteInstance, "ok"}},
			wantErr: `mute "code:x y": "x y" is neither a quota code (L- and 8 hex digits) nor a catalog key` + "\n" +
				`mute "bogus": want code:<quota code>, name:<glob> or instance:<id or alias>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMutes(tt.in)
			if diff := cmp.Diff(tt.wantErr, errText(err)); diff != "" {
				t.Errorf("ParseMutes(%q) error mismatch (-want +got):\n%s", tt.in, diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseMutes(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			for _, m := range got {
				if back, err := ParseMute(m.String()); err != nil || back != m {
					t.Errorf("ParseMute(%q) = %v, %v; want %v", m.String(), back, err, m)
				}
			}
		})
	}
}

func TestMuteMatchesAccountLevel(t *testing.T) {
	r := res("L-11111111", "Amazon Connect instances per account", 9, 10, "account", true)
	if (Mute{MuteInstance, "acme"}).Matches(r, "", "") {
		t.Error("an instance mute matched an account-level result")
	}
	if !(Mute{MuteName, "Amazon Connect instances *"}).Matches(r, "", "") {
		t.Error("a name mute did not match an account-level result")
	}
}

func TestParseSpecs(t *testing.T) {
	const arn = "arn:aws:sns:eu-west-2:123456789012:connect-alerts"
	tests := []struct {
		name    string
		in      string
		want    []Spec
		wantErr string
	}{
		{name: "every kind", in: "sns:" + arn + ", stdout\nwebhook:https://hooks.slack.com/services/T0/B0/secret, Chatbot:" + arn,
			want: []Spec{{"sns", arn}, {"stdout", ""}, {"webhook", "https://hooks.slack.com/services/T0/B0/secret"}, {"chatbot", arn}}},
		{name: "chatbot needs a topic ARN", in: "chatbot:ops-channel",
			wantErr: `channel "chatbot:ops-channel": "ops-channel" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)`},
		{name: "gov cloud partition", in: "sns:arn:aws-us-gov:sns:us-gov-west-1:123456789012:t",
			want: []Spec{{"sns", "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t"}}},
		{name: "not an ARN", in: "sns:connect-alerts",
			wantErr: `channel "sns:connect-alerts": "connect-alerts" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)`},
		{name: "FIFO topic", in: "sns:" + arn + ".fifo",
			wantErr: `channel "sns:` + arn + `.fifo": FIFO topics are not supported (they deliver only to SQS)`},
		{name: "stdout with a target", in: "stdout:x", wantErr: `channel "stdout:x": stdout takes no target`},
		{name: "webhook without scheme hides the path", in: "webhook:hooks.slack.com/services/T0/B0/secret",
			wantErr: `channel "webhook:hooks.slack.com/...": want an http(s) URL after webhook:`},
		{name: "webhook without scheme hides user and password", in: "webhook:user:pass@hooks.slack.com/services/T0/B0/secret",
			wantErr: `channel "webhook:hooks.slack.com/...": want an http(s) URL after webhook:`},
		{name: "unknown kind hides a URL", in: "slack:https://hooks.slack.com/services/T0/B0/secret",
			wantErr: `channel "slack:https://hooks.slack.com/...": unknown kind "slack" (want sns:<topic ARN>, chatbot:<topic ARN>, stdout or webhook:<URL>)`},
		{name: "stdout with a URL hides its secrets", in: "stdout:https://user:pass@hooks.slack.com/services/X?token=t",
			wantErr: `channel "stdout:https://hooks.slack.com/...": stdout takes no target`},
		{name: "sns with a URL hides its secrets", in: "sns:https://user:pass@hooks.slack.com/services/X",
			wantErr: `channel "sns:https://hooks.slack.com/...": "https://hooks.slack.com/..." is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)`},
		{name: "sns with a query hides it", in: "sns:https://example.com?token=secret",
			wantErr: `channel "sns:https://example.com/...": "https://example.com/..." is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)`},
		{name: "FIFO URL hides its path", in: "sns:https://example.com/secret.fifo",
			wantErr: `channel "sns:https://example.com/...": FIFO topics are not supported (they deliver only to SQS)`},
		{name: "a URL without a kind", in: "https://user:pass@example.com/secret",
			wantErr: `channel "https://example.com/...": unknown kind (want sns:<topic ARN>, chatbot:<topic ARN>, stdout or webhook:<URL>)`},
		{name: "unknown kind", in: "email:ops", wantErr: `channel "email:ops": unknown kind "email" (want sns:<topic ARN>, chatbot:<topic ARN>, stdout or webhook:<URL>)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSpecs(tt.in)
			if diff := cmp.Diff(tt.wantErr, errText(err)); diff != "" {
				t.Errorf("ParseSpecs(%q) error mismatch (-want +got):\n%s", tt.in, diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseSpecs(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestSpecStringHidesWebhookPath(t *testing.T) {
	s := Spec{Kind: "webhook", Target: "https://hooks.slack.com/services/T0/B0/secret"}
	if got, want := s.String(), "webhook:https://hooks.slack.com/..."; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	ch, err := s.Build(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ch.String(); strings.Contains(got, "secret") {
		t.Errorf("channel String() = %q shows the secret path", got)
	}
}
