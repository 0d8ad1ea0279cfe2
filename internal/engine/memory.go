package engine

import (
	"runtime/debug"
	"strconv"
)

// Soft memory limits for the Go heap (debug.SetMemoryLimit). A scan's live
// data is a few MiB; what grows the heap is the short-lived decoding of
// large pages (1,000 users a page), which the collector may reclaim early
// instead of letting the heap double before each cycle.
const (
	// CLIMemoryLimit keeps a CLI scan's heap near its live data: below
	// about 12 MiB a large scan spends more time collecting than calling.
	CLIMemoryLimit = 16 << 20
	// lambdaNonHeap is what a Lambda's memory setting must leave outside
	// the heap: the binary's mapped code and data (about 22 MiB with the
	// SDK clients of twelve services), goroutine stacks and the runtime.
	lambdaNonHeap = 40 << 20
)

// LambdaMemoryLimit sizes the heap limit from the function's memory
// setting in MB (AWS_LAMBDA_FUNCTION_MEMORY_SIZE): the setting less what
// is not heap, never under the CLI's limit. A setting that cannot be read
// gets the CLI's limit.
func LambdaMemoryLimit(memorySize string) int64 {
	mb, err := strconv.Atoi(memorySize)
	if err != nil || mb <= 0 {
		return CLIMemoryLimit
	}
	return max(int64(mb)<<20-lambdaNonHeap, CLIMemoryLimit)
}

// SetMemoryLimit applies limit unless GOMEMLIMIT chose one already (an
// operator's setting wins) and returns the limit in force.
func SetMemoryLimit(goMemLimit string, limit int64) int64 {
	if goMemLimit != "" {
		return debug.SetMemoryLimit(-1)
	}
	debug.SetMemoryLimit(limit)
	return limit
}
