package monitor

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/quota"
)

// DefaultAccountConcurrency is how many accounts a run scans at once.
const DefaultAccountConcurrency = 8

// Accounts chooses the accounts a run scans. The zero value scans the
// account of the run's own credentials.
type Accounts struct {
	// IDs are the accounts to scan (--accounts).
	IDs []string
	// Org scans every ACTIVE account of the caller's Organization; the
	// others are listed as skipped.
	Org bool
	// OUs limits Org to these organizational units and their children.
	OUs []string
	// RoleName is the role assumed in every account but the caller's own;
	// empty means awsapi.DefaultRoleName.
	RoleName string
	// ExternalID is passed to AssumeRole when set.
	ExternalID string
	// Concurrency is how many accounts are scanned at once; 0 means
	// DefaultAccountConcurrency.
	Concurrency int
}

var ouPattern = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)

// Validate names the first bad field and its value.
func (a Accounts) Validate() error {
	for _, id := range a.IDs {
		if err := awsapi.CheckAccountID(id); err != nil {
			return fmt.Errorf("accounts: %w", err)
		}
	}
	for _, ou := range a.OUs {
		if !ouPattern.MatchString(ou) {
			return fmt.Errorf("org-ou: %q is not an organizational unit id (ou-xxxx-xxxxxxxx)", ou)
		}
	}
	if len(a.IDs) > 0 && (a.Org || len(a.OUs) > 0) {
		return fmt.Errorf("accounts: a list of accounts cannot be combined with --org or --org-ou")
	}
	if a.RoleName != "" {
		if err := awsapi.CheckRoleName(a.RoleName); err != nil {
			return fmt.Errorf("role-name: %w", err)
		}
	}
	if err := awsapi.CheckExternalID(a.ExternalID); err != nil {
		return fmt.Errorf("external-id: %w", err)
	}
	if a.Concurrency < 0 || a.Concurrency > 256 {
		return fmt.Errorf("account-concurrency: %d is outside 1-256", a.Concurrency)
	}
	return nil
}

// Many reports whether the run goes beyond the caller's own account.
func (a Accounts) Many() bool { return len(a.IDs) > 0 || a.Org || len(a.OUs) > 0 }

func (a Accounts) roleName() string {
	if a.RoleName == "" {
		return awsapi.DefaultRoleName
	}
	return a.RoleName
}

func (a Accounts) concurrency() int {
	if a.Concurrency == 0 {
		return DefaultAccountConcurrency
	}
	return a.Concurrency
}

// Item is one (account, Region) of an organization run: what the
// organization mode's Step Functions Map passes to the function for each
// item, and what RunItem scans. docs/organizations.md describes it.
type Item struct {
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	// RoleName is the role to assume in the account; empty means
	// awsapi.DefaultRoleName. The caller's own account uses its own
	// credentials.
	RoleName   string `json:"role_name"`
	ExternalID string `json:"external_id,omitempty"`
	// AccountName, when the lister knows it, names the account in the
	// report and the alerts.
	AccountName string `json:"account_name,omitempty"`
}

// Validate names the first bad field of an item and its value.
func (it Item) Validate() error {
	if err := awsapi.CheckAccountID(it.AccountID); err != nil {
		return fmt.Errorf("item account_id: %w", err)
	}
	if !quota.ValidRegion(it.Region) {
		return fmt.Errorf("item region: %q is not an AWS Region name (like us-east-1)", it.Region)
	}
	if it.RoleName != "" {
		if err := awsapi.CheckRoleName(it.RoleName); err != nil {
			return fmt.Errorf("item role_name: %w", err)
		}
	}
	if err := awsapi.CheckExternalID(it.ExternalID); err != nil {
		return fmt.Errorf("item external_id: %w", err)
	}
	return nil
}

// Target is the scan target of an item: its account reached with the
// caller's credentials (its own account) or through AssumeRole, with
// pacing budgets of its own.
func (it Item) Target(base *awsapi.Factory, caller awsapi.Caller, runID string) engine.Target {
	a := Accounts{RoleName: it.RoleName, ExternalID: it.ExternalID}
	return a.target(base, caller, runID, it.AccountID, it.AccountName)
}

