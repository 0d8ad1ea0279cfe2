package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Kind names a storage backend.
type Kind string

// Backends a Spec can name.
const (
	KindLocal    Kind = "local"
	KindDynamoDB Kind = "dynamodb"
	KindS3       Kind = "s3"
)

// Spec is a parsed store specification: "local:<path>" (or "local" for the
// default file), "dynamodb:<table>" or "s3://<bucket>/<prefix>".
type Spec struct {
	Kind Kind
	// Path is the local store's file.
	Path string
	// Table is the DynamoDB table name.
	Table string
	// Bucket and Prefix locate the S3 objects; Prefix is empty or ends
	// with "/".
	Bucket string
	Prefix string
}

const specForms = "local:<path>, dynamodb:<table>, s3://<bucket>/<prefix>"

var (
	tablePattern  = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
	bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// ParseSpec parses a store specification. "local" names the local store
// at DefaultLocalPath; the empty string is an error, so a variable that
// expanded to nothing does not quietly pick a store.
func ParseSpec(s string) (Spec, error) {
	switch {
	case s == "":
		return Spec{}, fmt.Errorf("store: an empty value names no store (want local, %s)", specForms)
	case s == "local" || s == "local:":
		p, err := DefaultLocalPath()
		if err != nil {
			return Spec{}, err
		}
		return Spec{Kind: KindLocal, Path: p}, nil
	case strings.HasPrefix(s, "local:"):
		return Spec{Kind: KindLocal, Path: strings.TrimPrefix(s, "local:")}, nil
	case strings.HasPrefix(s, "dynamodb:"):
		t := strings.TrimPrefix(s, "dynamodb:")
		if !tablePattern.MatchString(t) {
			return Spec{}, fmt.Errorf("store: %q: %q is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)", s, t)
		}
		return Spec{Kind: KindDynamoDB, Table: t}, nil
	case strings.HasPrefix(s, "s3://"):
		bucket, prefix, _ := strings.Cut(strings.TrimPrefix(s, "s3://"), "/")
		if !bucketPattern.MatchString(bucket) {
			return Spec{}, fmt.Errorf("store: %q: %q is not an S3 bucket name", s, bucket)
		}
		prefix = strings.Trim(prefix, "/")
		if prefix != "" {
			prefix += "/"
		}
		return Spec{Kind: KindS3, Bucket: bucket, Prefix: prefix}, nil
	}
	return Spec{}, fmt.Errorf("store: %q is not one of %s", s, specForms)
}

// NeedsAWS reports whether opening the store needs an AWS configuration.
func (s Spec) NeedsAWS() bool { return s.Kind == KindDynamoDB || s.Kind == KindS3 }

// String is the canonical form of the spec; it names the sink in errors.
func (s Spec) String() string {
	switch s.Kind {
	case KindLocal:
		return "local:" + s.Path
	case KindDynamoDB:
		return "dynamodb:" + s.Table
	case KindS3:
		return "s3://" + s.Bucket + "/" + s.Prefix
	}
	return string(s.Kind)
}

// DefaultLocalPath is the local store's file: $XDG_STATE_HOME/cqmon/history.db,
// else ~/.local/state/cqmon/history.db.
func DefaultLocalPath() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "cqmon", "history.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("store: no state directory for the local store (set XDG_STATE_HOME or use --store local:<path>): %w", err)
	}
	if home == "" {
		return "", errors.New("store: no home directory for the local store (use --store local:<path>)")
	}
	return filepath.Join(home, ".local", "state", "cqmon", "history.db"), nil
}
