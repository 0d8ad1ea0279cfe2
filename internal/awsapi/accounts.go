package awsapi

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/quota"
)

// DefaultRoleName is the role cqmon assumes in the other accounts it scans.
const DefaultRoleName = "cqmon-reader"

var (
	// IAM role names: 1-64 of letters, digits and +=,.@_- (a path is not
	// part of the name here).
	roleNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	// ExternalId: 2-1224 of letters, digits and +=,.@:/- (STS's pattern).
	externalIDPattern = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
)

// CheckAccountID names a value that is not a 12-digit account id.
func CheckAccountID(id string) error {
	if !quota.ValidAccountID(id) {
		return fmt.Errorf("%q is not a 12-digit AWS account id", id)
	}
	return nil
}

// CheckRoleName names a value that is not an IAM role name.
func CheckRoleName(name string) error {
	if !roleNamePattern.MatchString(name) {
		return fmt.Errorf("%q is not an IAM role name (1-64 of letters, digits and +=,.@_-)", name)
	}
	return nil
}

// CheckExternalID names a value STS would refuse as an ExternalId; an
// empty one means none.
func CheckExternalID(id string) error {
	if id != "" && (len(id) < 2 || len(id) > 1224 || !externalIDPattern.MatchString(id)) {
		return fmt.Errorf("external id of %d characters is not 2-1224 of letters, digits and +=,.@:/-", len(id))
	}
	return nil
}

// Caller is the identity of the factory's credentials.
type Caller struct {
	Account   string
	Partition string
}

// Caller asks STS who the factory's credentials belong to.
func (f *Factory) Caller(ctx context.Context) (Caller, error) {
	out, err := f.For(f.stsRegion()).STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Caller{}, fmt.Errorf("identify the caller: %s", awserr.Reason(err))
	}
	c := Caller{Account: aws.ToString(out.Account), Partition: "aws"}
	if a, err := arn.Parse(aws.ToString(out.Arn)); err == nil {
		c.Partition = a.Partition
	}
	return c, nil
}

// RoleARN is the ARN of role name in an account of a partition.
func RoleARN(partition, account, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, name)
}

// SessionName is the role session name of a run: "cqmon-<run id>", cut
// to STS's 64 characters.
func SessionName(runID string) string {
	s := "cqmon-" + strings.Map(func(r rune) rune {
		if strings.ContainsRune("+=,.@-_", r) || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, runID)
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// AssumeRole returns a factory for another account: its clients sign with
// the credentials of roleARN, assumed with this factory's credentials
// through STS and cached and refreshed by the SDK, and pace their calls
// with a pacer of their own, since every account is its own throttling
// domain.
func (f *Factory) AssumeRole(roleARN, sessionName, externalID string) *Factory {
	client := f.For(f.stsRegion()).STS
	p := stscreds.NewAssumeRoleProvider(client, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = sessionName
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
	})
	return f.WithCredentials(p)
}

// WithCredentials returns a factory like f whose clients sign with
// provider (behind the SDK's credential cache) and have their own pacer.
func (f *Factory) WithCredentials(provider aws.CredentialsProvider) *Factory {
	cfg := f.cfg.Copy()
	if _, cached := provider.(*aws.CredentialsCache); !cached {
		provider = aws.NewCredentialsCache(provider)
	}
	cfg.Credentials = provider
	return &Factory{cfg: cfg, opts: f.opts, pacer: NewPacer(f.opts.Share, f.opts.ShareMax, f.opts.Rates), clients: map[string]*Clients{}}
}

// Credentials retrieves the factory's credentials, so that a role that
// cannot be assumed is found before any scan call.
func (f *Factory) Credentials(ctx context.Context) error {
	if f.cfg.Credentials == nil {
		return fmt.Errorf("no credentials configured")
	}
	_, err := f.cfg.Credentials.Retrieve(ctx)
	return err
}

// Organizations returns an AWS Organizations client. Organizations is a
// global service whose endpoint lives in us-east-1 (aws-us-gov-west-1 and
// cn-northwest-1 in the other partitions), resolved by the SDK from the
// factory's Region.
func (f *Factory) Organizations() *organizations.Client {
	cfg := f.cfg.Copy()
	cfg.Region = f.stsRegion()
	cfg.APIOptions = append(cfg.APIOptions, f.pacer.AddTo)
	return organizations.NewFromConfig(cfg, func(o *organizations.Options) {
		if f.opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(f.opts.Endpoint)
		}
	})
}

// stsRegion is the Region of calls that are not about one Region: the
// configured one, else us-east-1.
func (f *Factory) stsRegion() string {
	if f.cfg.Region != "" {
		return f.cfg.Region
	}
	return "us-east-1"
}
