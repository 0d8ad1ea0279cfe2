package collect

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/customerprofiles"

	"github.com/cqmon/cqmon/internal/quota"
)

// ProfilesAPI is the part of Amazon Connect Customer Profiles cqmon calls.
type ProfilesAPI interface {
	ListDomains(context.Context, *customerprofiles.ListDomainsInput, ...func(*customerprofiles.Options)) (*customerprofiles.ListDomainsOutput, error)
	ListProfileObjectTypes(context.Context, *customerprofiles.ListProfileObjectTypesInput, ...func(*customerprofiles.Options)) (*customerprofiles.ListProfileObjectTypesOutput, error)
	ListIntegrations(context.Context, *customerprofiles.ListIntegrationsInput, ...func(*customerprofiles.Options)) (*customerprofiles.ListIntegrationsOutput, error)
	ListEventStreams(context.Context, *customerprofiles.ListEventStreamsInput, ...func(*customerprofiles.Options)) (*customerprofiles.ListEventStreamsOutput, error)
	ListEventTriggers(context.Context, *customerprofiles.ListEventTriggersInput, ...func(*customerprofiles.Options)) (*customerprofiles.ListEventTriggersOutput, error)
	ListCalculatedAttributeDefinitions(context.Context, *customerprofiles.ListCalculatedAttributeDefinitionsInput, ...func(*customerprofiles.Options)) (*customerprofiles.ListCalculatedAttributeDefinitionsOutput, error)
}

// profilesPage is the largest max-results every Customer Profiles list
// call accepts.
const profilesPage = 100

// Customer Profiles measures.
const (
	profilesDomains              = "profile.domains"
	profilesObjectTypes          = "profile.object_types_per_domain"
	profilesIntegrations         = "profile.integrations_per_domain"
	profilesEventStreams         = "profile.event_streams_per_domain"
	profilesEventTriggers        = "profile.event_triggers_per_domain"
	profilesCalculatedAttributes = "profile.calculated_attributes_per_domain"
)

var profilesMeasures = []string{profilesDomains, profilesObjectTypes, profilesIntegrations, profilesEventStreams, profilesEventTriggers, profilesCalculatedAttributes}

// profilesListings are the per-domain listings of Customer Profiles.
var profilesListings = []listing[ProfilesAPI]{
	{measure: profilesObjectTypes, op: "ListProfileObjectTypes", page: func(ctx context.Context, api ProfilesAPI, d parent, tok *string) (int, *string, error) {
		out, err := api.ListProfileObjectTypes(ctx, &customerprofiles.ListProfileObjectTypesInput{DomainName: &d.id, MaxResults: aws.Int32(profilesPage), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Items), out.NextToken, nil
	}},
	// Hidden integrations (those Connect creates for itself) are in the
	// domain too, so they are counted.
	{measure: profilesIntegrations, op: "ListIntegrations", page: func(ctx context.Context, api ProfilesAPI, d parent, tok *string) (int, *string, error) {
		out, err := api.ListIntegrations(ctx, &customerprofiles.ListIntegrationsInput{DomainName: &d.id, IncludeHidden: aws.Bool(true), MaxResults: aws.Int32(profilesPage), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Items), out.NextToken, nil
	}},
	{measure: profilesEventStreams, op: "ListEventStreams", page: func(ctx context.Context, api ProfilesAPI, d parent, tok *string) (int, *string, error) {
		out, err := api.ListEventStreams(ctx, &customerprofiles.ListEventStreamsInput{DomainName: &d.id, MaxResults: aws.Int32(profilesPage), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Items), out.NextToken, nil
	}},
	{measure: profilesEventTriggers, op: "ListEventTriggers", page: func(ctx context.Context, api ProfilesAPI, d parent, tok *string) (int, *string, error) {
		out, err := api.ListEventTriggers(ctx, &customerprofiles.ListEventTriggersInput{DomainName: &d.id, MaxResults: aws.Int32(profilesPage), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Items), out.NextToken, nil
	}},
	{measure: profilesCalculatedAttributes, op: "ListCalculatedAttributeDefinitions", page: func(ctx context.Context, api ProfilesAPI, d parent, tok *string) (int, *string, error) {
		out, err := api.ListCalculatedAttributeDefinitions(ctx, &customerprofiles.ListCalculatedAttributeDefinitionsInput{DomainName: &d.id, MaxResults: aws.Int32(profilesPage), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		return len(out.Items), out.NextToken, nil
	}},
}

// profiles measures the Region's Customer Profiles domains and, per
// domain, the object types, integrations, event streams, event triggers
// and calculated attributes (the quotas are set for the account but apply
// to each domain; the largest is reported).
func profiles() Family {
	return Family{
		Measures: profilesMeasures,
		Region: func(ctx context.Context, env *Env, _ []quota.Instance) map[Target]quota.Measurement {
			g := newGate(false)
			var domains []parent
			_, err := gatedPages(g, "ListDomains", func(tok *string) (int, *string, error) {
				out, err := env.Profiles.ListDomains(ctx, &customerprofiles.ListDomainsInput{MaxResults: aws.Int32(profilesPage), NextToken: tok})
				if err != nil {
					return 0, nil, err
				}
				for _, d := range out.Items {
					name := aws.ToString(d.DomainName)
					domains = append(domains, parent{name, fmt.Sprintf("domain %q", name)})
				}
				return len(out.Items), out.NextToken, nil
			})
			if err != nil {
				return allFailed(profilesMeasures, quota.Measurement{Err: fmt.Errorf("list Customer Profiles domains: %w", err)})
			}
			res := map[Target]quota.Measurement{{Measure: profilesDomains}: {Value: float64(len(domains))}}
			largestPerParent(ctx, env, g, env.Profiles, "domains", domains, profilesListings, res)
			return res
		},
	}
}
