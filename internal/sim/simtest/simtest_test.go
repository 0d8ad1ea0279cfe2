package simtest_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/cqmon/cqmon/internal/sim"
	"github.com/cqmon/cqmon/internal/sim/simtest"
)

// TestStartServesTheScenario lists the demo account's instances through
// the factory Start returns, and finds the calls in the simulator's counts.
func TestStartServesTheScenario(t *testing.T) {
	f, srv := simtest.Start(t, sim.DemoScenario(), sim.WithoutLatency())
	out, err := f.For("us-east-1").Connect.ListInstances(context.Background(), &connect.ListInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.InstanceSummaryList) == 0 {
		t.Error("ListInstances found no instance of the demo scenario")
	}
	if got := srv.Stats()[sim.OpKey{Service: sim.ServiceConnect, Operation: "ListInstances"}].Calls; got != 1 {
		t.Errorf("simulator counted %d ListInstances calls, want 1", got)
	}
}
