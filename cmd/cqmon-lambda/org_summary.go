package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cqmon/cqmon/internal/store"
)

// summaryInput is the summary step's event: the execution, the accounts
// the targets step skipped, and the Map's results (an itemResult, or the
// {account_id, region, status: "error", reason} of a caught ItemFailed).
type summaryInput struct {
	Execution string            `json:"execution"`
	StartedAt time.Time         `json:"started_at"`
	Skipped   []skippedAccount  `json:"skipped"`
	Results   []json.RawMessage `json:"results"`
}

// orgItem is one item of the summary.
type orgItem struct {
	itemResult
	Reason string `json:"reason,omitempty"`
}

// orgAccount is one account the run considered, as in the CLI's report.
type orgAccount struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name,omitempty"`
	Status      string `json:"status"` // ok, error or skipped
	Reason      string `json:"reason,omitempty"`
}

type orgTotals struct {
	Items           int            `json:"items"`
	ItemsFailed     int            `json:"items_failed"`
	Accounts        int            `json:"accounts"`
	AccountsFailed  int            `json:"accounts_failed"`
	AccountsSkipped int            `json:"accounts_skipped"`
	Instances       int            `json:"instances"`
	Quotas          int            `json:"quotas"`
	Violations      int            `json:"violations"`
	Unknown         int            `json:"unknown"`
	AlertsSent      map[string]int `json:"alerts_sent"`
}

// orgSummary is connect-reports/org-latest.json; the step answers it
// without its items.
type orgSummary struct {
	Execution   string       `json:"execution"`
	StartedAt   time.Time    `json:"started_at"`
	CompletedAt time.Time    `json:"completed_at"`
	Totals      orgTotals    `json:"totals"`
	Accounts    []orgAccount `json:"accounts"`
	Items       []orgItem    `json:"items,omitempty"`
	Stored      []string     `json:"stored"`
}

// summary gathers the items' results by account, writes the summary to
// the history bucket (when S3 storage is on), and answers it without its
// items. Writing it is the run's heartbeat: a failure fails the step.
func (h *Handler) summary(ctx context.Context, in summaryInput) (orgSummary, error) {
	sum := orgSummary{Execution: in.Execution, StartedAt: in.StartedAt, CompletedAt: time.Now().UTC(),
		Totals: orgTotals{AlertsSent: map[string]int{}}, Accounts: []orgAccount{}, Items: []orgItem{}, Stored: []string{}}
	byID := map[string]*orgAccount{}
	var order []string
	for i, raw := range in.Results {
		var it orgItem
		if err := json.Unmarshal(raw, &it); err != nil || it.AccountID == "" {
			return sum, fmt.Errorf("summary: result %d is not an item's result: %s", i, raw)
		}
		if it.Status == "error" {
			it.Reason = failureMessage(it.Reason)
			sum.Totals.ItemsFailed++
		}
		sum.Items = append(sum.Items, it)
		a, ok := byID[it.AccountID]
		if !ok {
			a = &orgAccount{AccountID: it.AccountID, AccountName: it.AccountName, Status: "ok"}
			byID[it.AccountID] = a
			order = append(order, it.AccountID)
		}
		if it.Status == "error" {
			a.Status = "error"
			a.Reason = strings.TrimPrefix(a.Reason+"; "+it.Reason, "; ")
		}
		t := &sum.Totals
		t.Instances += it.Instances
		t.Quotas += it.Quotas
		t.Violations += it.Violations
		t.Unknown += it.Unknown
		for k, n := range it.AlertsSent {
			t.AlertsSent[k] += n
		}
	}
	slices.Sort(order)
	for _, id := range order {
		a := byID[id]
		sum.Accounts = append(sum.Accounts, *a)
		if a.Status == "error" {
			sum.Totals.AccountsFailed++
		}
	}
	for _, s := range in.Skipped {
		sum.Accounts = append(sum.Accounts, orgAccount{AccountID: s.AccountID, AccountName: s.AccountName, Status: "skipped", Reason: s.Reason})
	}
	sum.Totals.Items, sum.Totals.Accounts, sum.Totals.AccountsSkipped = len(sum.Items), len(order), len(in.Skipped)
	started := in.StartedAt
	if started.IsZero() {
		started = sum.CompletedAt
	}
	if h.org.bucket != "" {
		s3 := h.org.history
		if s3 == nil {
			return sum, fmt.Errorf("summary: %w", h.org.historyErr)
		}
		sum.Stored = append(sum.Stored, s3.String()+store.OrgLatestKey)
		if err := s3.WriteOrgSummary(ctx, started, sum); err != nil {
			return sum, fmt.Errorf("summary: %w", err)
		}
	}
	t := sum.Totals
	h.log.Info("organization run completed", "execution", sum.Execution, "items", t.Items, "items_failed", t.ItemsFailed,
		"accounts", t.Accounts, "accounts_failed", t.AccountsFailed, "accounts_skipped", t.AccountsSkipped,
		"instances", t.Instances, "violations", t.Violations, "unknown", t.Unknown, "alerts_sent", t.AlertsSent, "stored", sum.Stored)
	sum.Items = nil
	return sum, nil
}

// failureMessage is the function's own message in the Cause Step
// Functions gives a caught error ({"errorMessage": ..., "errorType": ...}).
func failureMessage(cause string) string {
	var e struct {
		Message string `json:"errorMessage"`
	}
	if json.Unmarshal([]byte(cause), &e) == nil && e.Message != "" {
		return e.Message
	}
	return cause
}
