package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestLocalHeldLockNamesFileAndHolder holds the file's lock as another
// cqmon process would: opening it fails naming the file and, on Linux, the
// process.
func TestLocalHeldLockNamesFileAndHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	holder, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	defer func(d time.Duration) { lockWait = d }(lockWait)
	lockWait = 50 * time.Millisecond

	_, err = Open(context.Background(), "local:"+path, nil, Options{})
	if err == nil {
		t.Fatal("Open() succeeded while another handle holds the lock")
	}
	want := "store local:" + path + ": "
	if _, err := os.Stat("/proc/locks"); err == nil && runtime.GOOS == "linux" {
		want += fmt.Sprintf("process %d (", os.Getpid())
	}
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "held the file's lock") {
		t.Errorf("Open() error = %q, want it to start %q and say the lock is held", err, want)
	}
}

func TestLocalEmptyFileHasNoHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), "local:"+path, nil, Options{ReadOnly: true})
	if want := "store local:" + path + ": the file is empty: no history yet (a run writes it)"; err == nil || err.Error() != want {
		t.Errorf("Open() error = %v, want %q", err, want)
	}
}
