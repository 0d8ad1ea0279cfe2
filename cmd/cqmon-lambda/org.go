package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/lambdaconfig"
	"github.com/cqmon/cqmon/internal/monitor"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// The organization mode (deploy/cqmon.yaml OrganizationMode) runs as a
// Step Functions state machine that invokes this function three ways:
//
//	{"step":"targets", ...}   lists the run's account-Region items
//	{"account_id":..., ...}   one item: scan, store and alert for it
//	{"step":"summary", ...}   writes the run's summary (org-latest.json)

// itemFailedType is the error type of an item whose account could not be
// scanned; the state machine catches it and keeps the item's reason as
// its result, so one bad account never fails the run.
const itemFailedType = "ItemFailed"

// orgSetup is what the organization steps use beyond the runner.
type orgSetup struct {
	factory *awsapi.Factory
	// history is the S3 store, opened at cold start, when S3 storage is
	// on; historyErr says why it could not be opened.
	history    *store.S3
	historyErr error
	bucket     string
}

func newOrgSetup(f *awsapi.Factory, cfg lambdaconfig.Config, stores *store.Multi, storeErr error) orgSetup {
	o := orgSetup{factory: f}
	if !cfg.UseS3 {
		return o
	}
	o.bucket = cfg.Bucket
	if stores != nil {
		for _, s := range stores.Stores() {
			if s3, ok := s.(*store.S3); ok {
				o.history = s3
			}
		}
	}
	if o.history == nil {
		o.historyErr = storeErr
		if storeErr == nil {
			o.historyErr = fmt.Errorf("s3://%s/ is not open", cfg.Bucket)
		}
	}
	return o
}

// step runs one of the state machine's own steps.
func (h *Handler) step(ctx context.Context, name string, payload []byte) ([]byte, error) {
	switch name {
	case "targets":
		return runStep(ctx, name, payload, h.targets)
	case "summary":
		return runStep(ctx, name, payload, h.summary)
	}
	return nil, fmt.Errorf("step: %q is not targets or summary", name)
}

// runStep decodes a step's event, runs it and encodes its answer.
func runStep[In, Out any](ctx context.Context, name string, payload []byte, run func(context.Context, In) (Out, error)) ([]byte, error) {
	var in In
	if err := json.Unmarshal(payload, &in); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out, err := run(ctx, in)
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// itemResult is what an item answers to the state machine: small, since
// the Map's results travel in the execution's state to the summary step.
type itemResult struct {
	AccountID   string         `json:"account_id"`
	AccountName string         `json:"account_name,omitempty"`
	Region      string         `json:"region"`
	Status      string         `json:"status"`
	RunID       string         `json:"run_id"`
	Instances   int            `json:"instances"`
	Quotas      int            `json:"quotas"`
	Violations  int            `json:"violations"`
	Unknown     int            `json:"unknown"`
	AlertsSent  map[string]int `json:"alerts_sent"`
	DurationMS  int64          `json:"duration_ms"`
}

// item scans one account-Region item exactly as a run of the configured
// Regions: the same log lines (with the item's account and Region), the
// same metric records. A failure is returned as an ItemFailed error
// naming the account, the Region and the cause.
func (h *Handler) item(ctx context.Context, payload []byte) ([]byte, error) {
	var it monitor.Item
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&it); err != nil {
		return nil, itemFailed(it, fmt.Errorf("the item is not {account_id, region, role_name, external_id}: %w", err))
	}
	attrs := []any{"trigger", "item", "account_id", it.AccountID, "region", it.Region}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = append(attrs, "request_id", lc.AwsRequestID)
	}
	sum, err := h.perform(ctx, h.log.With(attrs...), func(r *monitor.Runner, ctx context.Context) (*quota.Report, monitor.Summary, error) {
		return r.RunItem(ctx, it)
	})
	if err != nil {
		return nil, itemFailed(it, err)
	}
	return json.Marshal(itemResult{AccountID: it.AccountID, AccountName: it.AccountName, Region: it.Region, Status: "ok",
		RunID: sum.RunID, Instances: sum.Instances, Quotas: sum.Quotas, Violations: sum.Violations, Unknown: sum.Unknown,
		AlertsSent: sum.AlertsSent, DurationMS: sum.DurationMS})
}

func itemFailed(it monitor.Item, err error) error {
	return messages.InvokeResponse_Error{Type: itemFailedType,
		Message: fmt.Sprintf("account %s, Region %s: %s", it.AccountID, it.Region, err)}
}

// targetsInput is the targets step's event: the template's parameters,
// as strings.
type targetsInput struct {
	Mode       string `json:"mode"` // Organization or Accounts
	Accounts   string `json:"accounts"`
	OUs        string `json:"organizational_units"`
	Regions    string `json:"regions"`
	RoleName   string `json:"role_name"`
	ExternalID string `json:"external_id"`
}

// skippedAccount is an account of the Organization that is not scanned.
type skippedAccount struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name,omitempty"`
	Reason      string `json:"reason"`
}

type targetsOutput struct {
	Items   []monitor.Item   `json:"items"`
	Skipped []skippedAccount `json:"skipped"`
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// targets lists the run's items: every account (of the list, or ACTIVE in
// the Organization) times every Region.
func (h *Handler) targets(ctx context.Context, in targetsInput) (targetsOutput, error) {
	out := targetsOutput{Items: []monitor.Item{}, Skipped: []skippedAccount{}}
	regions := splitList(in.Regions)
	if len(regions) == 0 {
		regions = []string{h.org.factory.Region()}
	}
	type account struct{ id, name string }
	var accounts []account
	switch in.Mode {
	case "Accounts":
		for _, id := range splitList(in.Accounts) {
			accounts = append(accounts, account{id: id})
		}
		if len(accounts) == 0 {
			return out, errors.New("accounts: the list of accounts is empty")
		}
	case "Organization":
		listed, err := monitor.ListOrganization(ctx, h.org.factory.Organizations(), splitList(in.OUs))
		if err != nil {
			return out, err
		}
		for _, a := range listed {
			id, name := aws.ToString(a.Id), aws.ToString(a.Name)
			if state := monitor.AccountState(a); state != "ACTIVE" {
				out.Skipped = append(out.Skipped, skippedAccount{AccountID: id, AccountName: name, Reason: "the account is " + state + " in the Organization"})
				continue
			}
			accounts = append(accounts, account{id: id, name: name})
		}
		// The function's own account is scanned with its own role, listed
		// or not: that is how the management account, which a
		// service-managed StackSet never reaches, is covered when the hub
		// runs there.
		caller, err := h.org.factory.Caller(ctx)
		if err != nil {
			return out, err
		}
		own := caller.Account
		if !slices.ContainsFunc(listed, func(a orgtypes.Account) bool { return aws.ToString(a.Id) == own }) {
			accounts = append(accounts, account{id: own})
			slices.SortFunc(accounts, func(a, b account) int { return strings.Compare(a.id, b.id) })
		}
	default:
		return out, fmt.Errorf("mode: %q is not Organization or Accounts", in.Mode)
	}
	for _, a := range accounts {
		for _, r := range regions {
			it := monitor.Item{AccountID: a.id, AccountName: a.name, Region: r, RoleName: in.RoleName, ExternalID: in.ExternalID}
			if err := it.Validate(); err != nil {
				return out, err
			}
			out.Items = append(out.Items, it)
		}
	}
	h.log.Info("targets listed", "mode", in.Mode, "items", len(out.Items), "accounts", len(accounts), "regions", regions, "skipped", len(out.Skipped))
	return out, nil
}
