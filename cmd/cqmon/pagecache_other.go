//go:build !linux

package main

// dropPageCache does nothing where the kernel offers no such advice; the
// benchmark's peak RSS is read on Linux only.
func dropPageCache(string) error { return nil }
