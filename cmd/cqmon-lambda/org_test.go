package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/lambdaconfig"
	"github.com/cqmon/cqmon/internal/monitor"
)

// simAccount is the simulated account, the account of the function's own
// credentials in these tests.
const simAccount = "123456789012"

// invokeItem sends one item exactly as the state machine's Map does and
// decodes the answer.
func invokeItem(t *testing.T, h *Handler, payload string) (itemResult, error) {
	t.Helper()
	return invokeStep[itemResult](t, h, payload)
}

// An item of the function's own account is scanned with its own
// credentials, stored and alerted on like a single-account run of that
// Region, and answers a small result; the same item again finds its news
// remembered.
func TestItemScansStoresAndAlerts(t *testing.T) {
	if testing.Short() {
		t.Skip("a full scan of the simulated account's Region takes seconds")
	}
	t.Parallel()
	w := newWorld(t)
	cfg := lambdaconfig.Default()
	cfg.UseS3, cfg.Bucket = true, w.bucket(t)
	topic, received := w.topic(t)
	cfg.TopicARN = topic
	var logs bytes.Buffer
	h := w.handler(t, cfg, &logs)

	item := `{"account_id":"` + simAccount + `","region":"us-east-1","role_name":"cqmon-reader"}`
	res, err := invokeItem(t, h, item)
	if err != nil {
		t.Fatalf("item: %v", err)
	}
	if res.AccountID != simAccount || res.Region != "us-east-1" || res.Status != "ok" || res.RunID == "" {
		t.Errorf("result = %+v, want the item's account and Region, ok, a run id", res)
	}
	if res.Instances == 0 || res.Quotas == 0 || res.Violations == 0 || res.AlertsSent["alert"] == 0 {
		t.Errorf("result = %+v, want instances, quotas, violations and alerts", res)
	}
	if got, want := received(), res.AlertsSent["alert"]; got != want {
		t.Errorf("the topic delivered %d messages, the result says %d alerts", got, want)
	}
	// Items share the hub's bucket: each keeps its latest report in a
	// folder of its own account and Region.
	if keys := w.objects(t, cfg.Bucket); !contains(keys, "connect-reports/"+simAccount+"/us-east-1/latest.json") || contains(keys, "connect-reports/latest.json") {
		t.Errorf("S3 objects = %v, want the item's report under its account and Region", keys)
	}
	// The same lines as a run of the configured Regions, with the item's
	// account and Region, and the same metric records.
	lines := logLines(t, bytes.NewReader(logs.Bytes()))
	if !hasLine(lines, "INFO", "run completed") {
		t.Errorf("no \"run completed\" line in:\n%s", logs.String())
	}
	records := 0
	for _, l := range lines {
		if l["msg"] == "run completed" && (l["account_id"] != simAccount || l["region"] != "us-east-1" || l["trigger"] != "item") {
			t.Errorf("run completed line = %v, want the item's account, Region and trigger", l)
		}
		if _, ok := l["_aws"]; ok {
			records++
			if l["Account"] != simAccount {
				t.Errorf("metric record of account %v, want %s", l["Account"], simAccount)
			}
		}
	}
	if records == 0 {
		t.Errorf("the item wrote no metric records:\n%s", logs.String())
	}

	// The Map sends external_id when the template has one; the own
	// account needs no role, so it is not used.
	again, err := invokeItem(t, h, `{"account_id":"`+simAccount+`","region":"us-east-1","role_name":"cqmon-reader","external_id":"cqmon-ext-1"}`)
	if err != nil {
		t.Fatalf("item again: %v", err)
	}
	// The simulated account's peak metrics move with its clock, so a
	// violation may appear between the two runs; only that is news.
	news := max(0, again.Violations-res.Violations)
	if n, got := again.AlertsSent["alert"], received(); n > news || got != n {
		t.Errorf("the same item again sent %d alerts (%d delivered) for %d new violations, want only those (the alert memory is the item's)", n, got, news)
	}
}

