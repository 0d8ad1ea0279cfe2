package collect

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/cqmon/cqmon/internal/quota"
)

// integrationTypes are the association types with a per-instance quota.
var integrationTypes = []types.IntegrationType{
	types.IntegrationTypeApplication,
	types.IntegrationTypeEvent,
	types.IntegrationTypePinpointApp,
	types.IntegrationTypeCasesDomain,
	types.IntegrationTypeWisdomAssistant,
	types.IntegrationTypeWisdomKnowledgeBase,
	types.IntegrationTypeQMessageTemplates,
	types.IntegrationTypeWisdomQuickResponses,
	types.IntegrationTypeFileScanner,
	types.IntegrationTypeVoiceId,
}

func integrationMeasure(t types.IntegrationType) string {
	return "connect.integration_associations." + string(t)
}

// integrationAssociations lists an instance's associations once, without
// a type filter, and counts them per type: one listing serves every
// per-type quota.
func integrationAssociations() Family {
	measures := make([]string, len(integrationTypes))
	for i, t := range integrationTypes {
		measures[i] = integrationMeasure(t)
	}
	return Family{
		Measures: measures,
		Instance: func(ctx context.Context, env *Env, in quota.Instance) map[string]quota.Measurement {
			byType := map[types.IntegrationType]int{}
			_, err := countPages(ctx, env.Connect, in.ID, func(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
				out, err := c.ListIntegrationAssociations(ctx, &connect.ListIntegrationAssociationsInput{InstanceId: &id, MaxResults: aws.Int32(pageList100), NextToken: tok})
				if err != nil {
					return 0, nil, err
				}
				for _, a := range out.IntegrationAssociationSummaryList {
					byType[a.IntegrationType]++
				}
				return len(out.IntegrationAssociationSummaryList), out.NextToken, nil
			})
			res := make(map[string]quota.Measurement, len(measures))
			for _, t := range integrationTypes {
				m := quota.Measurement{Value: float64(byType[t])}
				if err != nil {
					m = quota.Measurement{Err: fmt.Errorf("list integration associations: %w", err)}
				}
				res[integrationMeasure(t)] = m
			}
			return res
		},
	}
}

// instanceCount counts the instances of a Region for "Amazon Connect
// instance count". Instances being created count: AWS refuses a creation
// whose pending requests would pass the quota. Failed creations do not.
func instanceCount() Family {
	return Family{
		Measures: []string{"connect.instances"},
		Region: func(ctx context.Context, env *Env, _ []quota.Instance) map[Target]quota.Measurement {
			n := 0
			for _, in := range env.Instances {
				if in.Status != string(types.InstanceStatusCreationFailed) {
					n++
				}
			}
			return map[Target]quota.Measurement{{Measure: "connect.instances"}: {Value: float64(n)}}
		},
	}
}

// DiscoverInstances lists every instance of the Region, all pages.
func DiscoverInstances(ctx context.Context, c ConnectAPI, region string) ([]quota.Instance, error) {
	var out []quota.Instance
	_, err := countPages(ctx, c, "", func(ctx context.Context, c ConnectAPI, _ string, tok *string) (int, *string, error) {
		page, err := c.ListInstances(ctx, &connect.ListInstancesInput{MaxResults: aws.Int32(pageList10), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		for _, s := range page.InstanceSummaryList {
			out = append(out, quota.Instance{
				ID:     aws.ToString(s.Id),
				ARN:    aws.ToString(s.Arn),
				Alias:  aws.ToString(s.InstanceAlias),
				Region: region,
				Status: string(s.InstanceStatus),
			})
		}
		return len(page.InstanceSummaryList), page.NextToken, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list instances in %s: %w", region, err)
	}
	return out, nil
}
