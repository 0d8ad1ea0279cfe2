package monitor

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/quota"
)

// DefaultRoleName is the role an organization run assumes in the other
// accounts.
const DefaultRoleName = "cqmon-reader"

var (
	itemAccountPattern    = regexp.MustCompile(`^\d{12}$`)
	itemRegionPattern     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	itemRoleNamePattern   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	itemExternalIDPattern = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
)

// Item is one (account, Region) of an organization run: what the
// organization mode's Step Functions Map passes to the function for each
// item, and what RunItem scans.
type Item struct {
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	// RoleName is the role to assume in the account; empty means
	// DefaultRoleName. The caller's own account uses its own credentials.
	RoleName   string `json:"role_name"`
	ExternalID string `json:"external_id,omitempty"`
	// AccountName, when the lister knows it, names the account.
	AccountName string `json:"account_name,omitempty"`
}

// Validate names the first bad field of an item and its value.
func (it Item) Validate() error {
	switch {
	case !itemAccountPattern.MatchString(it.AccountID):
		return fmt.Errorf("item account_id: %q is not a 12-digit AWS account id", it.AccountID)
	case !itemRegionPattern.MatchString(it.Region):
		return fmt.Errorf("item region: %q is not an AWS Region name (like us-east-1)", it.Region)
	case it.RoleName != "" && !itemRoleNamePattern.MatchString(it.RoleName):
		return fmt.Errorf("item role_name: %q is not an IAM role name (1-64 of letters, digits and +=,.@_-)", it.RoleName)
	case it.ExternalID != "" && (len(it.ExternalID) < 2 || len(it.ExternalID) > 1224 || !itemExternalIDPattern.MatchString(it.ExternalID)):
		return fmt.Errorf("item external_id: %d characters are not 2-1224 of letters, digits and +=,.@:/-", len(it.ExternalID))
	}
	return nil
}

// RunItem scans, stores and alerts for one (account, Region) item exactly
// as a run of that account alone would: the organization mode's worker.
// The scan uses the item's account (its role assumed, unless it is the
// caller's own account); stores and alerts stay with the caller's.
func (r *Runner) RunItem(ctx context.Context, item Item) (*quota.Report, Summary, error) {
	if err := item.Validate(); err != nil {
		return nil, Summary{}, err
	}
	id, err := r.Factory.For(item.Region).STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, Summary{}, fmt.Errorf("identify the caller: %s", awsapi.Reason(err))
	}
	scan := r.Factory
	if aws.ToString(id.Account) != item.AccountID {
		partition := "aws"
		if a, err := arn.Parse(aws.ToString(id.Arn)); err == nil {
			partition = a.Partition
		}
		role := item.RoleName
		if role == "" {
			role = DefaultRoleName
		}
		roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, item.AccountID, role)
		scan = r.Factory.AssumeRole(roleARN, fmt.Sprintf("cqmon-%d", time.Now().Unix()), item.ExternalID)
		// A role that cannot be assumed is named before any scan call.
		if _, err := scan.Config().Credentials.Retrieve(ctx); err != nil {
			return nil, Summary{}, fmt.Errorf("assume %s: %s", roleARN, awsapi.Reason(err))
		}
	}
	sub := *r
	sub.Options.Engine.Regions = []string{item.Region}
	return sub.run(ctx, scan)
}
