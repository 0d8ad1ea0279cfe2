package sim

import "time"

// OpKey names an operation of a service (ServiceConnect, ...).
type OpKey struct {
	Service   string
	Operation string
}

// OpStats counts the calls of one operation.
type OpStats struct {
	// Calls counts every request, including throttled and failed ones.
	Calls int
	// Throttled counts requests refused by the token bucket.
	Throttled int
	// Faults counts requests answered by an injected fault.
	Faults int
	// MaxPerSecond is the most requests seen in any sliding one-second
	// window (real time, all regions).
	MaxPerSecond int
}

// Stats returns a copy of the counters, keyed by operation. Unknown
// operations are counted as "UnknownOperation".
func (s *Server) Stats() map[OpKey]OpStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[OpKey]OpStats, len(s.stats))
	for k, v := range s.stats {
		out[k] = *v
	}
	return out
}

// ResetStats zeroes every counter and the rate windows. Fault budgets
// (Fault.Count) are not reset.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.stats)
	clear(s.recent)
}

// statsFor returns the counters of key; s.mu must be held.
func (s *Server) statsFor(key OpKey) *OpStats {
	st, ok := s.stats[key]
	if !ok {
		st = &OpStats{}
		s.stats[key] = st
	}
	return st
}

// recordRate adds a request at now to key's one-second window and updates
// the maximum; s.mu must be held.
func (s *Server) recordRate(key OpKey, now time.Time) {
	win := s.recent[key]
	drop := 0
	for drop < len(win) && now.Sub(win[drop]) >= time.Second {
		drop++
	}
	win = append(win[drop:], now)
	s.recent[key] = win
	if st := s.statsFor(key); len(win) > st.MaxPerSecond {
		st.MaxPerSecond = len(win)
	}
}
