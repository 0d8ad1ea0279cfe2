package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/cqmon/cqmon/internal/sim"
)

// Every bench case is a scenario the simulator accepts: the demo data it
// borrows must not name the demo's instances.
func TestBenchScenariosAreValid(t *testing.T) {
	cases, err := benchCases("all")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		b, err := json.Marshal(c.scenario(1))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sim.LoadScenario(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
