package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
	"github.com/cqmon/cqmon/internal/sim/simtest"
	"github.com/cqmon/cqmon/internal/store"
)

// orgRunner runs against the simulator's test Organization with the
// management account's credentials.
func orgRunner(t *testing.T, stores []string, stdout *bytes.Buffer, change ...func(*sim.Scenario)) *Runner {
	t.Helper()
	sc := simtest.Load(t, "testdata/org.json")
	for _, c := range change {
		c(sc)
	}
	o := simtest.Options("us-east-1")
	o.StoreEndpoint = storeEndpoint(t, stores)
	f := simtest.Connect(t, sim.New(sc, sim.WithClock(func() time.Time { return testNow })), o)
	return open(t, &Runner{Factory: f, Catalog: catalog.Default(), Options: Options{
		Engine: engine.DefaultConfig(), Alert: alert.DefaultConfig(), Now: func() time.Time { return testNow },
	}}, stores, stdout)
}

// TestRunItem runs the worker on items in the exact shape the
// organization mode's Map passes: each scans one account and Region,
// stores under that account and alerts as a run of that account alone.
func TestRunItem(t *testing.T) {
	db := "local:" + filepath.Join(t.TempDir(), "history.db")
	var out bytes.Buffer
	r := orgRunner(t, []string{db}, &out)
	ctx := context.Background()

	var item Item
	in := `{"account_id":"222222222222","region":"us-east-1","role_name":"cqmon-reader","external_id":"k3y-0rg"}`
	if err := json.Unmarshal([]byte(in), &item); err != nil {
		t.Fatal(err)
	}
	rep, sum, err := r.RunItem(ctx, item)
	if err != nil {
		t.Fatalf("RunItem: %v (%v)", err, sum.Errors)
	}
	if rep.AccountID != "222222222222" || len(rep.Regions) != 1 || rep.Regions[0] != "us-east-1" || len(rep.Accounts) != 1 {
		t.Errorf("report of account %q regions %v accounts %+v", rep.AccountID, rep.Regions, rep.Accounts)
	}
	if len(rep.Instances) != 2 || rep.Instances[0].AccountID != "222222222222" {
		t.Errorf("instances = %d, first of account %q", len(rep.Instances), rep.Instances[0].AccountID)
	}
	// A single account: the subject names no account.
	if !strings.Contains(out.String(), "Connect Quota Alert - Instance: prod-a (2 violations)\n") {
		t.Errorf("alerts:\n%s", out.String())
	}

	// The caller's own account uses its own credentials.
	own := Item{AccountID: "111122223333", Region: "us-east-1"}
	if rep, _, err := r.RunItem(ctx, own); err != nil || rep.AccountID != "111122223333" || len(rep.Instances) != 1 {
		t.Errorf("own account: %v, report %+v", err, rep)
	}

	// A denied item fails with the reason before anything runs: nothing
	// is stored for it, least of all zeros.
	denied := Item{AccountID: "444444444444", Region: "us-east-1", RoleName: "cqmon-reader"}
	rep, _, err = r.RunItem(ctx, denied)
	if !errors.Is(err, engine.ErrIncomplete) || rep != nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("denied item: %v, report %+v; want an incomplete run naming AccessDenied and no report", err, rep)
	}

	s := storeOf(t, r, db)
	runs, err := s.Runs(ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]int{}
	for _, run := range runs {
		accounts[run.AccountID]++
	}
	if accounts["222222222222"] == 0 || accounts["111122223333"] == 0 || accounts["444444444444"] != 0 {
		t.Errorf("stored records by account = %v", accounts)
	}
}

func TestItemValidate(t *testing.T) {
	tests := []struct {
		item Item
		want string
	}{
		{Item{AccountID: "12", Region: "us-east-1"}, `item account_id: "12" is not a 12-digit AWS account id`},
		{Item{AccountID: "222222222222", Region: "mars"}, `item region: "mars" is not an AWS Region name`},
		{Item{AccountID: "222222222222", Region: "us-east-1", RoleName: "a b"}, `item role_name: "a b" is not an IAM role name`},
		{Item{AccountID: "222222222222", Region: "us-east-1", ExternalID: "x"}, `item external_id: external id of 1 characters`},
	}
	for _, tt := range tests {
		err := tt.item.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.item, err, tt.want)
		}
	}
}

// TestAccountsAlertMemory runs an Organization twice: alert memory is
// kept per account, so the second run sends nothing, and each account's
// history is its own.
func TestAccountsAlertMemory(t *testing.T) {
	db := "local:" + filepath.Join(t.TempDir(), "history.db")
	var out bytes.Buffer
	r := orgRunner(t, []string{db}, &out)
	r.Options.Engine.Regions = []string{"us-east-1"}
	r.Options.Accounts = Accounts{Org: true, ExternalID: "k3y-0rg", Concurrency: 3}
	ctx := context.Background()
	_, sum, err := r.Run(ctx)
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	if !strings.Contains(out.String(), "Connect Quota Alert - Instance: prod-a (2 violations) - prod") ||
		!strings.Contains(out.String(), "Connect Quota Alert - Instance: stage-a (1 violation) - staging") {
		t.Errorf("first run alerts:\n%s", out.String())
	}
	out.Reset()
	_, sum, err = r.Run(ctx)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if n := sum.AlertsSent["alert"] + sum.AlertsSent["reminder"]; n != 0 {
		t.Errorf("second run sent %v:\n%s", sum.AlertsSent, out.String())
	}
	s := storeOf(t, r, db)
	runs, err := s.Runs(ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range runs {
		for _, in := range []string{"prod-a", "prod-b"} {
			if run.InstanceAlias == in && run.AccountID != "222222222222" {
				t.Errorf("%s stored under account %s", in, run.AccountID)
			}
		}
	}
}

// TestAccountThrottledOut: an account whose every call is throttled is
// reported with its reason once the retries are spent; the others are
// scanned in full.
func TestAccountThrottledOut(t *testing.T) {
	var out bytes.Buffer
	r := orgRunner(t, nil, &out, func(sc *sim.Scenario) {
		sc.Organization.Accounts = append(sc.Organization.Accounts, sim.OrgAccount{
			ID: "999999999999", Name: "busy", Roles: []sim.OrgRole{{Name: "cqmon-reader"}},
			Scenario: &sim.Scenario{Faults: []sim.Fault{{Service: "connect", Code: "ThrottlingException", Status: 429, Message: "Rate exceeded"}}},
		})
	})
	r.Channels = nil
	r.Options.Engine.Regions = []string{"us-east-1"}
	r.Options.Accounts = Accounts{IDs: []string{"999999999999", "666666666666"}}
	rep, _, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	got := map[string]quota.AccountStatus{}
	for _, a := range rep.Accounts {
		got[a.AccountID] = a
	}
	if a := got["999999999999"]; a.Status != quota.AccountError || !strings.Contains(a.Reason, "throttled") {
		t.Errorf("busy account = %+v, want an error saying throttled", a)
	}
	if a := got["666666666666"]; a.Status != quota.AccountOK {
		t.Errorf("staging = %+v, want ok", a)
	}
	for _, in := range rep.Instances {
		if in.AccountID == "999999999999" {
			t.Errorf("instance %s of the throttled account reported", in.InstanceAlias)
		}
	}
}
