package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/cqmon/cqmon/internal/quota"
)

// lockWait is how long opening the local file waits for another cqmon
// process holding it (a variable for tests).
var lockWait = 10 * time.Second

// Buckets of the local file.
var (
	bucketMeta   = []byte("meta")
	bucketRuns   = []byte("runs")
	bucketAlerts = []byte("alerts")
)

// Local keeps history in one bbolt file. Runs are filed under runKey, so
// keys sort by time and a retried write overwrites its own record; alert
// states under AlertState.Key().
type Local struct {
	db        *bolt.DB
	path      string
	retention time.Duration
}

func openLocal(path string, opts Options) (*Local, error) {
	if opts.ReadOnly {
		if err := checkHistoryFile(path); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store local:%s: %w", path, err)
	}
	if err := checkBoltFile(path); err != nil {
		return nil, damaged(path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait, ReadOnly: opts.ReadOnly})
	if err != nil {
		return nil, openError(path, err)
	}
	if err := checkBolt(db); err != nil {
		db.Close()
		return nil, damaged(path, err)
	}
	l := &Local{db: db, path: path, retention: opts.retention()}
	if opts.ReadOnly {
		return l, nil
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketRuns, bucketAlerts} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get([]byte("schema_version")) == nil {
			return meta.Put([]byte("schema_version"), []byte(strconv.Itoa(RecordVersion)))
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store local:%s: prepare: %w", path, err)
	}
	return l, nil
}

// damaged words a failed check of the file, with what to do about it.
func damaged(path string, err error) error {
	if errors.Is(err, errDamaged) {
		return fmt.Errorf("store local:%s: %w; move it aside and a new history starts", path, err)
	}
	return fmt.Errorf("store local:%s: check: %w", path, err)
}

// String names the sink.
func (l *Local) String() string { return "local:" + l.path }

// Close releases the file.
func (l *Local) Close() error { return l.db.Close() }

// WriteRun files every record of the run and prunes records older than the
// retention, counted back from the run's start.
func (l *Local) WriteRun(ctx context.Context, rep *quota.Report) error {
	cutoff := []byte(stamp(rep.StartedAt.Add(-l.retention)))
	return l.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRuns)
		recs, err := records(rep)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			v, err := json.Marshal(rec)
			if err != nil {
				return err
			}
			if err := b.Put(runKey(rec), v); err != nil {
				return fmt.Errorf("write run %s instance %s: %w", rec.RunID, rec.InstanceID, err)
			}
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k, cutoff) < 0; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return fmt.Errorf("prune: %w", err)
			}
		}
		return nil
	})
}

// runKey is the key a record is filed under:
// <timestamp>#<instance id>#<run id>, and #<segment> after it for the
// account record of a part of a larger run, whose parts share their run
// ID.
func runKey(rec runRecord) []byte {
	k := rec.Timestamp + "#" + rec.InstanceID + "#" + rec.RunID
	if rec.part != "" {
		k += "#" + rec.part
	}
	return []byte(k)
}

// Runs walks the runs from the newest back to q.Since.
func (l *Local) Runs(ctx context.Context, q Query) ([]Run, error) {
	var runs []Run
	err := l.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRuns)
		if b == nil {
			return nil
		}
		since := []byte(stamp(q.Since))
		c := b.Cursor()
		for k, v := c.Last(); k != nil && bytes.Compare(k, since) >= 0; k, v = c.Prev() {
			r, err := decodeRun(k, v)
			if err != nil {
				return err
			}
			if !q.keep(r.Time, r.InstanceID) {
				continue
			}
			if runs = append(runs, r); q.Limit > 0 && len(runs) == q.Limit {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	return runs, nil
}

// QuotaSeries picks the quota out of each run of the window.
func (l *Local) QuotaSeries(ctx context.Context, q Query) ([]Point, error) {
	if q.Quota == "" {
		return nil, errNoQuota
	}
	runs, err := l.Runs(ctx, Query{InstanceID: q.InstanceID, Since: q.Since})
	if err != nil {
		return nil, err
	}
	return seriesOf(runs, q.Quota, q.Limit), nil
}

// LoadAlertStates reads the states filed under "<account>/<region>/".
func (l *Local) LoadAlertStates(ctx context.Context, account, region string) ([]quota.AlertState, error) {
	var out []quota.AlertState
	err := l.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAlerts)
		if b == nil {
			return nil
		}
		prefix := []byte(account + "/" + region + "/")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var st quota.AlertState
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("decode alert state %s: %w", k, err)
			}
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read alert states: %w", err)
	}
	return out, nil
}

// SaveAlertStates deletes del then stores put, in one transaction.
func (l *Local) SaveAlertStates(ctx context.Context, put []quota.AlertState, del []quota.AlertState) error {
	return l.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAlerts)
		for _, st := range del {
			if err := b.Delete([]byte(st.Key())); err != nil {
				return fmt.Errorf("delete alert state %s: %w", st.Key(), err)
			}
		}
		for _, st := range put {
			v, err := json.Marshal(st)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(st.Key()), v); err != nil {
				return fmt.Errorf("save alert state %s: %w", st.Key(), err)
			}
		}
		return nil
	})
}

// EachRun hands fn every run of instances since since, in one walk of
// the file that decodes only those instances' records (their keys name
// the instance).
func (l *Local) EachRun(ctx context.Context, instances []string, since time.Time, fn func(Run) error) error {
	want := map[string]bool{}
	for _, id := range instances {
		want[id] = true
	}
	return l.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRuns)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek([]byte(stamp(since))); k != nil; k, v = c.Next() {
			parts := bytes.SplitN(k, []byte("#"), 3)
			if len(parts) < 2 || !want[string(parts[1])] {
				continue
			}
			r, err := decodeRun(k, v)
			if err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// decodeRun decodes the record filed under k.
func decodeRun(k, v []byte) (Run, error) {
	var rec runRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return Run{}, fmt.Errorf("decode run %s: %w", k, err)
	}
	return rec.run()
}
