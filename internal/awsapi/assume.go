package awsapi

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
)

// AssumeRole returns a factory for another account: its clients sign with
// the credentials of roleARN, assumed with this factory's credentials
// through STS and cached and refreshed by the SDK, and pace their calls
// with a pacer of their own, since every account is its own throttling
// domain.
func (f *Factory) AssumeRole(roleARN, sessionName, externalID string) *Factory {
	region := f.cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	p := stscreds.NewAssumeRoleProvider(f.For(region).STS, roleARN, func(o *stscreds.AssumeRoleOptions) {
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
	return &Factory{cfg: cfg, opts: f.opts, pacer: NewPacer(f.opts.Share, f.opts.Rates), clients: map[string]*Clients{}}
}
