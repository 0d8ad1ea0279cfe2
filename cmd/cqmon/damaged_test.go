package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// truncatedHistory returns a copy of a history file cut after its first
// page, the way an interrupted copy leaves it.
func truncatedHistory(t *testing.T) string {
	t.Helper()
	good := strings.TrimPrefix(historyFixture(t), "local:")
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "truncated.db")
	if err := os.WriteFile(path, b[:4096], 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDamagedHistoryFile: a truncated local store is a store error. The
// demo prints its report, writes the other store and exits 3; history
// names the file and exits 1. Neither crashes.
func TestDamagedHistoryFile(t *testing.T) {
	damaged := truncatedHistory(t)
	good := filepath.Join(t.TempDir(), "good.db")
	stdout, stderr, code := cqmon(t, nil, "demo", "--quiet", "--output", "json", "--notify", "stdout",
		"--store", "local:"+damaged, "--store", "local:"+good)
	if code != 3 {
		t.Fatalf("demo exit %d, want 3; stderr:\n%s", code, stderr)
	}
	rep := decodeReport(t, stdout)
	found := false
	for _, e := range rep.Errors {
		if e.Scope == "store" && strings.Contains(e.Message, "local:"+damaged+": damaged history file") {
			found = true
		}
	}
	if !found {
		t.Errorf("report errors %v do not name the damaged file", rep.Errors)
	}
	if !strings.Contains(stderr, "\nALERTS\n") {
		t.Error("no alerts printed on stderr (stdout holds the JSON report)")
	}
	out, stderr, code := cqmon(t, nil, "history", "--store", "local:"+good)
	if code != 0 || !strings.Contains(out, rep.RunID) {
		t.Errorf("history of the good store: exit %d, run %s missing:\n%s%s", code, rep.RunID, out, stderr)
	}
	_, stderr, code = cqmon(t, nil, "history", "--store", "local:"+damaged)
	if code != 1 || !strings.HasPrefix(stderr, "cqmon history: store local:"+damaged+": damaged history file: ") {
		t.Errorf("history of the damaged store: exit %d, stderr:\n%s", code, stderr)
	}
}
