package sim

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

func orgConfig(t *testing.T) (aws.Config, string) {
	t.Helper()
	sc, err := LoadScenarioFile("testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := New(sc).Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""), RetryMaxAttempts: 1}
	return cfg, url
}

func TestOrganizationListings(t *testing.T) {
	cfg, url := orgConfig(t)
	client := organizations.NewFromConfig(cfg, func(o *organizations.Options) { o.BaseEndpoint = aws.String(url) })
	ctx := context.Background()

	var ids []string
	pages := 0
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range page.Accounts {
			ids = append(ids, aws.ToString(a.Id)+" "+string(a.State))
		}
	}
	want := []string{"111122223333 ACTIVE", "222222222222 ACTIVE", "333333333333 SUSPENDED", "444444444444 ACTIVE",
		"555555555555 ACTIVE", "666666666666 ACTIVE", "777777777777 ACTIVE", "888888888888 CLOSED"}
	if diff := cmp.Diff(want, ids); diff != "" || pages != 3 {
		t.Errorf("ListAccounts in %d pages (-want +got):\n%s", pages, diff)
	}

	under, err := client.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: aws.String("ou-te57-prod0001")})
	if err != nil || len(under.Accounts) != 2 {
		t.Errorf("ListAccountsForParent = %d accounts, %v; want 2", len(under.Accounts), err)
	}
	kids, err := client.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: aws.String("ou-te57-prod0001"), ChildType: orgtypes.ChildTypeOrganizationalUnit})
	if err != nil || len(kids.Children) != 1 || aws.ToString(kids.Children[0].Id) != "ou-te57-stag0001" {
		t.Errorf("ListChildren = %+v, %v; want the staging unit", kids, err)
	}
	_, err = client.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: aws.String("ou-te57-none0001"), ChildType: orgtypes.ChildTypeAccount})
	if code(err) != "ParentNotFoundException" {
		t.Errorf("ListChildren of a missing unit: %v", err)
	}
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestAssumeRole checks that calls signed with an assumed role's
// credentials are answered by that account, and the denials.
func TestAssumeRole(t *testing.T) {
	cfg, url := orgConfig(t)
	base := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(url) })
	ctx := context.Background()
	tests := []struct {
		name, role, externalID string
		want                   string // the account answering, or the error code
	}{
		{"with the external id", "arn:aws:iam::222222222222:role/cqmon-reader", "k3y-0rg", "222222222222"},
		{"without the external id", "arn:aws:iam::222222222222:role/cqmon-reader", "", "AccessDenied"},
		{"no external id asked", "arn:aws:iam::666666666666:role/cqmon-reader", "anything", "666666666666"},
		{"no such role", "arn:aws:iam::444444444444:role/cqmon-reader", "", "AccessDenied"},
		{"other role name", "arn:aws:iam::666666666666:role/admin", "", "AccessDenied"},
		{"suspended", "arn:aws:iam::333333333333:role/cqmon-reader", "", "AccessDenied"},
		{"outside the organization", "arn:aws:iam::999999999999:role/cqmon-reader", "", "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := stscreds.NewAssumeRoleProvider(base, tt.role, func(o *stscreds.AssumeRoleOptions) {
				o.RoleSessionName = "cqmon-test"
				if tt.externalID != "" {
					o.ExternalID = aws.String(tt.externalID)
				}
			})
			c := cfg.Copy()
			c.Credentials = aws.NewCredentialsCache(p)
			out, err := sts.NewFromConfig(c, func(o *sts.Options) { o.BaseEndpoint = aws.String(url) }).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			got := code(err)
			if err == nil {
				got = aws.ToString(out.Account)
			}
			if got != tt.want {
				t.Errorf("got %q (%v), want %q", got, err, tt.want)
			}
		})
	}
	// A member's credentials cannot list the Organization.
	p := stscreds.NewAssumeRoleProvider(base, "arn:aws:iam::666666666666:role/cqmon-reader", func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "cqmon-test" })
	c := cfg.Copy()
	c.Credentials = aws.NewCredentialsCache(p)
	_, err := organizations.NewFromConfig(c, func(o *organizations.Options) { o.BaseEndpoint = aws.String(url) }).ListAccounts(ctx, &organizations.ListAccountsInput{})
	if code(err) != "AccessDeniedException" {
		t.Errorf("ListAccounts from a member: %v, want AccessDeniedException", err)
	}
}
