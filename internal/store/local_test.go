package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

func openTestLocal(t *testing.T, opts Options) (*Local, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "cqmon", "history.db")
	st, err := Open(context.Background(), "local:"+path, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st.(*Local), path
}

func localCount(t *testing.T, l *Local) func() int {
	return func() int {
		n := 0
		err := l.db.View(func(tx *bolt.Tx) error {
			n = tx.Bucket(bucketRuns).Stats().KeyN
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
}

func TestLocal(t *testing.T) {
	l, _ := openTestLocal(t, Options{})
	exerciseStore(t, l, localCount(t, l))
}

func TestLocalPrunesPastRetention(t *testing.T) {
	l, _ := openTestLocal(t, Options{Retention: 90 * time.Minute})
	ctx := context.Background()
	for i := range 3 {
		if err := l.WriteRun(ctx, fixture(i)); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := l.Runs(ctx, Query{InstanceID: instA})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{fixture(2).RunID, fixture(1).RunID}
	var got []string
	for _, r := range runs {
		got = append(got, r.RunID)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runs kept (-want +got):\n%s", diff)
	}
}

func TestLocalReopensAndReadsOnly(t *testing.T) {
	l, path := openTestLocal(t, Options{})
	ctx := context.Background()
	if err := l.WriteRun(ctx, fixture(0)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	ro, err := Open(ctx, "local:"+path, nil, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	runs, err := ro.Runs(ctx, Query{})
	if err != nil || len(runs) != 3 {
		t.Fatalf("Runs after reopening: %d runs, %v", len(runs), err)
	}
	if err := ro.WriteRun(ctx, fixture(1)); err == nil {
		t.Error("WriteRun on a read-only store succeeded")
	}
}

func TestLocalReadOnlyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.db")
	_, err := Open(context.Background(), "local:"+path, nil, Options{ReadOnly: true})
	want := "store local:" + path + ": no history yet (a run writes it)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestOpenRejects(t *testing.T) {
	tests := []struct {
		name string
		spec string
		opts Options
		want string
	}{
		{"bad spec", "dynamo:x", Options{}, `store: "dynamo:x" is not one of local:<path>, dynamodb:<table>, s3://<bucket>/<prefix>`},
		{"negative retention", "local:/h.db", Options{Retention: -time.Hour}, "store local:/h.db: retention: -1h0m0s is negative"},
		{"bad KMS key", "s3://bucket", Options{KMSKeyID: "key"}, `store s3://bucket/: kms-key: "key" is not a KMS key id, key ARN, alias or alias ARN`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(context.Background(), tc.spec, nil, tc.opts)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Open(%q): %v, want %q", tc.spec, err, tc.want)
			}
		})
	}
	if _, err := OpenAll(context.Background(), nil, nil, Options{}); err == nil {
		t.Error("OpenAll with no spec succeeded")
	}
}
