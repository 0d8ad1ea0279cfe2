package collect

import "testing"

// decidedPlan is a plan decided before the families run.
func decidedPlan(needed map[string]bool, safelyUnder func(measure, instanceID string, value float64) bool) *Plan {
	p := NewPlan()
	p.Decide(nil, needed, safelyUnder)
	return p
}

// TestPlanReadersWait: a family that asks the plan before it is decided
// gets the decision, not the empty plan (the race detector sees a reader
// that does not wait).
func TestPlanReadersWait(t *testing.T) {
	p := NewPlan()
	env := &Env{Plan: p}
	wants := make(chan bool)
	under := make(chan bool)
	go func() { wants <- env.wantsAny("a") }()
	go func() { under <- env.safelyUnder("a", "i", 5) }()
	p.Decide(&Limits{}, map[string]bool{"b": true}, func(string, string, float64) bool { return true })
	if <-wants {
		t.Error("wantsAny(a) = true, want false: only b is needed")
	}
	if !<-under {
		t.Error("safelyUnder = false, want the plan's answer (true)")
	}
	if env.limits() == nil {
		t.Error("limits() = nil, want the plan's limits")
	}
}

// TestNoPlanWantsEverything: without a plan every measure is wanted and
// no value is safely under its threshold.
func TestNoPlanWantsEverything(t *testing.T) {
	env := &Env{}
	if !env.wantsAny("a") || env.safelyUnder("a", "i", 0) || env.limits() != nil {
		t.Errorf("without a plan: wantsAny = %v, safelyUnder = %v, limits = %v; want true, false, nil",
			env.wantsAny("a"), env.safelyUnder("a", "i", 0), env.limits())
	}
}
