package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"

	"github.com/cqmon/cqmon/internal/quota"
)

// s3API is the part of the S3 client the store calls.
type s3API interface {
	PutObject(ctx context.Context, params *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, params *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectsV2(ctx context.Context, params *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// s3Reads is how many objects a history read fetches at once.
const s3Reads = 8

// keyStamp is the <timestamp> of object names: the run's start, UTC.
const keyStamp = "20060102T150405Z"

// S3 keeps history as JSON objects in the legacy layout under a prefix:
//
//	connect-metrics/YYYY/MM/DD/instance-metrics-<instance id>-<timestamp>.json
//	connect-metrics/YYYY/MM/DD/account-metrics-<timestamp>.json
//	connect-reports/YYYY/MM/DD/execution-summary-<timestamp>.json
//	connect-reports/latest.json
//	connect-reports/dashboard.html (written by WriteDashboard)
//	alert-state/<account>/<region>.json
//
// A part of a larger run (quota.Report.Part) names its segment (see
// partSegment) in the account and summary objects and files its latest
// report in a folder of its own:
//
//	connect-metrics/YYYY/MM/DD/account-metrics-<segment>-<timestamp>.json
//	connect-reports/YYYY/MM/DD/execution-summary-<segment>-<timestamp>.json
//	connect-reports/<account>/latest.json
//	connect-reports/<account>/<region>/latest.json   (an organization item)
//	connect-reports/<account>/<region>/dashboard.html (an organization item)
type S3 struct {
	client   s3API
	bucket   string
	prefix   string
	kmsKeyID string
}

// String names the sink.
func (b *S3) String() string { return "s3://" + b.bucket + "/" + b.prefix }

// Close does nothing: the client holds no resources.
func (b *S3) Close() error { return nil }

// executionSummary is the execution-summary object: the run without its
// quotas.
type executionSummary struct {
	SchemaVersion int               `json:"schema_version"`
	RunID         string            `json:"run_id"`
	Timestamp     string            `json:"timestamp"`
	StartedAt     time.Time         `json:"started_at"`
	FinishedAt    time.Time         `json:"finished_at"`
	AccountID     string            `json:"account_id"`
	Regions       []string          `json:"regions"`
	Threshold     float64           `json:"threshold"`
	Lookback      string            `json:"lookback"`
	Totals        quota.Summary     `json:"totals"`
	Instances     []instanceSummary `json:"instances"`
	Account       quota.Summary     `json:"account"`
	Errors        []quota.RunError  `json:"errors"`
}

type instanceSummary struct {
	InstanceID     string        `json:"instance_id"`
	InstanceAlias  string        `json:"instance_alias"`
	Region         string        `json:"region"`
	InstanceStatus string        `json:"instance_status"`
	Summary        quota.Summary `json:"summary"`
}

// WriteRun puts one object per instance, the account's, the execution
// summary and latest.json. Keys derive from the run's start, so a retry
// overwrites the same objects.
func (b *S3) WriteRun(ctx context.Context, rep *quota.Report) error {
	recs, err := records(rep)
	if err != nil {
		return err
	}
	started := rep.StartedAt.UTC().Truncate(time.Second)
	ts, day := started.Format(keyStamp), started.Format("2006/01/02")
	// named is <timestamp>, or <segment>-<timestamp> for a part of a
	// larger run; latest is where its full report goes.
	named, latest := ts, b.reportsDir(rep)+"latest.json"
	if segment, _ := partSegment(rep); segment != "" {
		named = segment + "-" + ts
	}
	var errs []error
	put := func(key string, v any) {
		if err := b.put(ctx, key, v); err != nil {
			errs = append(errs, err)
		}
	}
	for _, rec := range recs {
		name := "instance-metrics-" + rec.InstanceID + "-" + ts + ".json"
		if rec.InstanceID == AccountInstanceID {
			name = "account-metrics-" + named + ".json"
		}
		put(b.prefix+"connect-metrics/"+day+"/"+name, rec)
	}
	sum := executionSummary{
		SchemaVersion: RecordVersion, RunID: rep.RunID, Timestamp: stamp(started),
		StartedAt: rep.StartedAt, FinishedAt: rep.FinishedAt, AccountID: rep.AccountID,
		Regions: rep.Regions, Threshold: rep.Threshold, Lookback: rep.Lookback,
		Totals: rep.Totals(), Instances: []instanceSummary{}, Account: rep.Account.Summary, Errors: rep.Errors,
	}
	for _, in := range rep.Instances {
		sum.Instances = append(sum.Instances, instanceSummary{in.InstanceID, in.InstanceAlias, in.Region, in.InstanceStatus, in.Summary})
	}
	put(b.prefix+"connect-reports/"+day+"/execution-summary-"+named+".json", sum)
	put(latest, rep)
	return errors.Join(errs...)
}

// DashboardKey is where WriteDashboard puts the page of a run of the
// caller's own account, under the prefix: beside latest.json.
const DashboardKey = "connect-reports/dashboard.html"

// reportsDir is the folder of a run's latest report and dashboard:
// connect-reports/, or for a part of a larger run (one account of several,
// an organization item) its own connect-reports/<account>/[<region>/].
func (b *S3) reportsDir(rep *quota.Report) string {
	dir := b.prefix + "connect-reports/"
	if segment, _ := partSegment(rep); segment != "" {
		dir += rep.Part.AccountID + "/"
		if rep.Part.Region != "" {
			dir += rep.Part.Region + "/"
		}
	}
	return dir
}

// WriteDashboard puts the run's HTML dashboard beside its latest report
// (DashboardKey for a run of the caller's own account), encrypted like
// every other object of the store, and returns its S3 URI.
func (b *S3) WriteDashboard(ctx context.Context, rep *quota.Report, page []byte) (string, error) {
	if _, err := partSegment(rep); err != nil {
		return "", err
	}
	key := b.reportsDir(rep) + "dashboard.html"
	return "s3://" + b.bucket + "/" + key, b.putBytes(ctx, key, page, "text/html; charset=utf-8")
}

func (b *S3) put(ctx context.Context, key string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.putBytes(ctx, key, body, "application/json")
}

func (b *S3) putBytes(ctx context.Context, key string, body []byte, contentType string) error {
	in := &s3.PutObjectInput{
		Bucket:      aws.String(b.bucket),
		Key:         aws.String(key),
		Body:        bytes.NewReader(body),
		ContentType: aws.String(contentType),
	}
	if b.kmsKeyID != "" {
		in.ServerSideEncryption = types.ServerSideEncryptionAwsKms
		in.SSEKMSKeyId = aws.String(b.kmsKeyID)
	}
	if _, err := b.client.PutObject(ctx, in); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// get decodes the object at key into v; found is false when there is none.
func (b *S3) get(ctx context.Context, key string, v any) (found bool, err error) {
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)})
	if _, ok := errors.AsType[*types.NoSuchKey](err); ok {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("get %s: %w", key, err)
	}
	defer out.Body.Close()
	if err := json.NewDecoder(out.Body).Decode(v); err != nil {
		return false, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

// runObject is a run object found by listing, told by its name.
type runObject struct {
	key      string
	time     time.Time
	instance string
	// legacy marks the Python Lambda's objects, whose names carry no
	// instance ID: time is the start of their day folder, and their
	// instance is known only once read.
	legacy bool
}

// parseRunKey reads the instance and time from the name of a run object;
// ok is false for other objects. The Python Lambda's names
// (instance-metrics-<timestamp>.json) give only the day of their folder.
func parseRunKey(key string) (runObject, bool) {
	name, ok := strings.CutSuffix(path.Base(key), ".json")
	if !ok {
		return runObject{}, false
	}
	if o, ok := parseCqmonName(name); ok {
		o.key = key
		return o, true
	}
	if !strings.HasPrefix(name, "instance-metrics-") && !strings.HasPrefix(name, "account-metrics-") {
		return runObject{}, false
	}
	dir := strings.Split(path.Dir(key), "/")
	if len(dir) < 3 {
		return runObject{}, false
	}
	t, err := time.Parse("2006/01/02", strings.Join(dir[len(dir)-3:], "/"))
	if err != nil {
		return runObject{}, false
	}
	return runObject{key: key, time: t, legacy: true}, true
}

// parseCqmonName reads cqmon's object names: instance-metrics-<instance
// id>-<timestamp>, account-metrics-<timestamp> and, for a part of a larger
// run, account-metrics-<segment>-<timestamp>.
func parseCqmonName(name string) (runObject, bool) {
	if len(name) < len(keyStamp) {
		return runObject{}, false
	}
	head, ts := name[:len(name)-len(keyStamp)], name[len(name)-len(keyStamp):]
	t, err := time.Parse(keyStamp, ts)
	if err != nil {
		return runObject{}, false
	}
	instance := AccountInstanceID
	if segment, ok := strings.CutPrefix(head, "account-metrics-"); ok {
		if segment, dashed := strings.CutSuffix(segment, "-"); segment != "" && (!dashed || !segmentPattern.MatchString(segment)) {
			return runObject{}, false
		}
	} else {
		id, named := strings.CutPrefix(head, "instance-metrics-")
		id, dashed := strings.CutSuffix(id, "-")
		if !named || !dashed || id == "" {
			return runObject{}, false
		}
		instance = id
	}
	return runObject{time: t, instance: instance}, true
}

// listRuns lists the run objects from the day of since on that may hold
// one of instances (all when nil): cqmon's by name, the Lambda's all.
func (b *S3) listRuns(ctx context.Context, since time.Time, instances map[string]bool) ([]runObject, error) {
	base := b.prefix + "connect-metrics/"
	in := &s3.ListObjectsV2Input{Bucket: aws.String(b.bucket), Prefix: aws.String(base)}
	if !since.IsZero() {
		in.StartAfter = aws.String(base + since.UTC().Format("2006/01/02/"))
	}
	day := since.UTC().Truncate(24 * time.Hour)
	var objs []runObject
	for p := s3.NewListObjectsV2Paginator(b.client, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", base, err)
		}
		for _, obj := range page.Contents {
			o, ok := parseRunKey(aws.ToString(obj.Key))
			switch {
			case !ok:
			case o.legacy:
				if !o.time.Before(day) {
					objs = append(objs, o)
				}
			case !o.time.Before(since) && (instances == nil || instances[o.instance]):
				objs = append(objs, o)
			}
		}
	}
	return objs, nil
}

// readRun reads one run object; the Lambda's account object names no
// instance.
func (b *S3) readRun(ctx context.Context, o runObject) (Run, error) {
	var rec runRecord
	if _, err := b.get(ctx, o.key, &rec); err != nil {
		return Run{}, err
	}
	if rec.InstanceID == "" && strings.HasPrefix(path.Base(o.key), "account-metrics-") {
		rec.InstanceID = AccountInstanceID
	}
	r, err := rec.run()
	if err != nil {
		return Run{}, fmt.Errorf("%s: %w", o.key, err)
	}
	return r, nil
}

// Runs lists the run objects from the day of q.Since on and reads the
// newest ones. The Lambda's objects are read whenever they lie in the
// window, since only their content tells their instance and time.
func (b *S3) Runs(ctx context.Context, q Query) ([]Run, error) {
	var want map[string]bool
	if q.InstanceID != "" {
		want = map[string]bool{q.InstanceID: true}
	}
	objs, err := b.listRuns(ctx, q.Since, want)
	if err != nil {
		return nil, err
	}
	legacy := slices.ContainsFunc(objs, func(o runObject) bool { return o.legacy })
	sort.Slice(objs, func(i, j int) bool {
		if !objs[i].time.Equal(objs[j].time) {
			return objs[i].time.After(objs[j].time)
		}
		return objs[i].instance > objs[j].instance
	})
	if q.Limit > 0 && len(objs) > q.Limit && !legacy {
		objs = objs[:q.Limit]
	}
	var runs []Run
	err = b.readEach(ctx, objs, func(r Run) error {
		if q.keep(r.Time, r.InstanceID) {
			runs = append(runs, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return orderRuns(runs, q.Limit), nil
}

// EachRun hands fn every run of instances since since, in no particular
// order: one listing, then the objects of those instances and the
// Lambda's objects of the window.
func (b *S3) EachRun(ctx context.Context, instances []string, since time.Time, fn func(Run) error) error {
	want := map[string]bool{}
	for _, id := range instances {
		want[id] = true
	}
	objs, err := b.listRuns(ctx, since, want)
	if err != nil {
		return err
	}
	return b.readEach(ctx, objs, func(r Run) error {
		if want[r.InstanceID] && !r.Time.Before(since) {
			return fn(r)
		}
		return nil
	})
}

// readEach reads objs, s3Reads at a time, handing each run to fn, one
// call at a time.
func (b *S3) readEach(ctx context.Context, objs []runObject, fn func(Run) error) error {
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s3Reads)
	for _, o := range objs {
		g.Go(func() error {
			r, err := b.readRun(gctx, o)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			return fn(r)
		})
	}
	return g.Wait()
}

// QuotaSeries reads every run object of the window and picks the quota
// out of each.
func (b *S3) QuotaSeries(ctx context.Context, q Query) ([]Point, error) {
	if q.Quota == "" {
		return nil, errNoQuota
	}
	runs, err := b.Runs(ctx, Query{InstanceID: q.InstanceID, Since: q.Since})
	if err != nil {
		return nil, err
	}
	return seriesOf(runs, q.Quota, q.Limit), nil
}

// alertObject holds the alert memory of one account and Region.
type alertObject struct {
	SchemaVersion int                `json:"schema_version"`
	Account       string             `json:"account"`
	Region        string             `json:"region"`
	States        []quota.AlertState `json:"states"`
}

func (b *S3) alertKey(account, region string) string {
	return b.prefix + "alert-state/" + account + "/" + region + ".json"
}

// LoadAlertStates reads the account and Region's alert-state object.
func (b *S3) LoadAlertStates(ctx context.Context, account, region string) ([]quota.AlertState, error) {
	var obj alertObject
	if _, err := b.get(ctx, b.alertKey(account, region), &obj); err != nil {
		return nil, err
	}
	return obj.States, nil
}

// SaveAlertStates rewrites the object of each account and Region touched.
// It assumes one writer per account and Region at a time, as a scheduled
// run is.
func (b *S3) SaveAlertStates(ctx context.Context, put []quota.AlertState, del []quota.AlertState) error {
	type group struct{ account, region string }
	changes := map[group]map[string]*quota.AlertState{}
	var order []group
	note := func(st quota.AlertState, keep bool) {
		g := group{st.Account, st.Region}
		if changes[g] == nil {
			changes[g] = map[string]*quota.AlertState{}
			order = append(order, g)
		}
		if keep {
			changes[g][st.Key()] = &st
		} else if _, ok := changes[g][st.Key()]; !ok {
			changes[g][st.Key()] = nil
		}
	}
	for _, st := range put {
		note(st, true)
	}
	for _, st := range del {
		note(st, false)
	}
	for _, g := range order {
		old, err := b.LoadAlertStates(ctx, g.account, g.region)
		if err != nil {
			return err
		}
		byKey := map[string]quota.AlertState{}
		for _, st := range old {
			byKey[st.Key()] = st
		}
		for k, st := range changes[g] {
			if st == nil {
				delete(byKey, k)
			} else {
				byKey[k] = *st
			}
		}
		obj := alertObject{SchemaVersion: RecordVersion, Account: g.account, Region: g.region, States: []quota.AlertState{}}
		for _, st := range byKey {
			obj.States = append(obj.States, st)
		}
		sort.Slice(obj.States, func(i, j int) bool { return obj.States[i].Key() < obj.States[j].Key() })
		if err := b.put(ctx, b.alertKey(g.account, g.region), obj); err != nil {
			return err
		}
	}
	return nil
}
