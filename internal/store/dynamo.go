package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"github.com/cqmon/cqmon/internal/quota"
)

// dynamoAPI is the part of the DynamoDB client the store calls.
type dynamoAPI interface {
	PutItem(ctx context.Context, params *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	BatchWriteItem(ctx context.Context, params *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	Query(ctx context.Context, params *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// batchSize is BatchWriteItem's limit of requests per call.
const batchSize = 25

// unprocessedAttempts bounds the calls made for one batch: BatchWriteItem
// answers throttling of single items by handing them back unprocessed,
// which the SDK's retryer does not see, so the caller must resend them.
const unprocessedAttempts = 6

// unprocessedBackoff is the first pause before resending unprocessed
// items; it doubles after each call.
const unprocessedBackoff = 50 * time.Millisecond

// DynamoDB keeps history in one table: run items with the legacy
// attributes, a small point item per quota per run, and the alert memory
// (docs/history.md describes the keys).
type DynamoDB struct {
	client    dynamoAPI
	table     string
	retention time.Duration
}

// String names the sink.
func (d *DynamoDB) String() string { return "dynamodb:" + d.table }

// Close does nothing: the client holds no resources.
func (d *DynamoDB) Close() error { return nil }

func attrS(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// WriteRun writes, for each instance and the account, the quota points and
// then the run item. Every key derives from the run, so a retry overwrites
// what the first attempt wrote.
func (d *DynamoDB) WriteRun(ctx context.Context, rep *quota.Report) error {
	expires := &types.AttributeValueMemberN{Value: strconv.FormatInt(rep.StartedAt.Add(d.retention).Unix(), 10)}
	recs, err := records(rep)
	if err != nil {
		return err
	}
	var errs []error
	for _, rec := range recs {
		if err := d.writeRecord(ctx, rec, expires); err != nil {
			errs = append(errs, fmt.Errorf("write run %s instance %s: %w", rec.RunID, rec.InstanceID, err))
		}
	}
	return errors.Join(errs...)
}

func (d *DynamoDB) writeRecord(ctx context.Context, rec runRecord, expires types.AttributeValue) error {
	run, runErr := runItem(rec, expires)
	if runErr != nil && !errors.Is(runErr, errTooLarge) {
		return runErr
	}
	var reqs []types.WriteRequest
	for _, p := range rec.points() {
		item, err := toItem(p)
		if err != nil {
			return err
		}
		item[attrID] = attrS(pointID(rec, p))
		item["kind"] = attrS("point")
		item["gsi_pk"] = attrS("series#" + p.QuotaID)
		item["gsi_sk"] = attrS(p.InstanceID + "#" + p.At)
		item[attrTTL] = expires
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	if err := d.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("write points: %w", err)
	}
	if runErr != nil {
		return runErr // the points still hold every value
	}
	return d.putRun(ctx, rec, run)
}

// pointID is a point item's id: point#<run id>#<instance id>#<region>#<quota
// id>, with the part's segment after the instance ID for the account
// record of a part of a larger run, whose parts share their run ID.
func pointID(rec runRecord, p pointRecord) string {
	instance := p.InstanceID
	if rec.part != "" {
		instance += "#" + rec.part
	}
	return "point#" + p.RunID + "#" + instance + "#" + p.Region + "#" + p.QuotaID
}

// runItem is the run item of rec, refused when DynamoDB would refuse it.
func runItem(rec runRecord, expires types.AttributeValue) (map[string]types.AttributeValue, error) {
	item, err := toItem(rec)
	if err != nil {
		return nil, err
	}
	item["kind"] = attrS("run")
	item["gsi_pk"] = attrS("runs")
	item["gsi_sk"] = attrS(rec.Timestamp + "#" + rec.InstanceID)
	item[attrTTL] = expires
	item[attrID] = attrS(rec.ID + "_" + rec.RunID) // the longest id putRun may use
	if n := itemSize(item); n > maxItemBytes {
		return nil, fmt.Errorf("%w: %d bytes for %d quotas (DynamoDB allows %d)", errTooLarge, n, len(rec.Metrics), maxItemBytes)
	}
	return item, nil
}

// putRun writes the run item under the legacy id. The id has one-second
// resolution and eight characters of instance ID, so another run may hold
// it already: the write is conditional, and a run finding its id taken
// uses the id suffixed with its run ID.
func (d *DynamoDB) putRun(ctx context.Context, rec runRecord, item map[string]types.AttributeValue) error {
	ids := []string{rec.ID, rec.ID + "_" + rec.RunID}
	for _, id := range ids {
		item[attrID] = attrS(id)
		_, err := d.client.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:                 aws.String(d.table),
			Item:                      item,
			ConditionExpression:       aws.String("attribute_not_exists(#id) OR #run = :run"),
			ExpressionAttributeNames:  map[string]string{"#id": attrID, "#run": "run_id"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":run": attrS(rec.RunID)},
		})
		if _, taken := errors.AsType[*types.ConditionalCheckFailedException](err); !taken {
			return err
		}
	}
	return fmt.Errorf("ids %s and %s both hold other runs", ids[0], ids[1])
}

func (d *DynamoDB) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	for len(reqs) > 0 {
		n := min(batchSize, len(reqs))
		pending := map[string][]types.WriteRequest{d.table: reqs[:n]}
		reqs = reqs[n:]
		wait := unprocessedBackoff
		for attempt := 1; len(pending[d.table]) > 0; attempt++ {
			if attempt > unprocessedAttempts {
				return fmt.Errorf("%d writes still unprocessed after %d calls", len(pending[d.table]), unprocessedAttempts)
			}
			if attempt > 1 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(wait):
				}
				wait *= 2
			}
			out, err := d.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return err
			}
			pending = out.UnprocessedItems
		}
	}
	return nil
}

