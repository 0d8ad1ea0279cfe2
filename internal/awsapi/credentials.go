package awsapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"

	"github.com/cqmon/cqmon/internal/awserr"
)

// ErrNoCredentials is returned by Factory.CheckCredentials when no source
// of the standard chain holds credentials.
var ErrNoCredentials = errors.New("no AWS credentials found")

// CredentialSources says where cqmon looks for credentials, in the SDK's
// order, for error messages.
const CredentialSources = "cqmon looks for them as the AWS CLI does: in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), " +
	"in a profile (--profile, AWS_PROFILE or default, from ~/.aws/config and ~/.aws/credentials; an SSO profile after `aws sso login`), " +
	"through web identity (AWS_WEB_IDENTITY_TOKEN_FILE), then from the container or EC2 instance role"

// CheckCredentials retrieves the credentials once, before any call, so
// that a machine without any gets one clear error instead of every call
// failing. When the chain fell through to the EC2 instance role (nothing
// else was configured) and that failed too, the error is
// ErrNoCredentials; a configured source that fails (an expired SSO
// session) is named with its own error.
func (f *Factory) CheckCredentials(ctx context.Context) error {
	if f.cfg.Credentials == nil {
		return fmt.Errorf("%w; %s", ErrNoCredentials, CredentialSources)
	}
	_, err := f.cfg.Credentials.Retrieve(ctx)
	switch {
	case err == nil:
		return nil
	case aws.IsCredentialsProvider(f.cfg.Credentials, (*ec2rolecreds.Provider)(nil)):
		return fmt.Errorf("%w (the last source, the instance role, said: %s); %s", ErrNoCredentials, awserr.Short(err), CredentialSources)
	}
	return fmt.Errorf("load AWS credentials: %w; %s", err, CredentialSources)
}