// withBucket is a handler against the world that keeps its history in
// an S3 bucket and sends no alert.
func withBucket(t *testing.T) (*world, lambdaconfig.Config, *Handler) {
	t.Helper()
	w := newWorld(t)
	cfg := lambdaconfig.Default()
	cfg.UseS3, cfg.Bucket = true, w.bucket(t)
	var logs bytes.Buffer
	return w, cfg, w.handler(t, cfg, &logs)
}

// itemFailure returns the ItemFailed error the state machine catches.
func itemFailure(t *testing.T, err error) string {
	t.Helper()
	var e messages.InvokeResponse_Error
	if !errors.As(err, &e) || e.Type != itemFailedType {
		t.Fatalf("error = %#v, want an %s error", err, itemFailedType)
	}
	return e.Message
}

// An item whose role cannot be assumed fails as ItemFailed, naming the
// account, the Region and the role, before any scan call; nothing is
// stored for it.
func TestItemRoleRefused(t *testing.T) {
	t.Parallel()
	w, cfg, h := withBucket(t)
	_, err := invokeItem(t, h, `{"account_id":"222222222222","region":"eu-west-2","role_name":"cqmon-reader","external_id":"cqmon-ext-1"}`)
	msg := itemFailure(t, err)
	for _, want := range []string{"account 222222222222, Region eu-west-2", "AssumeRole"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if keys := w.objects(t, cfg.Bucket); len(keys) != 0 {
		t.Errorf("S3 objects = %v, want none for an account that was not scanned", keys)
	}
}

// A malformed item is refused with the field and value named.
func TestItemBadFields(t *testing.T) {
	var logs bytes.Buffer
	h, err := newHandler(context.Background(), lambdaconfig.Default(), offlineSetup(), newLogger(&logs, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, item, want string }{
		{"short account", `{"account_id":"12345","region":"us-east-1","role_name":"r"}`, `item account_id: "12345" is not a 12-digit AWS account id`},
		{"bad region", `{"account_id":"222222222222","region":"mars","role_name":"r"}`, `item region: "mars" is not an AWS Region name`},
		{"bad role", `{"account_id":"222222222222","region":"us-east-1","role_name":"a/b"}`, `item role_name: "a/b" is not an IAM role name`},
		{"unknown field", `{"account_id":"222222222222","region":"us-east-1","role":"r"}`, `unknown field "role"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := invokeItem(t, h, tc.item)
			if msg := itemFailure(t, err); !strings.Contains(msg, tc.want) {
				t.Errorf("message = %q, want it to contain %q", msg, tc.want)
			}
		})
	}
}

// invokeStep invokes the handler and decodes its answer, which has no
// field T does not know.
func invokeStep[T any](t *testing.T, h *Handler, payload string) (T, error) {
	t.Helper()
	var v T
	out, err := h.Invoke(context.Background(), []byte(payload))
	if err != nil {
		return v, err
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("answer: %v\n%s", err, out)
	}
	return v, nil
}

// The targets step crosses the listed accounts with the Regions, in the
// exact shape the Map hands to each item.
func TestTargetsOfAnAccountList(t *testing.T) {
	var logs bytes.Buffer
	h, err := newHandler(context.Background(), lambdaconfig.Default(), offlineSetup(), newLogger(&logs, 0))
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Invoke(context.Background(), []byte(`{"step":"targets","mode":"Accounts","accounts":"222222222222,333333333333,222222222222",
		"organizational_units":"","regions":"us-east-1,eu-west-2","role_name":"cqmon-reader","external_id":"x-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"items":[` +
		`{"account_id":"222222222222","region":"us-east-1","role_name":"cqmon-reader","external_id":"x-1"},` +
		`{"account_id":"222222222222","region":"eu-west-2","role_name":"cqmon-reader","external_id":"x-1"},` +
		`{"account_id":"333333333333","region":"us-east-1","role_name":"cqmon-reader","external_id":"x-1"},` +
		`{"account_id":"333333333333","region":"eu-west-2","role_name":"cqmon-reader","external_id":"x-1"}],"skipped":[]}`
	if string(out) != want {
		t.Errorf("targets =\n%s\nwant\n%s", out, want)
	}

	// No Regions: the function's own; no external id: none sent.
	got, err := invokeStep[targetsOutput](t, h, `{"step":"targets","mode":"Accounts","accounts":"222222222222","regions":"","role_name":"cqmon-reader","external_id":""}`)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]monitor.Item{{AccountID: "222222222222", Region: "us-east-1", RoleName: "cqmon-reader"}}, got.Items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ payload, want string }{
		{`{"step":"targets","mode":"Accounts","accounts":"","regions":"","role_name":"r"}`, "accounts: the list of accounts is empty"},
		{`{"step":"targets","mode":"Accounts","accounts":"2222","regions":"","role_name":"r"}`, `item account_id: "2222"`},
		{`{"step":"targets","mode":"Everything","regions":"","role_name":"r"}`, `mode: "Everything" is not Organization or Accounts`},
		{`{"step":"forecast"}`, `step: "forecast" is not targets or summary`},
	} {
		if _, err := h.Invoke(context.Background(), []byte(tc.payload)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want %q", tc.payload, err, tc.want)
		}
	}
}

// The targets step lists the Organization (moto's): every ACTIVE account
// is an item, a suspended one is skipped with its state; with OUs, only
// their accounts and their children's, and the function's own account.
func TestTargetsOfTheOrganization(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	org := organizations.NewFromConfig(w.moto, func(o *organizations.Options) { o.BaseEndpoint = aws.String(w.motoURL) })
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		var exists *orgtypes.AlreadyInOrganizationException
		if !errors.As(err, &exists) {
			t.Fatal(err)
		}
	}
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	stamp := time.Now().UnixNano()
	newAccount := func(name string) string {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(fmt.Sprintf("%s-%d@example.com", name, stamp))})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.CreateAccountStatus.AccountId)
	}
	prod, closed, nested := newAccount("prod"), newAccount("closed"), newAccount("nested")
	if _, err := org.CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String(closed)}); err != nil {
		t.Fatal(err)
	}
	unit := func(parent, name string) string {
		out, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(parent), Name: aws.String(fmt.Sprintf("%s-%d", name, stamp))})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.OrganizationalUnit.Id)
	}
	contact := unit(aws.ToString(roots.Roots[0].Id), "contact")
	child := unit(contact, "eu")
	for acct, parent := range map[string]string{prod: contact, nested: child} {
		if _, err := org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(acct),
			SourceParentId: roots.Roots[0].Id, DestinationParentId: aws.String(parent)}); err != nil {
			t.Fatal(err)
		}
	}

	var logs bytes.Buffer
	h := w.handler(t, lambdaconfig.Default(), &logs)
	all, err := invokeStep[targetsOutput](t, h, `{"step":"targets","mode":"Organization","regions":"us-east-1,eu-west-2","role_name":"cqmon-reader"}`)
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]int{}
	for _, it := range all.Items {
		accounts[it.AccountID]++
		if it.RoleName != "cqmon-reader" || it.AccountName == "" {
			t.Errorf("item %+v: want the role and the account's name", it)
		}
	}
	for _, id := range []string{simAccount, prod, nested} {
		if accounts[id] != 2 {
			t.Errorf("account %s has %d items, want one per Region (items: %+v)", id, accounts[id], all.Items)
		}
	}
	if accounts[closed] != 0 {
		t.Errorf("the suspended account %s has items", closed)
	}
	i := slices.IndexFunc(all.Skipped, func(s skippedAccount) bool { return s.AccountID == closed })
	if i < 0 || all.Skipped[i].Reason != "the account is SUSPENDED in the Organization" || all.Skipped[i].AccountName != "closed" {
		t.Errorf("skipped = %+v, want %s with its state", all.Skipped, closed)
	}

	some, err := invokeStep[targetsOutput](t, h, `{"step":"targets","mode":"Organization","organizational_units":"`+contact+`","regions":"eu-west-2","role_name":"cqmon-reader"}`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range some.Items {
		got = append(got, it.AccountID)
	}
	// The function's own account (here the management account, outside
	// the OU) is always scanned, with its own role.
	want := []string{prod, nested, simAccount}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accounts of %s and its child (-want +got):\n%s", contact, diff)
	}
}

