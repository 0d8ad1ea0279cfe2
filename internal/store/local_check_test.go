package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damagedCopies writes a history file with a few runs, then copies of it
// damaged in the ways a disk or a careless copy damages files.
func damagedCopies(t *testing.T) map[string]string {
	t.Helper()
	l, path := openTestLocal(t, Options{})
	for i := range 20 {
		if err := l.WriteRun(context.Background(), fixture(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	zeroed := append([]byte(nil), good...)
	clear(zeroed[4*4096 : 8*4096]) // pages in use, wiped
	out := map[string]string{}
	for name, b := range map[string][]byte{
		"truncated at 100000 bytes": good[:min(100000, len(good)-4096)],
		"truncated to one page":     good[:4096],
		"truncated inside a meta":   good[:40],
		"pages wiped":               zeroed,
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out[name] = p
	}
	return out
}

// TestLocalDamagedFile opens damaged files for writing and for reading:
// each is refused with an error naming the file, where bbolt alone
// crashed the process (SIGBUS, or a failed assertion).
func TestLocalDamagedFile(t *testing.T) {
	for name, path := range damagedCopies(t) {
		for _, readOnly := range []bool{false, true} {
			t.Run(name, func(t *testing.T) {
				st, err := Open(context.Background(), "local:"+path, nil, Options{ReadOnly: readOnly})
				if err == nil {
					st.Close()
					t.Fatalf("Open(ReadOnly: %v) accepted a damaged file", readOnly)
				}
				if !errors.Is(err, errDamaged) || !strings.HasPrefix(err.Error(), "store local:"+path+": damaged history file: ") || strings.Contains(err.Error(), "\n") {
					t.Errorf("Open(ReadOnly: %v) = %q, want one line naming the damaged file", readOnly, err)
				}
			})
		}
	}
}

// TestOpenAllKeepsTheOtherStores: a damaged file is an error of its own;
// the other stores open and are written.
func TestOpenAllKeepsTheOtherStores(t *testing.T) {
	damaged := damagedCopies(t)["truncated at 100000 bytes"]
	good := filepath.Join(t.TempDir(), "good.db")
	m, err := OpenAll(context.Background(), []string{"local:" + damaged, "local:" + good}, nil, Options{})
	if err == nil || !strings.Contains(err.Error(), damaged) || strings.Contains(err.Error(), good) {
		t.Fatalf("OpenAll() error = %v, want one naming %s only", err, damaged)
	}
	if m == nil || len(m.Stores()) != 1 || m.Stores()[0].String() != "local:"+good {
		t.Fatalf("OpenAll() = %v, want the good store", m)
	}
	defer m.Close()
	if err := m.WriteRun(context.Background(), fixture(0)); err != nil {
		t.Fatal(err)
	}
	runs, err := m.Runs(context.Background(), Query{})
	if err != nil || len(runs) == 0 {
		t.Errorf("Runs() = %d runs, %v", len(runs), err)
	}
}
