package quota

import (
	"fmt"
	"sort"
	"time"
)

// RequestWindow is how far back Service Quotas lists increase requests.
const RequestWindow = 90 * 24 * time.Hour

// IncreaseRequest is a Service Quotas increase request as a report shows
// it next to its quota.
type IncreaseRequest struct {
	ID           string    `json:"id"`
	CaseID       string    `json:"case_id"`
	Status       string    `json:"status"`
	DesiredValue float64   `json:"desired_value"`
	RequestedAt  time.Time `json:"requested_at"`

	// ServiceCode and QuotaCode name the quota; ContextID is the instance
	// ARN of a resource-level request, "" for an account-level one.
	ServiceCode string `json:"-"`
	QuotaCode   string `json:"-"`
	ContextID   string `json:"-"`
}

// Open reports whether AWS is still working on the request.
func (r IncreaseRequest) Open() bool { return r.Status == "PENDING" || r.Status == "CASE_OPENED" }

// String is the request as an alert line or a table shows it:
// "increase to 150 requested 2026-11-20, CASE_OPENED".
func (r IncreaseRequest) String() string {
	return fmt.Sprintf("increase to %s requested %s, %s", FormatNumber(r.DesiredValue), r.RequestedAt.UTC().Format("2006-01-02"), r.Status)
}

// Requests are the increase requests of one Region.
type Requests []IncreaseRequest

// For returns the request to show for quota d: on an instance, its own
// resource-level request, else an account-level one; on the account, an
// account-level one. Among candidates the newest open request wins, else
// the newest. Nil when there is none.
func (rs Requests) For(d Definition, in *Instance) *IncreaseRequest {
	if d.Code == "" {
		return nil
	}
	if in != nil {
		if r := rs.pick(d, in.ARN); r != nil {
			return r
		}
	}
	return rs.pick(d, "")
}

func (rs Requests) pick(d Definition, context string) *IncreaseRequest {
	var cands []IncreaseRequest
	for _, r := range rs {
		if r.ServiceCode == d.ServiceCode && r.QuotaCode == d.Code && r.ContextID == context {
			cands = append(cands, r)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.Open() != b.Open() {
			return a.Open()
		}
		if !a.RequestedAt.Equal(b.RequestedAt) {
			return a.RequestedAt.After(b.RequestedAt)
		}
		return a.ID < b.ID
	})
	r := cands[0]
	return &r
}
