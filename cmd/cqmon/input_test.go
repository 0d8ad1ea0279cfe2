package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputIsNamedAndSecretsStayHidden runs the binary with values a
// user may mistype: each exits 2 with a message naming the flag, and none
// prints the secret parts of a URL given in the wrong place.
func TestBadInputIsNamedAndSecretsStayHidden(t *testing.T) {
	const secretURL = "https://user:pa55word@hooks.example.com/services/T0/B0/s3cret?token=t0ken"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"stdout with a URL", []string{"demo", "--notify", "stdout:" + secretURL}, `notify: channel "stdout:https://hooks.example.com/...": stdout takes no target`},
		{"sns with a URL", []string{"demo", "--notify", "sns:" + secretURL}, `notify: channel "sns:https://hooks.example.com/..."`},
		{"webhook without a scheme", []string{"demo", "--notify", "webhook:user:pa55word@hooks.example.com/services/T0/B0/s3cret"}, `notify: channel "webhook:hooks.example.com/...": want an http(s) URL`},
		{"an empty store", []string{"scan", "--store", ""}, `--store: "" names nothing`},
		{"an empty history store", []string{"history", "--store", ""}, `store: an empty value names no store`},
		{"a maximum share under the share", []string{"demo", "--rate-share", "0.6", "--rate-share-max", "0.4"}, `rate-share-max: 0.4 is outside 0.6 (rate-share) to 1`},
		{"a KMS key the Lambda rejects", []string{"demo", "--kms-key", "my key"}, `kms-key: "my key" is not a KMS key id, key ARN, alias or alias ARN`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := cqmon(t, nil, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
			for _, secret := range []string{"pa55word", "s3cret", "t0ken"} {
				if strings.Contains(stdout+stderr, secret) {
					t.Errorf("output shows %q:\n%s%s", secret, stdout, stderr)
				}
			}
		})
	}
}

func TestHistoryOfAnEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := cqmon(t, nil, "history", "--store", "local:"+path)
	if want := "the file is empty: no history yet"; code != exitIncomplete || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, want %d with %q:\n%s", code, exitIncomplete, want, stderr)
	}
}
