package store

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSpec(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	def := filepath.Join(state, "cqmon", "history.db")
	tests := []struct {
		spec    string
		want    Spec
		wantStr string
		wantErr string
	}{
		{spec: "", wantErr: "store: an empty value names no store (want local, local:<path>, dynamodb:<table>, s3://<bucket>/<prefix>)"},
		{spec: "local", want: Spec{Kind: KindLocal, Path: def}, wantStr: "local:" + def},
		{spec: "local:/tmp/h.db", want: Spec{Kind: KindLocal, Path: "/tmp/h.db"}, wantStr: "local:/tmp/h.db"},
		{spec: "dynamodb:cqmon-history", want: Spec{Kind: KindDynamoDB, Table: "cqmon-history"}, wantStr: "dynamodb:cqmon-history"},
		{spec: "s3://my-bucket/cqmon/prod/", want: Spec{Kind: KindS3, Bucket: "my-bucket", Prefix: "cqmon/prod/"}, wantStr: "s3://my-bucket/cqmon/prod/"},
		{spec: "s3://my-bucket", want: Spec{Kind: KindS3, Bucket: "my-bucket"}, wantStr: "s3://my-bucket/"},
		{spec: "dynamo:x", wantErr: `store: "dynamo:x" is not one of local:<path>, dynamodb:<table>, s3://<bucket>/<prefix>`},
		{spec: "S3://b/p", wantErr: `store: "S3://b/p" is not one of local:<path>, dynamodb:<table>, s3://<bucket>/<prefix>`},
		{spec: "dynamodb:a b", wantErr: `store: "dynamodb:a b": "a b" is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)`},
		{spec: "s3://My_Bucket/x", wantErr: `store: "s3://My_Bucket/x": "My_Bucket" is not an S3 bucket name`},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := ParseSpec(tc.spec)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("ParseSpec(%q) error %v, want %q", tc.spec, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseSpec(%q) (-want +got):\n%s", tc.spec, diff)
			}
			if got.String() != tc.wantStr {
				t.Errorf("String() = %q, want %q", got.String(), tc.wantStr)
			}
		})
	}
}

func TestDefaultLocalPathWithoutXDG(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", home)
	got, err := DefaultLocalPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, ".local", "state", "cqmon", "history.db"); got != want {
		t.Errorf("DefaultLocalPath() = %q, want %q", got, want)
	}
}
