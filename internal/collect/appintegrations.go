package collect

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appintegrations"

	"github.com/cqmon/cqmon/internal/quota"
)

// AppIntegrationsAPI is the part of Amazon AppIntegrations cqmon calls.
type AppIntegrationsAPI interface {
	ListDataIntegrations(context.Context, *appintegrations.ListDataIntegrationsInput, ...func(*appintegrations.Options)) (*appintegrations.ListDataIntegrationsOutput, error)
	ListDataIntegrationAssociations(context.Context, *appintegrations.ListDataIntegrationAssociationsInput, ...func(*appintegrations.Options)) (*appintegrations.ListDataIntegrationAssociationsOutput, error)
	ListEventIntegrations(context.Context, *appintegrations.ListEventIntegrationsInput, ...func(*appintegrations.Options)) (*appintegrations.ListEventIntegrationsOutput, error)
	ListEventIntegrationAssociations(context.Context, *appintegrations.ListEventIntegrationAssociationsInput, ...func(*appintegrations.Options)) (*appintegrations.ListEventIntegrationAssociationsOutput, error)
	ListApplications(context.Context, *appintegrations.ListApplicationsInput, ...func(*appintegrations.Options)) (*appintegrations.ListApplicationsOutput, error)
}

// appIntegrationsPage is the largest MaxResults every AppIntegrations
// list call accepts.
const appIntegrationsPage = 50

// AppIntegrations measures.
const (
	appDataIntegrations  = "app-integrations.data_integrations"
	appDataAssociations  = "app-integrations.data_integration_associations"
	appEventIntegrations = "app-integrations.event_integrations"
	appEventAssociations = "app-integrations.event_integration_associations"
	appApplications      = "app-integrations.applications"
)

var appIntegrationsMeasures = []string{appDataIntegrations, appDataAssociations, appEventIntegrations, appEventAssociations, appApplications}

// appIntegrationsFamily measures AppIntegrations in a Region: its data
// integrations, event integrations and applications, and the associations
// of each data and event integration (largest reported, with its parent).
func appIntegrationsFamily() Family {
	return Family{
		Measures: appIntegrationsMeasures,
		Region: func(ctx context.Context, env *Env, _ []quota.Instance) map[Target]quota.Measurement {
			api, g := env.AppIntegrations, newGate(false)
			var data []parent
			_, err := gatedPages(g, "ListDataIntegrations", func(tok *string) (int, *string, error) {
				out, err := api.ListDataIntegrations(ctx, &appintegrations.ListDataIntegrationsInput{MaxResults: aws.Int32(appIntegrationsPage), NextToken: tok})
				if err != nil {
					return 0, nil, err
				}
				for _, d := range out.DataIntegrations {
					data = append(data, parent{aws.ToString(d.Arn), fmt.Sprintf("data integration %q", aws.ToString(d.Name))})
				}
				return len(out.DataIntegrations), out.NextToken, nil
			})
			if err != nil {
				return allFailed(appIntegrationsMeasures, quota.Measurement{Err: fmt.Errorf("list data integrations: %w", err)})
			}
			res := map[Target]quota.Measurement{{Measure: appDataIntegrations}: {Value: float64(len(data))}}
			res[Target{Measure: appDataAssociations}] = largestOf(ctx, env, "data integrations", data, func(ctx context.Context, d parent) (int, error) {
				return gatedPages(g, "ListDataIntegrationAssociations", func(tok *string) (int, *string, error) {
					out, err := api.ListDataIntegrationAssociations(ctx, &appintegrations.ListDataIntegrationAssociationsInput{DataIntegrationIdentifier: &d.id, MaxResults: aws.Int32(appIntegrationsPage), NextToken: tok})
					if err != nil {
						return 0, nil, err
					}
					return len(out.DataIntegrationAssociations), out.NextToken, nil
				})
			})

			var events []parent
			_, err = gatedPages(g, "ListEventIntegrations", func(tok *string) (int, *string, error) {
				out, err := api.ListEventIntegrations(ctx, &appintegrations.ListEventIntegrationsInput{MaxResults: aws.Int32(appIntegrationsPage), NextToken: tok})
				if err != nil {
					return 0, nil, err
				}
				for _, e := range out.EventIntegrations {
					events = append(events, parent{aws.ToString(e.Name), fmt.Sprintf("event integration %q", aws.ToString(e.Name))})
				}
				return len(out.EventIntegrations), out.NextToken, nil
			})
			res[Target{Measure: appEventIntegrations}] = relatedCount(len(events), err)
			if err != nil {
				res[Target{Measure: appEventAssociations}] = quota.Measurement{Err: fmt.Errorf("list event integrations: %w", err)}
			} else {
				res[Target{Measure: appEventAssociations}] = largestOf(ctx, env, "event integrations", events, func(ctx context.Context, e parent) (int, error) {
					return gatedPages(g, "ListEventIntegrationAssociations", func(tok *string) (int, *string, error) {
						out, err := api.ListEventIntegrationAssociations(ctx, &appintegrations.ListEventIntegrationAssociationsInput{EventIntegrationName: &e.id, MaxResults: aws.Int32(appIntegrationsPage), NextToken: tok})
						if err != nil {
							return 0, nil, err
						}
						return len(out.EventIntegrationAssociations), out.NextToken, nil
					})
				})
			}

			// Every application counts, whatever its type.
			n, err := gatedPages(g, "ListApplications", func(tok *string) (int, *string, error) {
				out, err := api.ListApplications(ctx, &appintegrations.ListApplicationsInput{MaxResults: aws.Int32(appIntegrationsPage), NextToken: tok})
				if err != nil {
					return 0, nil, err
				}
				return len(out.Applications), out.NextToken, nil
			})
			res[Target{Measure: appApplications}] = relatedCount(n, err)
			return res
		},
	}
}
