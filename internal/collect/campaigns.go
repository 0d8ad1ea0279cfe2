package collect

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cqmon/cqmon/internal/awsapi/connectcampaignsv2"
	"github.com/cqmon/cqmon/internal/quota"
)

// CampaignsAPI is the part of Amazon Connect outbound campaigns (v2)
// cqmon calls.
type CampaignsAPI interface {
	ListCampaigns(context.Context, *connectcampaignsv2.ListCampaignsInput, ...func(*connectcampaignsv2.Options)) (*connectcampaignsv2.ListCampaignsOutput, error)
}

// campaignsPage is ListCampaigns' largest maxResults.
const campaignsPage = 50

// Outbound campaigns measures, both from one listing per instance.
const (
	campaignsCount = "connect-campaigns.campaigns"
	campaignsTotal = "connect-campaigns.total_campaigns_per_instance"
)

// campaigns counts each active instance's outbound campaigns with
// ListCampaigns filtered on the instance. The first instance's call
// decides for the Region: if campaigns are not enabled, not offered here or
// not permitted, the other instances are not asked.
func campaigns() Family {
	measures := []string{campaignsCount, campaignsTotal}
	return Family{
		Measures: measures,
		Region: func(ctx context.Context, env *Env, active []quota.Instance) map[Target]quota.Measurement {
			g := newGate(false)
			res := make(map[Target]quota.Measurement, 2*len(active))
			var mu sync.Mutex
			measure := func(ctx context.Context, in quota.Instance) {
				n, err := gatedPages(g, "ListCampaigns", func(tok *string) (int, *string, error) {
					out, err := env.Campaigns.ListCampaigns(ctx, &connectcampaignsv2.ListCampaignsInput{
						Filters: &connectcampaignsv2.CampaignFilters{InstanceIdFilter: &connectcampaignsv2.InstanceIdFilter{
							Operator: connectcampaignsv2.InstanceIdFilterOperatorEq, Value: aws.String(in.ID),
						}},
						MaxResults: aws.Int32(campaignsPage), NextToken: tok,
					})
					if err != nil {
						return 0, nil, err
					}
					return len(out.CampaignSummaryList), out.NextToken, nil
				})
				m := relatedCount(n, err)
				if err != nil {
					m.Err = fmt.Errorf("list campaigns: %w", err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, name := range measures {
					res[Target{InstanceID: in.ID, Measure: name}] = m
				}
			}
			if len(active) == 0 {
				return res
			}
			measure(ctx, active[0])
			rest := active[1:]
			env.fanout(ctx, len(rest), func(ctx context.Context, i int) { measure(ctx, rest[i]) })
			return res
		},
	}
}