// keyQuery builds a Query on an index: partition key pk = pkValue, and
// skCond on the sort key (with :lo and :hi) when not empty.
func (d *DynamoDB) keyQuery(index, pk, pkValue, sk, skCond string, vals map[string]types.AttributeValue) *dynamodb.QueryInput {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(d.table),
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": pk},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": attrS(pkValue)},
		ScanIndexForward:          aws.Bool(false),
	}
	if skCond != "" {
		in.KeyConditionExpression = aws.String("#pk = :pk AND " + skCond)
		in.ExpressionAttributeNames["#sk"] = sk
	}
	for k, v := range vals {
		in.ExpressionAttributeValues[k] = v
	}
	return in
}

// query pages through in, handing each item to each, until limit items
// (0: all) were handed.
func (d *DynamoDB) query(ctx context.Context, in *dynamodb.QueryInput, limit int, each func(map[string]types.AttributeValue) error) error {
	if limit > 0 && in.FilterExpression == nil {
		in.Limit = aws.Int32(int32(min(limit, 1000)))
	}
	n := 0
	p := dynamodb.NewQueryPaginator(d.client, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, item := range out.Items {
			if err := each(item); err != nil {
				return err
			}
			if n++; limit > 0 && n >= limit {
				return nil
			}
		}
	}
	return nil
}

