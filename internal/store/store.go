// Package store keeps cqmon's history and alert memory: one record per
// instance per run (and one for the account's quotas), readable as a list
// of past runs or as one quota's usage over time. Three backends share the
// record model: DynamoDB and S3 (in the legacy layouts of docs/history.md, so
// existing history stays readable) and a local bbolt file for the CLI. Every write is keyed
// deterministically, so a retried write never adds a second record.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cqmon/cqmon/internal/quota"
)

// DefaultRetention is how long records are kept when Options.Retention is
// zero: DynamoDB expires them by TTL, the local store prunes them.
const DefaultRetention = 90 * 24 * time.Hour

// Store is a history sink: it records runs, answers history queries and
// keeps the alert memory.
type Store interface {
	// WriteRun records every instance of the report, and its account-level
	// quotas. Writing the same report again changes nothing.
	WriteRun(ctx context.Context, rep *quota.Report) error
	// Runs lists recorded runs, one per instance per run, newest first.
	Runs(ctx context.Context, q Query) ([]Run, error)
	// QuotaSeries gives one quota's values over time, oldest first.
	QuotaSeries(ctx context.Context, q Query) ([]Point, error)
	// LoadAlertStates returns the alert memory of one account and Region.
	LoadAlertStates(ctx context.Context, account, region string) ([]quota.AlertState, error)
	// SaveAlertStates stores put and forgets del (by AlertState.Key); a key
	// in both is stored.
	SaveAlertStates(ctx context.Context, put []quota.AlertState, del []quota.AlertState) error
	// String names the sink in errors: its canonical spec.
	String() string
	// Close releases the store (the local file's lock).
	Close() error
}

// Options configures the stores Open returns.
type Options struct {
	// Retention is how long records are kept; 0 means DefaultRetention.
	Retention time.Duration
	// KMSKeyID, when set, encrypts S3 objects with SSE-KMS and this key.
	KMSKeyID string
	// ReadOnly opens the local store for reading only: it must exist, and
	// other readers may share it.
	ReadOnly bool
}

// Validate checks the options, naming the first bad one with its value.
func (o Options) Validate() error {
	if o.Retention < 0 {
		return fmt.Errorf("retention: %s is negative", o.Retention)
	}
	if err := CheckKMSKey(o.KMSKeyID); err != nil {
		return fmt.Errorf("kms-key: %w", err)
	}
	return nil
}

func (o Options) retention() time.Duration {
	if o.Retention == 0 {
		return DefaultRetention
	}
	return o.Retention
}

// Query selects history. Zero fields select everything.
type Query struct {
	// InstanceID keeps one instance; AccountInstanceID selects the
	// account-level records.
	InstanceID string
	// Quota, for QuotaSeries, is a quota code, catalog key or name
	// (case-insensitive).
	Quota string
	// Since keeps records of runs that started at or after it.
	Since time.Time
	// Limit keeps the most recent Limit records (0: no limit).
	Limit int
}

// Run is one instance's record (or the account's) in one run.
type Run struct {
	SchemaVersion int
	RunID         string
	// Time is when the run started.
	Time          time.Time
	AccountID     string
	Region        string
	InstanceID    string
	InstanceAlias string
	// InstanceStatus, Threshold and Lookback are the run's settings as
	// recorded; records older than these fields leave them zero.
	InstanceStatus string
	Threshold      float64
	Lookback       string
	Summary        quota.Summary
	Metrics        []quota.Result
}

// Point is one quota's value in one run.
type Point struct {
	Time       time.Time
	RunID      string
	AccountID  string
	Region     string
	InstanceID string
	// InstanceAlias is the instance's alias at the time (empty for the
	// account and for points written before aliases were kept).
	InstanceAlias string
	QuotaID       string
	QuotaName     string
	Usage         *float64
	Limit         *float64
	Utilization   *float64
	Status        quota.Status
}

// Clients gives the AWS clients of the DynamoDB and S3 stores
// (*awsapi.Factory builds them once, and they are shared by every store
// opened with it).
type Clients interface {
	DynamoDB() *dynamodb.Client
	S3() *s3.Client
}

// Open opens the store a spec names (see ParseSpec). clients is used only
// by the AWS backends, and may be nil when spec names a local store.
func Open(ctx context.Context, spec string, clients Clients, opts Options) (Store, error) {
	sp, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("store %s: %w", sp, err)
	}
	if sp.NeedsAWS() && clients == nil {
		return nil, fmt.Errorf("store %s: no AWS clients to open it with", sp)
	}
	switch sp.Kind {
	case KindDynamoDB:
		return &DynamoDB{client: clients.DynamoDB(), table: sp.Table, retention: opts.retention()}, nil
	case KindS3:
		return &S3{client: clients.S3(), bucket: sp.Bucket, prefix: sp.Prefix, kmsKeyID: opts.KMSKeyID}, nil
	default:
		return openLocal(sp.Path, opts)
	}
}

// OpenAll opens every spec and joins the stores that opened in a Multi.
// A store that cannot be opened (a damaged local file, a lock held
// elsewhere) does not keep the others from being written: the Multi holds
// the others, and the error has one SinkError per store that failed. The
// Multi is nil only when no store opened.
func OpenAll(ctx context.Context, specs []string, clients Clients, opts Options) (*Multi, error) {
	if len(specs) == 0 {
		return nil, fmt.Errorf("store: no store named (want one or more of %s)", specForms)
	}
	var stores []Store
	var errs []error
	for _, spec := range specs {
		s, err := Open(ctx, spec, clients, opts)
		if err != nil {
			errs = append(errs, err) // it names the store
			continue
		}
		stores = append(stores, s)
	}
	if len(stores) == 0 {
		return nil, errors.Join(errs...)
	}
	return NewMulti(stores...), errors.Join(errs...)
}