func (a Accounts) target(base *awsapi.Factory, caller awsapi.Caller, runID, id, name string) engine.Target {
	t := engine.Target{AccountID: id, AccountName: name}
	if id == caller.Account {
		t.Factory = base
		return t
	}
	t.Factory = base.AssumeRole(awsapi.RoleARN(caller.Partition, id, a.roleName()), awsapi.SessionName(runID), a.ExternalID)
	return t
}

// Targets lists the accounts of a run with the factory of each, and the
// caller's own account. Accounts reached through a role get their own
// pacing budgets; the caller's own account uses base.
func (a Accounts) Targets(ctx context.Context, base *awsapi.Factory, runID string) ([]engine.Target, string, error) {
	caller, err := base.Caller(ctx)
	if err != nil {
		return nil, "", err
	}
	var out []engine.Target
	if len(a.IDs) > 0 {
		seen := map[string]bool{}
		for _, id := range a.IDs {
			if !seen[id] {
				seen[id] = true
				out = append(out, a.target(base, caller, runID, id, ""))
			}
		}
		return out, caller.Account, nil
	}
	accounts, err := ListOrganization(ctx, base.Organizations(), a.OUs)
	if err != nil {
		return nil, caller.Account, err
	}
	for _, acct := range accounts {
		id, name := aws.ToString(acct.Id), aws.ToString(acct.Name)
		if state := AccountState(acct); state != "ACTIVE" {
			out = append(out, engine.Target{AccountID: id, AccountName: name, Skip: "the account is " + state + " in the Organization"})
			continue
		}
		out = append(out, a.target(base, caller, runID, id, name))
	}
	if len(out) == 0 {
		return nil, caller.Account, errors.New("org: the Organization lists no account")
	}
	return out, caller.Account, nil
}

// AccountState is an account's state: the newer State field, else the
// older Status.
func AccountState(a orgtypes.Account) string {
	if a.State != "" {
		return string(a.State)
	}
	if a.Status != "" {
		return string(a.Status)
	}
	return "in an unknown state"
}

// OrgAPI is the part of AWS Organizations a run, or the organization
// mode's targets step, reads.
type OrgAPI interface {
	organizations.ListAccountsAPIClient
	organizations.ListAccountsForParentAPIClient
	organizations.ListChildrenAPIClient
}

// ListOrganization lists every account of the Organization, or of the
// given OUs and their children (each account once, in id order).
func ListOrganization(ctx context.Context, api OrgAPI, ous []string) ([]orgtypes.Account, error) {
	var all []orgtypes.Account
	if len(ous) == 0 {
		p := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("org: list accounts: %s", awserr.Reason(err))
			}
			all = append(all, page.Accounts...)
		}
	} else {
		seen := map[string]bool{}
		queue := slices.Clone(ous)
		for len(queue) > 0 {
			ou := queue[0]
			queue = queue[1:]
			if seen[ou] {
				continue
			}
			seen[ou] = true
			p := organizations.NewListAccountsForParentPaginator(api, &organizations.ListAccountsForParentInput{ParentId: aws.String(ou)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, fmt.Errorf("org-ou: list accounts of %s: %s", ou, awserr.Reason(err))
				}
				all = append(all, page.Accounts...)
			}
			c := organizations.NewListChildrenPaginator(api, &organizations.ListChildrenInput{ParentId: aws.String(ou), ChildType: orgtypes.ChildTypeOrganizationalUnit})
			for c.HasMorePages() {
				page, err := c.NextPage(ctx)
				if err != nil {
					return nil, fmt.Errorf("org-ou: list units under %s: %s", ou, awserr.Reason(err))
				}
				for _, ch := range page.Children {
					queue = append(queue, aws.ToString(ch.Id))
				}
			}
		}
	}
	slices.SortFunc(all, func(a, b orgtypes.Account) int { return strings.Compare(aws.ToString(a.Id), aws.ToString(b.Id)) })
	return slices.CompactFunc(all, func(a, b orgtypes.Account) bool { return aws.ToString(a.Id) == aws.ToString(b.Id) }), nil
}