// The summary step gathers the Map's results by account, caught failures
// with their reason and skipped accounts included, and writes
// connect-reports/org-latest.json.
func TestSummaryWritesOrgLatest(t *testing.T) {
	t.Parallel()
	w, cfg, h := withBucket(t)
	cause, _ := json.Marshal(map[string]string{"errorType": "ItemFailed", "errorMessage": "account 333333333333, Region us-east-1: assume arn:aws:iam::333333333333:role/cqmon-reader: access denied"})
	payload := `{"step":"summary","execution":"arn:aws:states:us-east-1:123456789012:execution:cqmon-org:run-1","started_at":"2026-12-01T10:00:00.123Z",
	  "skipped":[{"account_id":"444444444444","account_name":"old","reason":"the account is SUSPENDED in the Organization"}],
	  "results":[
	    {"account_id":"222222222222","account_name":"prod","region":"us-east-1","status":"ok","run_id":"r1","instances":2,"quotas":100,"violations":3,"unknown":4,"alerts_sent":{"alert":2},"duration_ms":900},
	    {"account_id":"222222222222","account_name":"prod","region":"eu-west-2","status":"ok","run_id":"r2","instances":1,"quotas":50,"violations":0,"unknown":1,"alerts_sent":{},"duration_ms":800},
	    {"account_id":"333333333333","region":"us-east-1","status":"error","reason":` + string(mustJSON(t, string(cause))) + `}]}`
	sum, err := invokeStep[orgSummary](t, h, payload)
	if err != nil {
		t.Fatal(err)
	}
	wantAccounts := []orgAccount{
		{AccountID: "222222222222", AccountName: "prod", Status: "ok"},
		{AccountID: "333333333333", Status: "error", Reason: "account 333333333333, Region us-east-1: assume arn:aws:iam::333333333333:role/cqmon-reader: access denied"},
		{AccountID: "444444444444", AccountName: "old", Status: "skipped", Reason: "the account is SUSPENDED in the Organization"},
	}
	if diff := cmp.Diff(wantAccounts, sum.Accounts); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	wantTotals := orgTotals{Items: 3, ItemsFailed: 1, Accounts: 2, AccountsFailed: 1, AccountsSkipped: 1, Instances: 3, Quotas: 150,
		Violations: 3, Unknown: 5, AlertsSent: map[string]int{"alert": 2}}
	if diff := cmp.Diff(wantTotals, sum.Totals); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	if sum.Items != nil {
		t.Errorf("the step's answer carries %d items, want none (they are in S3)", len(sum.Items))
	}
	if diff := cmp.Diff([]string{"s3://" + cfg.Bucket + "/connect-reports/org-latest.json"}, sum.Stored); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
	keys := w.objects(t, cfg.Bucket)
	if diff := cmp.Diff([]string{"connect-reports/2026/12/01/org-summary-20261201T100000Z.json", "connect-reports/org-latest.json"}, keys); diff != "" {
		t.Errorf("S3 objects (-want +got):\n%s", diff)
	}
	obj, err := w.s3().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(cfg.Bucket), Key: aws.String("connect-reports/org-latest.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Body.Close()
	body, _ := io.ReadAll(obj.Body)
	var stored orgSummary
	if err := json.Unmarshal(body, &stored); err != nil {
		t.Fatal(err)
	}
	if len(stored.Items) != 3 || stored.Items[2].Reason != wantAccounts[1].Reason || stored.Execution != "arn:aws:states:us-east-1:123456789012:execution:cqmon-org:run-1" {
		t.Errorf("org-latest.json = %s", body)
	}

	if _, err := h.Invoke(context.Background(), []byte(`{"step":"summary","results":[{"region":"us-east-1"}]}`)); err == nil ||
		!strings.Contains(err.Error(), "result 0 is not an item's result") {
		t.Errorf("a result without an account: error = %v", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
