package collect

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"

	"github.com/cqmon/cqmon/internal/quota"
)

// LoadRequests lists the increase requests of the last 90 days of each
// service code, at every level, with one paginated listing per code
// (never one call per quota). A code whose listing fails is reported and
// skipped: the report shows no request for its quotas.
func LoadRequests(ctx context.Context, api QuotasAPI, serviceCodes []string, now time.Time) (quota.Requests, []LimitProblem) {
	var out quota.Requests
	var problems []LimitProblem
	since := now.Add(-quota.RequestWindow)
	for _, svc := range serviceCodes {
		got, err := listRequests(ctx, api, svc, sqtypes.AppliedLevelEnumAll)
		if levelRefused(err) {
			// An endpoint without resource-level quotas: account level.
			got, err = listRequests(ctx, api, svc, "")
		}
		if err != nil {
			problems = append(problems, LimitProblem{svc, fmt.Errorf("list increase requests: %w", err)})
			continue
		}
		for _, r := range got {
			if !r.RequestedAt.Before(since) {
				out = append(out, r)
			}
		}
	}
	return out, problems
}

func listRequests(ctx context.Context, api QuotasAPI, svc string, level sqtypes.AppliedLevelEnum) (quota.Requests, error) {
	p := servicequotas.NewListRequestedServiceQuotaChangeHistoryPaginator(api, &servicequotas.ListRequestedServiceQuotaChangeHistoryInput{
		ServiceCode: aws.String(svc), QuotaRequestedAtLevel: level, MaxResults: aws.Int32(sqPageSize),
	})
	var out quota.Requests
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range page.RequestedQuotas {
			if r, ok := toRequest(svc, c); ok {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// toRequest keeps the fields a report shows; an entry without id, quota
// code or creation time cannot be placed and is dropped.
func toRequest(svc string, c sqtypes.RequestedServiceQuotaChange) (quota.IncreaseRequest, bool) {
	if c.Id == nil || c.QuotaCode == nil || c.Created == nil {
		return quota.IncreaseRequest{}, false
	}
	r := quota.IncreaseRequest{
		ID: *c.Id, CaseID: aws.ToString(c.CaseId), Status: string(c.Status),
		DesiredValue: aws.ToFloat64(c.DesiredValue), RequestedAt: c.Created.UTC(),
		ServiceCode: svc, QuotaCode: *c.QuotaCode,
	}
	if q := c.QuotaContext; q != nil && q.ContextScope == sqtypes.QuotaContextScopeResource {
		r.ContextID = aws.ToString(q.ContextId)
		if r.ContextID == "*" {
			r.ContextID = ""
		}
	}
	return r, true
}
