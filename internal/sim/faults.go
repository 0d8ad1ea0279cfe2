package sim

import (
	"slices"
	"time"
)

// delayFor picks the injected latency of a call; s.mu must be held.
func (s *Server) delayFor(ci callInfo) time.Duration {
	if s.latencyOff {
		return 0
	}
	for _, l := range s.w.latency {
		if (l.service == "" || l.service == ci.service) && matchOp(l.op, ci.op) {
			if l.max == l.min {
				return l.min
			}
			return l.min + time.Duration(s.rng.Int64N(int64(l.max-l.min)+1))
		}
	}
	return 0
}

// fault returns the injected error for a call, if a fault rule matches and
// still has calls left.
func (s *Server) fault(ci callInfo) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.w.faults {
		if f.Service != ci.service || !matchOp(f.Operation, ci.op) ||
			(f.Region != "" && f.Region != ci.region) ||
			(f.Instance != "" && f.Instance != ci.instance) ||
			(f.Resource != "" && !slices.Contains(ci.resources, f.Resource)) {
			continue
		}
		if f.Count > 0 && f.used >= f.Count {
			continue
		}
		f.used++
		qc := f.Code
		if c, ok := cloudWatchModeled[f.Code]; ok {
			qc = c
		}
		return &apiError{status: f.Status, code: f.Code, msg: f.Message, queryCode: qc}
	}
	return nil
}
