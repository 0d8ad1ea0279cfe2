package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	bolt "go.etcd.io/bbolt"
)

// checkHistoryFile is what a read needs of the local file before bbolt
// maps it: that it exists and is not empty (an empty file is what a run
// that never wrote leaves, and bbolt, opened read-only, fails on it with a
// bare "bad file descriptor").
func checkHistoryFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store local:%s: no history yet (a run writes it)", path)
	case err != nil:
		return fmt.Errorf("store local:%s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("store local:%s: is a directory, not a history file", path)
	case fi.Size() == 0:
		return fmt.Errorf("store local:%s: the file is empty: no history yet (a run writes it)", path)
	}
	return nil
}

// openError words bbolt's open failure; a lock that stayed held names the
// file and, where the system says, the process holding it.
func openError(path string, err error) error {
	if !errors.Is(err, bolt.ErrTimeout) {
		return fmt.Errorf("store local:%s: open: %w", path, err)
	}
	holder := "another process"
	if pid, name, ok := lockHolder(path); ok {
		holder = fmt.Sprintf("process %d (%s)", pid, name)
	}
	return fmt.Errorf("store local:%s: %s held the file's lock for %s; wait for it to finish or use another --store", path, holder, lockWait)
}
