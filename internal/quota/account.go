package quota

import "slices"

// AccountState says what became of one account a run considered.
type AccountState string

// Account states.
const (
	// AccountOK: the account was scanned (some Regions may still have
	// failed; the run's errors say which).
	AccountOK AccountState = "ok"
	// AccountError: the account could not be scanned at all (its role
	// could not be assumed, no Region answered); Reason says why. Its
	// quotas are absent, never 0.
	AccountError AccountState = "error"
	// AccountSkipped: the account was not scanned on purpose (suspended
	// or closed in the Organization).
	AccountSkipped AccountState = "skipped"
)

// AccountStatus is one entry of a report's accounts list.
type AccountStatus struct {
	AccountID   string       `json:"account_id"`
	AccountName string       `json:"account_name,omitempty"`
	Status      AccountState `json:"status"`
	Reason      string       `json:"reason,omitempty"`
}

// Scanned counts the accounts whose status is ok.
func (r *Report) Scanned() int {
	n := 0
	for _, a := range r.Accounts {
		if a.Status == AccountOK {
			n++
		}
	}
	return n
}

// ByAccount splits a report into one report per scanned account, in the
// order of Accounts: each is the document a run of that account alone
// would give, so history and alert memory stay keyed by account. A
// report with at most one account is returned as it is.
func (r *Report) ByAccount() []*Report {
	if len(r.Accounts) <= 1 {
		return []*Report{r}
	}
	var out []*Report
	for _, a := range r.Accounts {
		if a.Status != AccountOK {
			continue
		}
		sub := *r
		sub.AccountID = a.AccountID
		sub.Accounts = []AccountStatus{a}
		sub.Instances = slices.DeleteFunc(slices.Clone(r.Instances), func(in InstanceReport) bool { return in.AccountID != a.AccountID })
		sub.Account = AccountReport{Metrics: slices.DeleteFunc(slices.Clone(r.Account.Metrics), func(m Result) bool { return m.AccountID != a.AccountID })}
		sub.Account.Summary = Summarize(sub.Account.Metrics)
		sub.Errors = slices.DeleteFunc(slices.Clone(r.Errors), func(e RunError) bool { return e.AccountID != "" && e.AccountID != a.AccountID })
		out = append(out, &sub)
	}
	return out
}

// AccountName returns the name the report gives an account, or "".
func (r *Report) AccountName(id string) string {
	for _, a := range r.Accounts {
		if a.AccountID == id {
			return a.AccountName
		}
	}
	return ""
}

// MergeAccountMetrics copies the account-level results of parts (from
// ByAccount, changed since: forecasts) back into the report; instance
// results share their storage with the parts already.
func (r *Report) MergeAccountMetrics(parts []*Report) {
	type key struct{ account, region, quota string }
	at := map[key]int{}
	for i, m := range r.Account.Metrics {
		at[key{m.AccountID, m.Region, m.QuotaID()}] = i
	}
	for _, p := range parts {
		if p == r {
			continue
		}
		for _, m := range p.Account.Metrics {
			if i, ok := at[key{m.AccountID, m.Region, m.QuotaID()}]; ok {
				r.Account.Metrics[i] = m
			}
		}
	}
}

// Part names the part of a larger run a report is, for the stores' keys:
// its account in a run of several accounts (or of another account than
// the caller's), and its Region too for an organization run's item, many
// of which run at once for one account. docs/history.md gives the keys.
type Part struct {
	AccountID string
	// Region is set for an organization run's item only.
	Region string
}
