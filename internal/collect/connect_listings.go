package collect

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/cqmon/cqmon/internal/awserr"
)

// The listings of the Connect families in connect_parents.go: for each
// kind of parent, one page of parents, one page of each parent's children,
// and the instance-wide counts that bound them.

// routingProfileParents lists routing profiles with SearchRoutingProfiles
// (which gives the bounds) and falls back to ListRoutingProfiles for an
// endpoint that does not offer the search (an answer of kind "not in
// region" or "invalid request" to the first page). The fallback's page
// tokens carry a prefix, so a listing keeps to the call it began with and
// nothing outlives it.
func routingProfileParents() boundedPage {
	const listPrefix = "list:"
	list := func(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, [][]int, *string, error) {
		ps, next, err := listRoutingProfileParents(ctx, c, id, tok)
		if next != nil && *next != "" {
			next = aws.String(listPrefix + *next)
		}
		return ps, nil, next, err
	}
	return func(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, [][]int, *string, error) {
		if tok != nil && strings.HasPrefix(*tok, listPrefix) {
			return list(ctx, c, id, aws.String(strings.TrimPrefix(*tok, listPrefix)))
		}
		ps, bs, next, err := searchRoutingProfileParents(ctx, c, id, tok)
		if err != nil && tok == nil {
			if k := awserr.Classify(err); k == awserr.KindNotInRegion || k == awserr.KindInvalid {
				return list(ctx, c, id, nil)
			}
		}
		return ps, bs, next, err
	}
}

