package engine

import (
	"math"
	"runtime/debug"
	"testing"
)

// noMemoryLimit is the runtime's value for "no limit".
const noMemoryLimit = math.MaxInt64

func TestLambdaMemoryLimit(t *testing.T) {
	tests := []struct {
		setting string
		want    int64
	}{
		{"512", 512<<20 - lambdaNonHeap},
		{"128", 128<<20 - lambdaNonHeap},
		{"48", CLIMemoryLimit},
		{"", CLIMemoryLimit},
		{"lots", CLIMemoryLimit},
	}
	for _, tt := range tests {
		if got := LambdaMemoryLimit(tt.setting); got != tt.want {
			t.Errorf("LambdaMemoryLimit(%q) = %d, want %d", tt.setting, got, tt.want)
		}
	}
}

func TestSetMemoryLimitLeavesGOMEMLIMIT(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	if got := SetMemoryLimit("", CLIMemoryLimit); got != CLIMemoryLimit || debug.SetMemoryLimit(-1) != CLIMemoryLimit {
		t.Errorf("limit = %d, want %d", debug.SetMemoryLimit(-1), CLIMemoryLimit)
	}
	debug.SetMemoryLimit(noMemoryLimit)
	if got := SetMemoryLimit("64MiB", CLIMemoryLimit); got != noMemoryLimit {
		t.Errorf("with GOMEMLIMIT set, limit = %d, want the runtime's own", got)
	}
}