// Runs reads the instance's runs from the by_instance index, or every
// run from the "runs" partition of by_key.
func (d *DynamoDB) Runs(ctx context.Context, q Query) ([]Run, error) {
	var in *dynamodb.QueryInput
	since := map[string]types.AttributeValue{":lo": attrS(stamp(q.Since))}
	if q.InstanceID != "" {
		in = d.keyQuery(indexByInstance, "instance_id", q.InstanceID, "timestamp", "#sk >= :lo", since)
	} else {
		in = d.keyQuery(indexByKey, "gsi_pk", "runs", "gsi_sk", "#sk >= :lo", since)
	}
	var runs []Run
	err := d.query(ctx, in, q.Limit, func(item map[string]types.AttributeValue) error {
		r, err := runOfItem(item)
		runs = append(runs, r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("query runs: %w", err)
	}
	return orderRuns(runs, q.Limit), nil
}

// QuotaSeries reads the quota's points from its "series#<quota id>"
// partition of by_key; with an instance, the sort key (instance#time)
// narrows the read to that instance's window, and the Python Lambda's
// items of that instance are read too (they have no point items; without
// an instance they could be found only by a Scan).
func (d *DynamoDB) QuotaSeries(ctx context.Context, q Query) ([]Point, error) {
	if q.Quota == "" {
		return nil, errNoQuota
	}
	id, err := d.quotaID(ctx, q)
	if err != nil {
		return nil, err
	}
	var in *dynamodb.QueryInput
	limit := q.Limit
	if q.InstanceID != "" {
		in = d.keyQuery(indexByKey, "gsi_pk", "series#"+id, "gsi_sk", "#sk BETWEEN :lo AND :hi", map[string]types.AttributeValue{
			":lo": attrS(q.InstanceID + "#" + stamp(q.Since)), ":hi": attrS(q.InstanceID + "#~"),
		})
	} else {
		in = d.keyQuery(indexByKey, "gsi_pk", "series#"+id, "", "", nil)
		in.FilterExpression = aws.String("#at >= :lo")
		in.ExpressionAttributeNames["#at"] = "at"
		in.ExpressionAttributeValues[":lo"] = attrS(stamp(q.Since))
		limit = 0
	}
	var ps []Point
	err = d.query(ctx, in, limit, func(item map[string]types.AttributeValue) error {
		var rec pointRecord
		if err := fromItem(item, &rec); err != nil {
			return fmt.Errorf("decode point item: %w", err)
		}
		p, err := rec.point()
		ps = append(ps, p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("query quota %s: %w", id, err)
	}
	if q.InstanceID != "" {
		old, err := d.legacySeries(ctx, q)
		if err != nil {
			return nil, err
		}
		ps = append(ps, old...)
	}
	return orderPoints(ps, q.Limit), nil
}

// quotaID turns a code, key or name into the quota ID points are filed
// under, looking names up in the latest runs.
func (d *DynamoDB) quotaID(ctx context.Context, q Query) (string, error) {
	if code := strings.ToUpper(q.Quota); quota.ValidCode(code) {
		return code, nil
	}
	limit := 25
	if q.InstanceID != "" {
		limit = 1
	}
	runs, err := d.Runs(ctx, Query{InstanceID: q.InstanceID, Limit: limit})
	if err != nil {
		return "", err
	}
	for _, r := range runs {
		for _, m := range r.Metrics {
			if matches(m, q.Quota) {
				return m.QuotaID(), nil
			}
		}
	}
	return q.Quota, nil
}

func alertID(st quota.AlertState) string {
	return "alert#" + st.Account + "#" + st.Region + "#" + st.InstanceID + "#" + st.QuotaID
}

// LoadAlertStates reads the "alerts#<account>#<region>" partition of
// by_key. Index reads are eventually consistent: a save made within the
// last second may not show yet.
func (d *DynamoDB) LoadAlertStates(ctx context.Context, account, region string) ([]quota.AlertState, error) {
	in := d.keyQuery(indexByKey, "gsi_pk", "alerts#"+account+"#"+region, "", "", nil)
	var out []quota.AlertState
	err := d.query(ctx, in, 0, func(item map[string]types.AttributeValue) error {
		var st quota.AlertState
		if err := fromItem(item, &st); err != nil {
			return fmt.Errorf("decode alert item: %w", err)
		}
		out = append(out, st)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("query alert states of %s/%s: %w", account, region, err)
	}
	return out, nil
}

// SaveAlertStates writes put and deletes del in batches.
func (d *DynamoDB) SaveAlertStates(ctx context.Context, put []quota.AlertState, del []quota.AlertState) error {
	byID := map[string]types.WriteRequest{}
	var order []string
	add := func(id string, r types.WriteRequest) {
		if _, ok := byID[id]; !ok {
			order = append(order, id)
		}
		byID[id] = r
	}
	for _, st := range del {
		add(alertID(st), types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{attrID: attrS(alertID(st))}}})
	}
	for _, st := range put {
		item, err := toItem(st)
		if err != nil {
			return err
		}
		if st.InstanceID == "" {
			// An index key attribute may not be an empty string.
			delete(item, "instance_id")
		}
		item[attrID] = attrS(alertID(st))
		item["kind"] = attrS("alert")
		item["schema_version"] = &types.AttributeValueMemberN{Value: strconv.Itoa(RecordVersion)}
		item["gsi_pk"] = attrS("alerts#" + st.Account + "#" + st.Region)
		item["gsi_sk"] = attrS(st.InstanceID + "#" + st.QuotaID)
		add(alertID(st), types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	reqs := make([]types.WriteRequest, len(order))
	for i, id := range order {
		reqs[i] = byID[id]
	}
	if err := d.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("save alert states: %w", err)
	}
	return nil
}

// historyReads is how many instances' runs EachRun reads at once.
const historyReads = 4

// EachRun hands fn every run of instances since since, one call at a
// time: one Query of the by_instance index per instance (historyReads at
// once), which holds cqmon's run items and the Python Lambda's items
// alike.
func (d *DynamoDB) EachRun(ctx context.Context, instances []string, since time.Time, fn func(Run) error) error {
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(historyReads)
	for _, id := range instances {
		g.Go(func() error {
			in := d.keyQuery(indexByInstance, "instance_id", id, "timestamp", "#sk >= :lo",
				map[string]types.AttributeValue{":lo": attrS(stamp(since))})
			err := d.query(gctx, in, 0, func(item map[string]types.AttributeValue) error {
				r, err := runOfItem(item)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				return fn(r)
			})
			if err != nil {
				return fmt.Errorf("query runs of %s: %w", id, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// legacySeries reads quota q of one instance from the Python Lambda's
// items, which have no point items: its by_instance partition, keeping
// the items without a kind (cqmon marks each of its own).
func (d *DynamoDB) legacySeries(ctx context.Context, q Query) ([]Point, error) {
	in := d.keyQuery(indexByInstance, "instance_id", q.InstanceID, "timestamp", "#sk >= :lo",
		map[string]types.AttributeValue{":lo": attrS(stamp(q.Since))})
	in.FilterExpression = aws.String("attribute_not_exists(#kind)")
	in.ExpressionAttributeNames["#kind"] = "kind"
	var runs []Run
	err := d.query(ctx, in, 0, func(item map[string]types.AttributeValue) error {
		r, err := runOfItem(item)
		runs = append(runs, r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("query the Lambda's items of %s: %w", q.InstanceID, err)
	}
	return seriesOf(runs, q.Quota, 0), nil
}

// runOfItem decodes a run item, cqmon's or the Python Lambda's.
func runOfItem(item map[string]types.AttributeValue) (Run, error) {
	var rec runRecord
	if err := fromItem(item, &rec); err != nil {
		return Run{}, fmt.Errorf("decode run item: %w", err)
	}
	return rec.run()
}
