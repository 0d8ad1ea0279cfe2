package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
)

// bbolt's file layout, as go.etcd.io/bbolt/internal/common writes it in
// the machine's byte order: two meta pages at the start of the file, each
// a 16-byte page header followed by the meta record.
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	boltPageHeader  = 16
	boltMetaSize    = 56 // magic, version, pageSize, flags, root (2×8), freelist, pgid, txid; the checksum follows
	boltMinPageSize = 1024
	boltMaxPageSize = 64 << 10
)

// boltMeta is the part of a meta page the check needs.
type boltMeta struct {
	pageSize uint32
	root     uint64
	freelist uint64
	pgid     uint64 // high-water mark: pages below it are in use
	txid     uint64
}

// readBoltMeta decodes and validates the meta record at off; ok is false
// when it is not a valid one (wrong magic, version or checksum).
func readBoltMeta(f io.ReaderAt, off int64) (m boltMeta, ok bool) {
	b := make([]byte, boltMetaSize+8)
	if _, err := f.ReadAt(b, off+boltPageHeader); err != nil {
		return m, false
	}
	le := binary.NativeEndian
	if le.Uint32(b[0:]) != boltMagic || le.Uint32(b[4:]) != boltVersion {
		return m, false
	}
	h := fnv.New64a()
	h.Write(b[:boltMetaSize])
	if h.Sum64() != le.Uint64(b[boltMetaSize:]) {
		return m, false
	}
	m = boltMeta{pageSize: le.Uint32(b[8:]), root: le.Uint64(b[16:]), freelist: le.Uint64(b[32:]), pgid: le.Uint64(b[40:]), txid: le.Uint64(b[48:])}
	return m, true
}

// errDamaged marks a local history file that cannot be used as it is.
var errDamaged = errors.New("damaged history file")

// checkBoltFile checks, before bbolt maps the file, that it holds a valid
// meta page and every page that meta page says is in use. bbolt reads a
// truncated file through its memory map and the process dies of SIGBUS
// (or of an assertion) instead of returning an error. An empty file is
// left to bbolt, which initialises it.
func checkBoltFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	if size == 0 {
		return nil
	}
	// bbolt uses the meta page with the higher transaction id that is
	// valid; meta page 1 sits one page after meta page 0.
	var metas []boltMeta
	m0, ok0 := readBoltMeta(f, 0)
	if ok0 {
		metas = append(metas, m0)
		if m1, ok := readBoltMeta(f, int64(m0.pageSize)); ok {
			metas = append(metas, m1)
		}
	} else {
		for ps := int64(boltMinPageSize); ps <= boltMaxPageSize; ps *= 2 {
			if m1, ok := readBoltMeta(f, ps); ok && int64(m1.pageSize) == ps {
				metas = append(metas, m1)
				break
			}
		}
	}
	if len(metas) == 0 {
		return fmt.Errorf("%w: %d bytes without a valid bbolt meta page", errDamaged, size)
	}
	m := metas[0]
	if len(metas) == 2 && metas[1].txid > m.txid {
		m = metas[1]
	}
	ps := uint64(m.pageSize)
	switch {
	case ps < boltMinPageSize || ps > boltMaxPageSize || ps&(ps-1) != 0:
		return fmt.Errorf("%w: page size %d", errDamaged, ps)
	case m.pgid < 2 || m.pgid > uint64(size)/ps:
		return fmt.Errorf("%w: %d bytes, but its %d pages of %d bytes need %d (truncated?)", errDamaged, size, m.pgid, ps, m.pgid*ps)
	case m.root >= m.pgid || m.freelist >= m.pgid && m.freelist != ^uint64(0):
		return fmt.Errorf("%w: root page %d or freelist page %d beyond its %d pages", errDamaged, m.root, m.freelist, m.pgid)
	}
	return nil
}

// checkBolt runs bbolt's own consistency check over an open file: every
// page reachable once, none both used and free.
func checkBolt(db *bolt.DB) error {
	return db.View(func(tx *bolt.Tx) error {
		var first error
		n := 0
		for err := range tx.Check() {
			if n++; first == nil {
				first = err
			}
		}
		if first != nil {
			return fmt.Errorf("%w: %d inconsistencies, the first: %v", errDamaged, n, first)
		}
		return nil
	})
}