func listRoutingProfileParents(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, *string, error) {
	out, err := c.ListRoutingProfiles(ctx, &connect.ListRoutingProfilesInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	ps := make([]parent, len(out.RoutingProfileSummaryList))
	for i, p := range out.RoutingProfileSummaryList {
		ps[i] = parent{aws.ToString(p.Id), fmt.Sprintf("routing profile %q", aws.ToString(p.Name))}
	}
	return ps, out.NextToken, nil
}

// routingProfileChannels is how many channels one queue can serve in a
// routing profile (voice, chat, task, email): a profile with N queues has
// at most 4N queue configurations.
const routingProfileChannels = 4

// searchRoutingProfileParents lists routing profiles with
// SearchRoutingProfiles, whose answer carries each profile's number of
// associated queues: the bound that spares most ListRoutingProfileQueues
// calls.
func searchRoutingProfileParents(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, [][]int, *string, error) {
	out, err := c.SearchRoutingProfiles(ctx, &connect.SearchRoutingProfilesInput{InstanceId: &id, MaxResults: aws.Int32(pageSearch500), NextToken: tok})
	if err != nil {
		return nil, nil, nil, err
	}
	ps := make([]parent, len(out.RoutingProfiles))
	bs := make([][]int, len(out.RoutingProfiles))
	for i, p := range out.RoutingProfiles {
		ps[i] = parent{aws.ToString(p.RoutingProfileId), fmt.Sprintf("routing profile %q", aws.ToString(p.Name))}
		bs[i] = []int{-1, -1}
		if p.NumberOfAssociatedQueues != nil {
			bs[i][0] = int(*p.NumberOfAssociatedQueues) * routingProfileChannels
		}
		if p.NumberOfAssociatedManualAssignmentQueues != nil {
			bs[i][1] = int(*p.NumberOfAssociatedManualAssignmentQueues) * manualAssignmentChannels
		}
	}
	return ps, bs, out.NextToken, nil
}

// manualAssignmentChannels is how many channels a manual assignment queue
// can serve (chat, task, email; not voice).
const manualAssignmentChannels = 3

// manualAssignmentQueues counts a routing profile's manual assignment
// queue configurations: their own limit, never summed with the others.
func manualAssignmentQueues(ctx context.Context, c ConnectAPI, id, parentID string, tok *string) ([]int, *string, error) {
	out, err := c.ListRoutingProfileManualAssignmentQueues(ctx, &connect.ListRoutingProfileManualAssignmentQueuesInput{InstanceId: &id, RoutingProfileId: &parentID, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	return []int{len(out.RoutingProfileManualAssignmentQueueConfigSummaryList)}, out.NextToken, nil
}

// routingProfileQueues counts queue configurations: one per queue and
// channel, which is what "Queues per routing profile" limits.
func routingProfileQueues(ctx context.Context, c ConnectAPI, id, parentID string, tok *string) ([]int, *string, error) {
	out, err := c.ListRoutingProfileQueues(ctx, &connect.ListRoutingProfileQueuesInput{InstanceId: &id, RoutingProfileId: &parentID, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	return []int{len(out.RoutingProfileQueueConfigSummaryList)}, out.NextToken, nil
}

func listUserParents(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, *string, error) {
	out, err := c.ListUsers(ctx, &connect.ListUsersInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	ps := make([]parent, len(out.UserSummaryList))
	for i, u := range out.UserSummaryList {
		ps[i] = parent{aws.ToString(u.Id), "user " + aws.ToString(u.Id)}
	}
	return ps, out.NextToken, nil
}

func userProficiencies(ctx context.Context, c ConnectAPI, id, parentID string, tok *string) ([]int, *string, error) {
	out, err := c.ListUserProficiencies(ctx, &connect.ListUserProficienciesInput{InstanceId: &id, UserId: &parentID, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	return []int{len(out.UserProficiencyList)}, out.NextToken, nil
}

func listHoursParents(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, *string, error) {
	out, err := c.ListHoursOfOperations(ctx, &connect.ListHoursOfOperationsInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	ps := make([]parent, len(out.HoursOfOperationSummaryList))
	for i, h := range out.HoursOfOperationSummaryList {
		ps[i] = parent{aws.ToString(h.Id), fmt.Sprintf("hours of operation %q", aws.ToString(h.Name))}
	}
	return ps, out.NextToken, nil
}

func hoursOverrides(ctx context.Context, c ConnectAPI, id, parentID string, tok *string) ([]int, *string, error) {
	out, err := c.ListHoursOfOperationOverrides(ctx, &connect.ListHoursOfOperationOverridesInput{InstanceId: &id, HoursOfOperationId: &parentID, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	return []int{len(out.HoursOfOperationOverrideList)}, out.NextToken, nil
}

func listDataTableParents(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, *string, error) {
	out, err := c.ListDataTables(ctx, &connect.ListDataTablesInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	ps := make([]parent, len(out.DataTableSummaryList))
	for i, d := range out.DataTableSummaryList {
		ps[i] = parent{aws.ToString(d.Id), fmt.Sprintf("data table %q", aws.ToString(d.Name))}
	}
	return ps, out.NextToken, nil
}

// dataTableAttributes counts all attributes and the primary ones in one
// listing.
func dataTableAttributes(ctx context.Context, c ConnectAPI, id, parentID string, tok *string) ([]int, *string, error) {
	out, err := c.ListDataTableAttributes(ctx, &connect.ListDataTableAttributesInput{InstanceId: &id, DataTableId: &parentID, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	primary := 0
	for _, a := range out.Attributes {
		if a.Primary {
			primary++
		}
	}
	return []int{len(out.Attributes), primary}, out.NextToken, nil
}

func dataTableValues(ctx context.Context, c ConnectAPI, id, parentID string, tok *string) ([]int, *string, error) {
	out, err := c.ListDataTableValues(ctx, &connect.ListDataTableValuesInput{InstanceId: &id, DataTableId: &parentID, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	return []int{len(out.Values)}, out.NextToken, nil
}

// listStandardQueueParents lists STANDARD queues only, as the per-queue
// quotas and "Queues per instance" concern them, not agent queues.
func listStandardQueueParents(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, *string, error) {
	out, err := c.ListQueues(ctx, &connect.ListQueuesInput{InstanceId: &id, QueueTypes: []types.QueueType{types.QueueTypeStandard}, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	ps := make([]parent, len(out.QueueSummaryList))
	for i, q := range out.QueueSummaryList {
		ps[i] = parent{aws.ToString(q.Id), fmt.Sprintf("queue %q", aws.ToString(q.Name))}
	}
	return ps, out.NextToken, nil
}

func queueQuickConnects(ctx context.Context, c ConnectAPI, id, parentID string, tok *string) ([]int, *string, error) {
	out, err := c.ListQueueQuickConnects(ctx, &connect.ListQueueQuickConnectsInput{InstanceId: &id, QueueId: &parentID, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	return []int{len(out.QuickConnectSummaryList)}, out.NextToken, nil
}

func queueEmailAddresses(ctx context.Context, c ConnectAPI, id, parentID string, tok *string) ([]int, *string, error) {
	out, err := c.ListQueueEmailAddresses(ctx, &connect.ListQueueEmailAddressesInput{InstanceId: &id, QueueId: &parentID, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	return []int{len(out.EmailAddressMetadataList)}, out.NextToken, nil
}

func listEvaluationFormParents(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, [][]int, *string, error) {
	out, err := c.ListEvaluationForms(ctx, &connect.ListEvaluationFormsInput{InstanceId: &id, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return nil, nil, nil, err
	}
	ps := make([]parent, len(out.EvaluationFormSummaryList))
	bs := make([][]int, len(out.EvaluationFormSummaryList))
	for i, f := range out.EvaluationFormSummaryList {
		// Versions are numbered from 1 and only added: the latest number
		// bounds how many a form has.
		ps[i] = parent{aws.ToString(f.EvaluationFormId), fmt.Sprintf("evaluation form %q", aws.ToString(f.Title))}
		bs[i] = []int{int(f.LatestVersion)}
	}
	return ps, bs, out.NextToken, nil
}

func evaluationFormVersions(ctx context.Context, c ConnectAPI, id, parentID string, tok *string) ([]int, *string, error) {
	out, err := c.ListEvaluationFormVersions(ctx, &connect.ListEvaluationFormVersionsInput{InstanceId: &id, EvaluationFormId: &parentID, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return nil, nil, err
	}
	return []int{len(out.EvaluationFormVersionSummaryList)}, out.NextToken, nil
}

// quickConnectTotal counts the instance's quick connects, exactly.
func quickConnectTotal(ctx context.Context, c ConnectAPI, id string) (int, string, error) {
	n, err := countPages(ctx, c, id, listQuickConnects)
	return n, fmt.Sprintf("the instance has %d quick connects in all", n), err
}

// overrideTotal asks for one override of the instance to read the
// ApproximateTotalCount of all of them: a bound on any one hours of
// operation's overrides for one call, used only far enough under the
// threshold that its approximation cannot matter.
func overrideTotal(ctx context.Context, c ConnectAPI, id string) (int, string, error) {
	out, err := c.SearchHoursOfOperationOverrides(ctx, &connect.SearchHoursOfOperationOverridesInput{InstanceId: &id, MaxResults: aws.Int32(1)})
	if err != nil {
		return 0, "", err
	}
	if out.ApproximateTotalCount == nil {
		return 0, "", fmt.Errorf("%w: SearchHoursOfOperationOverrides without ApproximateTotalCount", awserr.ErrMalformed)
	}
	n := int(*out.ApproximateTotalCount)
	return n, fmt.Sprintf("the instance has about %d overrides in all", n), nil
}

// predefinedValueTotal adds up the values of every predefined attribute
// of the instance (SearchPredefinedAttributes, 100 attributes a call). A
// proficiency is one attribute value at a level, and a user holds a value
// at most once, so no user can hold more proficiencies than that total.
func predefinedValueTotal(ctx context.Context, c ConnectAPI, id string) (int, string, error) {
	values := 0
	_, err := countPages(ctx, c, id, func(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
		out, err := c.SearchPredefinedAttributes(ctx, &connect.SearchPredefinedAttributesInput{InstanceId: &id, MaxResults: aws.Int32(pageList100), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		for _, a := range out.PredefinedAttributes {
			list, ok := a.Values.(*types.PredefinedAttributeValuesMemberStringList)
			if !ok {
				return 0, nil, fmt.Errorf("%w: predefined attribute %q without a string list of values", awserr.ErrMalformed, aws.ToString(a.Name))
			}
			values += len(list.Value)
		}
		return len(out.PredefinedAttributes), out.NextToken, nil
	})
	return values, fmt.Sprintf("the instance has %d predefined attribute values in all", values), err
}
