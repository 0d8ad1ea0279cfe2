package monitor

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/store"
)

// sharedStores makes what an Organization's runs share: a bucket and a
// table in moto, and a local file. It returns their specs and a lister of
// the bucket's keys under connect-reports/ and the account objects.
func sharedStores(t *testing.T) ([]string, func() []string) {
	t.Helper()
	ctx := context.Background()
	url, cfg := mototest.URL(t), mototest.Config(t)
	name := fmt.Sprintf("cqmon-parts-%d", time.Now().UnixNano())
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(url) })
	if _, err := db.CreateTable(ctx, store.TableDefinition(name)); err != nil {
		t.Fatal(err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(url), true })
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	keys := func() []string {
		t.Helper()
		var out []string
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(name)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range page.Contents {
				k := aws.ToString(o.Key)
				if strings.HasPrefix(k, "connect-reports/") || strings.Contains(k, "/account-metrics-") {
					out = append(out, k)
				}
			}
		}
		return out
	}
	specs := []string{"s3://" + name + "/", "dynamodb:" + name, "local:" + filepath.Join(t.TempDir(), "history.db")}
	return specs, keys
}

// accountRecords reads the account-level records from every store, as
// history (Runs) and as forecasts do (EachRun), each as
// "<account> <regions> <quotas>", sorted.
func accountRecords(t *testing.T, r *Runner, specs []string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	for _, spec := range specs {
		s := storeOf(t, r, spec)
		line := func(run store.Run) string {
			return fmt.Sprintf("%s %s %d", run.AccountID, run.Region, len(run.Metrics))
		}
		runs, err := s.Runs(ctx, store.Query{InstanceID: store.AccountInstanceID})
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		for _, run := range runs {
			out[spec+" runs"] = append(out[spec+" runs"], line(run))
		}
		slices.Sort(out[spec+" runs"])
		err = s.(runReader).EachRun(ctx, []string{store.AccountInstanceID}, testNow.Add(-time.Hour), func(run store.Run) error {
			out[spec+" each"] = append(out[spec+" each"], line(run))
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		slices.Sort(out[spec+" each"])
	}
	return out
}

// wantRecords is what accountRecords should read: lines in every store,
// both ways.
func wantRecords(specs []string, lines []string) map[string][]string {
	slices.Sort(lines)
	out := map[string][]string{}
	for _, spec := range specs {
		out[spec+" runs"], out[spec+" each"] = lines, lines
	}
	return out
}

// TestAccountsKeepTheirOwnRecords: the accounts of one run share its
// start and run ID; each keeps its own account-level record, execution
// summary and latest report in the shared stores.
func TestAccountsKeepTheirOwnRecords(t *testing.T) {
	specs, keys := sharedStores(t)
	var out bytes.Buffer
	r := orgRunner(t, specs, &out)
	r.Options.Engine.Regions = []string{"us-east-1"}
	r.Options.Accounts = Accounts{IDs: []string{"222222222222", "666666666666"}, ExternalID: "k3y-0rg"}
	rep, sum, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("run: %v (%v)", err, sum.Errors)
	}
	n := map[string]int{}
	for _, m := range rep.Account.Metrics {
		n[m.AccountID]++
	}
	if n["222222222222"] == 0 || n["666666666666"] == 0 {
		t.Fatalf("account-level results by account = %v", n)
	}
	want := []string{
		"connect-metrics/2026/11/27/account-metrics-222222222222-20261127T120000Z.json",
		"connect-metrics/2026/11/27/account-metrics-666666666666-20261127T120000Z.json",
		"connect-reports/2026/11/27/execution-summary-222222222222-20261127T120000Z.json",
		"connect-reports/2026/11/27/execution-summary-666666666666-20261127T120000Z.json",
		"connect-reports/222222222222/latest.json",
		"connect-reports/666666666666/latest.json",
		// One dashboard shows the whole run.
		"connect-reports/dashboard.html",
	}
	if diff := cmp.Diff(want, keys()); diff != "" {
		t.Errorf("S3 keys (-want +got):\n%s", diff)
	}
	got := accountRecords(t, r, specs)
	lines := []string{fmt.Sprintf("222222222222 us-east-1 %d", n["222222222222"]), fmt.Sprintf("666666666666 us-east-1 %d", n["666666666666"])}
	if diff := cmp.Diff(wantRecords(specs, lines), got); diff != "" {
		t.Errorf("account records read back (-want +got):\n%s", diff)
	}
}

// TestItemsKeepTheirOwnRecords: the items of an organization run start
// together and share the hub's stores; each (account, Region), the hub's
// own account's included, keeps its own account-level record, execution
// summary and latest report.
func TestItemsKeepTheirOwnRecords(t *testing.T) {
	specs, keys := sharedStores(t)
	var out bytes.Buffer
	r := orgRunner(t, specs, &out)
	var lines []string
	for _, it := range []Item{
		{AccountID: "222222222222", Region: "us-east-1", ExternalID: "k3y-0rg"},
		{AccountID: "222222222222", Region: "eu-west-2", ExternalID: "k3y-0rg"},
		{AccountID: "111122223333", Region: "us-east-1"},
		{AccountID: "111122223333", Region: "eu-west-2"},
	} {
		rep, sum, err := r.RunItem(context.Background(), it)
		if err != nil {
			t.Fatalf("item %+v: %v (%v)", it, err, sum.Errors)
		}
		if len(rep.Account.Metrics) == 0 {
			t.Fatalf("item %+v: no account-level results", it)
		}
		lines = append(lines, fmt.Sprintf("%s %s %d", it.AccountID, it.Region, len(rep.Account.Metrics)))
	}
	var want []string
	for _, part := range []string{"111122223333-eu-west-2", "111122223333-us-east-1", "222222222222-eu-west-2", "222222222222-us-east-1"} {
		want = append(want, "connect-metrics/2026/11/27/account-metrics-"+part+"-20261127T120000Z.json")
	}
	for _, part := range []string{"111122223333-eu-west-2", "111122223333-us-east-1", "222222222222-eu-west-2", "222222222222-us-east-1"} {
		want = append(want, "connect-reports/2026/11/27/execution-summary-"+part+"-20261127T120000Z.json")
	}
	want = append(want,
		"connect-reports/111122223333/eu-west-2/latest.json", "connect-reports/111122223333/us-east-1/latest.json",
		"connect-reports/222222222222/eu-west-2/latest.json", "connect-reports/222222222222/us-east-1/latest.json",
		// Each item's dashboard goes beside its latest report.
		"connect-reports/111122223333/eu-west-2/dashboard.html", "connect-reports/111122223333/us-east-1/dashboard.html",
		"connect-reports/222222222222/eu-west-2/dashboard.html", "connect-reports/222222222222/us-east-1/dashboard.html")
	slices.Sort(want)
	if diff := cmp.Diff(want, keys()); diff != "" {
		t.Errorf("S3 keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantRecords(specs, lines), accountRecords(t, r, specs)); diff != "" {
		t.Errorf("account records read back (-want +got):\n%s", diff)
	}
}

// TestOwnAccountKeepsTheLambdasLayout: a run of the caller's own account
// alone, named in --accounts or not, writes the single-account keys.
func TestOwnAccountKeepsTheLambdasLayout(t *testing.T) {
	for _, accounts := range []Accounts{{}, {IDs: []string{"111122223333"}}} {
		specs, keys := sharedStores(t)
		var out bytes.Buffer
		r := orgRunner(t, specs[:1], &out)
		r.Options.Engine.Regions = []string{"us-east-1"}
		r.Options.Accounts = accounts
		if _, sum, err := r.Run(context.Background()); err != nil {
			t.Fatalf("run: %v (%v)", err, sum.Errors)
		}
		want := []string{
			"connect-metrics/2026/11/27/account-metrics-20261127T120000Z.json",
			"connect-reports/2026/11/27/execution-summary-20261127T120000Z.json",
			"connect-reports/dashboard.html",
			"connect-reports/latest.json",
		}
		if diff := cmp.Diff(want, keys()); diff != "" {
			t.Errorf("accounts %+v: S3 keys (-want +got):\n%s", accounts, diff)
		}
	}
}
