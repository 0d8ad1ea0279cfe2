package store

import (
	"strings"
	"testing"
)

// FuzzParseSpec: any spec parses or fails with a "store:" message, and a
// parsed spec's canonical form parses back to the same spec.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{
		"local", "local:", "local:/tmp/h.db", "dynamodb:cqmon-history", "s3://my-bucket/cqmon/prod/",
		"s3://my-bucket", "dynamo:x", "S3://b/p", "dynamodb:a_b", "s3://My_Bucket/x", "", "none", "s3:///x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		t.Setenv("XDG_STATE_HOME", "/state")
		sp, err := ParseSpec(spec)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "store: ") {
				t.Fatalf("ParseSpec(%q) error %q does not say it is about the store", spec, err)
			}
			return
		}
		back, err := ParseSpec(sp.String())
		if err != nil || back != sp {
			t.Fatalf("ParseSpec(%q) = %+v, whose String %q reads back as %+v, %v", spec, sp, sp.String(), back, err)
		}
	})
}
