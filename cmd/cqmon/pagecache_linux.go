package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// dropPageCache writes a file out and asks the kernel to forget its cached
// pages, so that a process started from it reads its code from disk as a
// cold start does: code pages already cached are mapped in larger runs and
// would count several MiB more in the process's resident set.
func dropPageCache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
