package monitor

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/mototest"
	"github.com/cqmon/cqmon/internal/sim"
	"github.com/cqmon/cqmon/internal/sim/simtest"
	"github.com/cqmon/cqmon/internal/store"
)

func TestMain(m *testing.M) { mototest.Main(m) }

var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// runner scans the package's test scenario in the simulator; sinks other
// than the simulator's services go to moto.
func runner(t *testing.T, stores []string, stdout *bytes.Buffer) *Runner {
	t.Helper()
	return runnerOf(t, scenario(t), stores, stdout)
}

// scenario is the package's test scenario.
func scenario(t *testing.T) *sim.Scenario {
	t.Helper()
	return simtest.Load(t, "testdata/scan.json")
}

// runnerOf scans sc in the simulator.
func runnerOf(t *testing.T, sc *sim.Scenario, stores []string, stdout *bytes.Buffer) *Runner {
	t.Helper()
	o := simtest.Options("us-east-1")
	o.StoreEndpoint = storeEndpoint(t, stores)
	f := simtest.Connect(t, sim.New(sc, sim.WithClock(func() time.Time { return testNow })), o)
	cfg := engine.DefaultConfig()
	cfg.Regions = []string{"us-east-1"}
	return open(t, &Runner{Factory: f, Catalog: catalog.Default(), Options: Options{
		Engine: cfg, Alert: alert.DefaultConfig(), Now: func() time.Time { return testNow },
	}}, stores, stdout)
}

// open opens the runner's stores and builds its stdout channel, as the
// programs do once before their runs; the stores are closed when the test
// ends.
func open(t *testing.T, r *Runner, stores []string, stdout *bytes.Buffer) *Runner {
	t.Helper()
	if len(stores) > 0 {
		r.Stores, r.StoreErr = store.OpenAll(context.Background(), stores, r.Factory, store.Options{})
		if r.Stores != nil {
			t.Cleanup(func() { r.Stores.Close() })
		}
	}
	spec, _ := alert.ParseSpec("stdout")
	channels, err := Channels(r.Factory, []alert.Spec{spec}, stdout)
	if err != nil {
		t.Fatal(err)
	}
	r.Channels = channels
	return r
}

// storeOf is the runner's open store that spec names.
func storeOf(t *testing.T, r *Runner, spec string) store.Store {
	t.Helper()
	sp, err := store.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	if r.Stores != nil {
		for _, s := range r.Stores.Stores() {
			if s.String() == sp.String() {
				return s
			}
		}
	}
	t.Fatalf("no open store %s", spec)
	return nil
}

// storeEndpoint is moto's address when a store of specs is in AWS.
func storeEndpoint(t *testing.T, specs []string) string {
	t.Helper()
	for _, spec := range specs {
		if sp, err := store.ParseSpec(spec); err == nil && sp.NeedsAWS() {
			return mototest.URL(t)
		}
	}
	return ""
}

func TestRunStoresAndAlertsOnce(t *testing.T) {
	db := "local:" + filepath.Join(t.TempDir(), "history.db")
	var out bytes.Buffer
	r := runner(t, []string{db}, &out)

	rep, sum, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("first run: %v (errors %v)", err, sum.Errors)
	}
	if len(sum.SinksWritten) != 1 || sum.AlertsSent["alert"] == 0 {
		t.Errorf("first run summary = %+v, want one sink written and alerts sent", sum)
	}
	if !strings.Contains(out.String(), "Connect Quota Alert - Instance: big") {
		t.Errorf("stdout channel got:\n%s", out.String())
	}
	if sum.Violations != rep.Totals().Violations(false) || sum.RunID != rep.RunID {
		t.Errorf("summary %+v does not match the report", sum)
	}

	// Same news again: remembered in the local store, nothing is sent.
	out.Reset()
	first := sum.APICalls
	_, sum, err = r.Run(context.Background())
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if n := sum.AlertsSent["alert"] + sum.AlertsSent["reminder"]; n != 0 || out.Len() != 0 {
		t.Errorf("second run sent %v:\n%s", sum.AlertsSent, out.String())
	}
	// The summary counts this run's calls, not the process's.
	if sum.APICalls == 0 || sum.APICalls > first+5 {
		t.Errorf("second run made %d calls by its summary, first %d: want this run's own", sum.APICalls, first)
	}

	s := storeOf(t, r, db)
	runs, err := s.Runs(context.Background(), store.Query{InstanceID: "11111111-aaaa-4000-8000-000000000001"})
	if err != nil || len(runs) != 2 {
		t.Errorf("stored runs of big = %d, %v; want 2", len(runs), err)
	}
}

func TestFailingSinkKeepsTheOthers(t *testing.T) {
	db := "local:" + filepath.Join(t.TempDir(), "history.db")
	var out bytes.Buffer
	r := runner(t, []string{"dynamodb:cqmon-no-such-table", db}, &out)

	rep, sum, err := r.Run(context.Background())
	if !errors.Is(err, ErrDelivery) {
		t.Fatalf("Run() = %v, want ErrDelivery", err)
	}
	if len(rep.Instances) == 0 || rep.Totals().MetricsCount == 0 {
		t.Fatal("the report was lost")
	}
	if len(sum.SinksWritten) != 1 || sum.SinksWritten[0] != db {
		t.Errorf("sinks written = %v, want only %s", sum.SinksWritten, db)
	}
	found := false
	for _, e := range rep.Errors {
		if e.Scope == "store" && strings.Contains(e.Message, "dynamodb:cqmon-no-such-table") {
			found = true
		}
	}
	if !found {
		t.Errorf("report errors %+v do not name the failing sink", rep.Errors)
	}
	if sum.AlertsSent["alert"] == 0 {
		t.Error("a failing sink stopped the alerts")
	}
}
