package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/quota"
)

func unique(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// newTable creates a table with cqmon's definition in moto and opens a
// store on it.
func newTable(t *testing.T) (*DynamoDB, *dynamodb.Client) {
	t.Helper()
	clients := mototest.Clients(t)
	client := clients.DynamoDB()
	name := unique("cqmon-history")
	if _, err := client.CreateTable(context.Background(), TableDefinition(name)); err != nil {
		t.Fatalf("create table: %v", err)
	}
	st, err := Open(context.Background(), "dynamodb:"+name, clients, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st.(*DynamoDB), client
}

// scan reads the whole table (tests only; cqmon itself never scans).
func scan(t *testing.T, client *dynamodb.Client, table string) []map[string]types.AttributeValue {
	t.Helper()
	var items []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String(table)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, out.Items...)
	}
	return items
}

func TestDynamoDB(t *testing.T) {
	st, client := newTable(t)
	exerciseStore(t, st, func() int { return len(scan(t, client, st.table)) })
}

// TestDynamoDBLayout pins every item of one run: the legacy attributes,
// cqmon's, the index keys and the TTL.
func TestDynamoDBLayout(t *testing.T) {
	st, client := newTable(t)
	if err := st.WriteRun(context.Background(), fixture(0)); err != nil {
		t.Fatal(err)
	}
	var items []any
	for _, item := range scan(t, client, st.table) {
		items = append(items, fromAV(&types.AttributeValueMemberM{Value: item}))
	}
	sort.Slice(items, func(i, j int) bool {
		return items[i].(map[string]any)["id"].(string) < items[j].(map[string]any)["id"].(string)
	})
	b, err := json.MarshalIndent(items, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "dynamodb-items.json", append(b, '\n'))
}

// TestDynamoDBIDCollision: two runs starting in the same second on
// instances whose IDs share eight characters both keep their item, and
// retrying the second still adds nothing.
func TestDynamoDBIDCollision(t *testing.T) {
	st, client := newTable(t)
	ctx := context.Background()
	first, second := fixture(0), fixture(0)
	second.RunID += "-other"
	second.Instances[0].InstanceID = "aaaaaaaa-9999-4999-8999-999999999999"
	for _, rep := range []*quota.Report{first, second, second} {
		if err := st.WriteRun(ctx, rep); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for _, item := range scan(t, client, st.table) {
		if id := item["id"].(*types.AttributeValueMemberS).Value; strings.HasPrefix(id, "instance_aaaaaaaa_") {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	epoch := fmt.Sprint(base.Unix())
	want := []string{"instance_aaaaaaaa_" + epoch, "instance_aaaaaaaa_" + epoch + "_" + second.RunID}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("run item ids %v, want %v", ids, want)
	}
}

// manyQuotas is one instance with n quotas, every field filled near the
// longest the catalog and collectors produce.
func manyQuotas(n int) *quota.Report {
	rep := fixture(0)
	rs := make([]quota.Result, n)
	for i := range rs {
		d := quota.Definition{Key: fmt.Sprintf("connect.some_long_measure_name_%03d", i), ServiceCode: "connect",
			Code: fmt.Sprintf("L-%08X", i), Scope: quota.ScopeParent, Adjustable: true,
			Name: fmt.Sprintf("Quick connects per queue in a routing profile of an instance with a long name %03d", i)}
		m := quota.Measurement{Value: 123456.78, Approximate: true,
			Parent: "routing-profile/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
			Note:   "no datapoints in window: no activity, read as 0; value is the maximum over 1,234 routing profiles"}
		l := quota.Limit{Value: 150000, Source: quota.LimitInstance,
			Note: "Service Quotas has no value for this instance: the account-level applied value is used"}
		rs[i] = quota.Evaluate(d, m, l, 80)
	}
	rep.Instances = rep.Instances[:1]
	rep.Instances[0].Metrics, rep.Instances[0].Summary = rs, quota.Summarize(rs)
	return rep
}

// TestDynamoDBLargestItem measures the run item of an instance with 400
// quotas (the catalog has about 140 per instance) and writes it.
func TestDynamoDBLargestItem(t *testing.T) {
	st, client := newTable(t)
	ctx := context.Background()
	rep := manyQuotas(400)
	recs, err := records(rep)
	if err != nil {
		t.Fatal(err)
	}
	rec := recs[0]
	item, err := runItem(rec, &types.AttributeValueMemberN{Value: "1"})
	if err != nil {
		t.Fatal(err)
	}
	size := itemSize(item)
	t.Logf("run item with %d quotas: %d bytes (%.0f%% of DynamoDB's limit)", len(rec.Metrics), size, float64(size)/maxItemBytes*100)
	if size > 300*1024 {
		t.Errorf("run item with 400 quotas is %d bytes: less than a quarter of DynamoDB's %d left for growth", size, maxItemBytes)
	}
	if err := st.WriteRun(ctx, rep); err != nil {
		t.Fatal(err)
	}
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(st.table),
		Key: map[string]types.AttributeValue{"id": attrS(rec.ID)}})
	if err != nil || out.Item == nil {
		t.Fatalf("GetItem %s: %v", rec.ID, err)
	}
	if n := len(out.Item["metrics"].(*types.AttributeValueMemberL).Value); n != 400 {
		t.Errorf("metrics read back: %d, want 400", n)
	}
}

// TestDynamoDBRefusesOversizeItem: a run item over DynamoDB's limit is
// refused for good, with its size, and its points are written anyway.
func TestDynamoDBRefusesOversizeItem(t *testing.T) {
	st, _ := newTable(t)
	ctx := context.Background()
	rep := manyQuotas(800)
	err := st.WriteRun(ctx, rep)
	if !errors.Is(err, errTooLarge) || retryable(err) {
		t.Fatalf("WriteRun with 800 quotas: %v (retryable %v), want a final %v", err, retryable(err), errTooLarge)
	}
	ps, err := st.QuotaSeries(ctx, Query{InstanceID: instA, Quota: "L-0000031F"})
	if err != nil || len(ps) != 1 {
		t.Errorf("points of the refused run: %d, %v; want 1", len(ps), err)
	}
}

func TestItemRoundTrip(t *testing.T) {
	recs, err := records(fixture(2))
	if err != nil {
		t.Fatal(err)
	}
	rec := recs[0]
	rec.Metrics[0].Note = "" // an empty string must survive too
	item, err := toItem(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back runRecord
	if err := fromItem(item, &back); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(rec)
	b, _ := json.Marshal(back)
	if string(a) != string(b) {
		t.Errorf("round trip changed the record:\n%s\n%s", a, b)
	}
}
