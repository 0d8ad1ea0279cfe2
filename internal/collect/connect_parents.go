package collect

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/quota"
)

// parent is one resource that owns children with a per-parent quota.
// Label names it in reports; users are named by id, never by user name.
type parent struct{ id, label string }

// parentPage fetches one page of parents.
type parentPage func(ctx context.Context, c ConnectAPI, instanceID string, token *string) ([]parent, *string, error)

// boundedPage fetches one page of parents with, for each, upper bounds on
// its children that the listing gives for free (4 channels × the
// associated queues of a routing profile, the latest version number of an
// evaluation form), one per bound slot; a negative value means no bound.
type boundedPage func(ctx context.Context, c ConnectAPI, instanceID string, token *string) ([]parent, [][]int, *string, error)

// childPage counts one page of one parent's children, one count per
// measure of its child (a listing can serve several quotas).
type childPage func(ctx context.Context, c ConnectAPI, instanceID, parentID string, token *string) ([]int, *string, error)

// child is a per-parent listing and the measures it serves.
type child struct {
	measures []string
	page     childPage
	// bound, when positive, is the 1-based slot of the parents' bounds
	// that applies to this child's first measure.
	bound int
}

// instanceBound is an optional extra call a family makes once per
// instance: a count that bounds every parent's children of boundMeasure (a
// queue cannot hold more quick connects than the instance has; an hours of
// operation cannot have more overrides than the whole instance). When
// countMeasure is set the count is also that measure's value.
type instanceBound struct {
	countMeasure, boundMeasure string
	count                      func(ctx context.Context, c ConnectAPI, instanceID string) (n int, why string, err error)
}

// withChildren is a family that lists an instance's parents once, which
// gives the count of countMeasure, and then, per parent that exists,
// counts its children; each child measure reports the largest count and
// names the parent holding it.
func withChildren(countMeasure string, list parentPage, children ...child) Family {
	return withChildrenBounded(countMeasure, boundless(list), nil, children...)
}

// boundless adapts a listing that gives no bounds.
func boundless(list parentPage) boundedPage {
	return func(ctx context.Context, c ConnectAPI, id string, tok *string) ([]parent, [][]int, *string, error) {
		ps, next, err := list(ctx, c, id, tok)
		return ps, nil, next, err
	}
}

// withChildrenBounded is withChildren with bounds that can spare the
// per-parent calls: per parent from the listing, or instance-wide (ib).
func withChildrenBounded(countMeasure string, list boundedPage, ib *instanceBound, children ...child) Family {
	measures := []string{countMeasure}
	if ib != nil && ib.countMeasure != "" {
		measures = append(measures, ib.countMeasure)
	}
	for _, ch := range children {
		measures = append(measures, ch.measures...)
	}
	return Family{
		Measures: measures,
		Instance: func(ctx context.Context, env *Env, in quota.Instance) map[string]quota.Measurement {
			res := make(map[string]quota.Measurement, len(measures))
			// Parents are kept only while a per-parent quota could still be
			// measured: past MaxParents they are counted, not held, so an
			// instance with 100,000 users costs no memory.
			var parents []parent
			var bounds [][]int
			keep := true
			total, err := countPages(ctx, env.Connect, in.ID, func(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
				ps, bs, next, err := list(ctx, c, id, tok)
				if keep {
					parents = append(parents, ps...)
					if bs == nil {
						bs = make([][]int, len(ps))
					}
					bounds = append(bounds, bs...)
					if env.MaxParents > 0 && len(parents) > env.MaxParents {
						keep, parents, bounds = false, nil, nil
					}
				}
				return len(ps), next, err
			})
			if err != nil {
				for _, m := range measures {
					res[m] = quota.Measurement{Err: fmt.Errorf("count %s: %w", countMeasure, err)}
				}
				return res
			}
			res[countMeasure] = quota.Measurement{Value: float64(total)}
			known := map[string]bound{}
			// The instance-wide bound is one call, made without waiting for
			// the limits that decide whether it serves: a quota with a bound
			// has a code or a documented default, so it nearly always does.
			if ib != nil {
				n, why, err := ib.count(ctx, env.Connect, in.ID)
				switch {
				case err != nil && ib.countMeasure != "":
					res[ib.countMeasure] = quota.Measurement{Err: fmt.Errorf("count %s: %w", ib.countMeasure, err)}
				case err == nil:
					if ib.countMeasure != "" {
						res[ib.countMeasure] = quota.Measurement{Value: float64(n)}
					}
					known[ib.boundMeasure] = bound{value: n, why: why}
				}
			}
			for _, ch := range children {
				if !env.wantsAny(ch.measures...) {
					continue
				}
				if ch.bound > 0 {
					if b, ok := parentBound(parents, bounds, ch.bound-1); ok {
						known[ch.measures[0]] = b
					}
				}
				if b, ok := known[ch.measures[0]]; ok && len(ch.measures) == 1 && env.safelyUnder(ch.measures[0], in.ID, b.value) {
					res[ch.measures[0]] = boundMeasurement(b)
					continue
				}
				if ch.bound > 0 && len(ch.measures) == 1 {
					if m, ok := countNearThreshold(ctx, env, in.ID, total, parents, bounds, ch); ok {
						res[ch.measures[0]] = m
						continue
					}
				}
				for m, v := range maxOverParents(ctx, env, in.ID, total, parents, ch) {
					res[m] = v
				}
			}
			return res
		},
	}
}

// boundMeasurement reports a bound that sits far enough under the
// threshold to stand for the exact maximum.
func boundMeasurement(b bound) quota.Measurement {
	if b.value == 0 {
		// A bound of none is exact.
		return quota.Measurement{Value: 0, Note: "none on any parent (" + b.why + ")"}
	}
	return quota.Measurement{Value: float64(b.value), Approximate: true, Parent: b.where,
		Note: fmt.Sprintf("at most %d (%s): far enough under the threshold that the per-parent calls were saved", b.value, b.why)}
}

// countNearThreshold counts exactly only the parents whose own bound from
// the listing is not far enough under the threshold: one call per parent
// near it instead of one per parent. The others' largest bound stands for
// them. It declines (false) when a parent has no bound.
func countNearThreshold(ctx context.Context, env *Env, instanceID string, total int, parents []parent, bounds [][]int, ch child) (quota.Measurement, bool) {
	slot, measure := ch.bound-1, ch.measures[0]
	rest := bound{value: -1}
	var near []parent
	for i, p := range parents {
		if slot >= len(bounds[i]) || bounds[i][slot] < 0 {
			return quota.Measurement{}, false
		}
		v := bounds[i][slot]
		if !env.safelyUnder(measure, instanceID, v) {
			near = append(near, p)
			continue
		}
		if v > rest.value {
			rest = bound{value: v, where: p.label, why: "from the parent listing"}
		}
	}
	if len(near) == 0 || len(near) == len(parents) {
		return quota.Measurement{}, false
	}
	m := maxOverParents(ctx, env, instanceID, total, near, ch)[measure]
	if m.Err != nil || m.Value >= float64(rest.value) {
		if m.Err == nil {
			m.Note = fmt.Sprintf("counted on the %d of %d parents whose listing bound is near the threshold; the others hold at most %d", len(near), len(parents), rest.value)
		}
		return m, true
	}
	b := boundMeasurement(rest)
	b.Note = fmt.Sprintf("at most %d (%s); the %d parents near the threshold were counted, largest %g on %s", rest.value, rest.why, len(near), m.Value, m.Parent)
	return b, true
}

// bound is an upper bound on a per-parent maximum.
type bound struct {
	value int
	where string
	why   string
}

// parentBound is the largest of the parents' own bounds, if every parent
// has one.
func parentBound(parents []parent, bounds [][]int, slot int) (bound, bool) {
	b := bound{value: -1}
	for i, p := range parents {
		if slot >= len(bounds[i]) || bounds[i][slot] < 0 {
			return bound{}, false
		}
		if v := bounds[i][slot]; v > b.value {
			b = bound{value: v, where: p.label, why: "from the parent listing"}
		}
	}
	return b, len(parents) > 0
}

// maxOverParents counts every parent's children through env.Fanout. One
// failed parent makes the maximum unknown: it cannot be known without it.
func maxOverParents(ctx context.Context, env *Env, instanceID string, total int, parents []parent, ch child) map[string]quota.Measurement {
	res := make(map[string]quota.Measurement, len(ch.measures))
	if env.MaxParents > 0 && total > env.MaxParents {
		for _, m := range ch.measures {
			res[m] = quota.Measurement{Err: fmt.Errorf("%w: %d parents would take one call each, more than the %d allowed (--max-parents)",
				awsapi.ErrSkipped, total, env.MaxParents)}
		}
		return res
	}
	best := make([]int, len(ch.measures))
	where := make([]string, len(ch.measures))
	var mu sync.Mutex
	var firstErr error
	env.Fanout(ctx, len(parents), func(ctx context.Context, i int) {
		counts := make([]int, len(ch.measures))
		_, err := followPages(func(token *string) (int, *string, error) {
			page, next, err := ch.page(ctx, env.Connect, instanceID, parents[i].id, token)
			for k, n := range page {
				counts[k] += n
			}
			return 0, next, err
		})
		if err != nil {
			mu.Lock()
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", parents[i].label, err)
			}
			mu.Unlock()
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for k, n := range counts {
			// A tie goes to the first parent by name, not to the first to
			// answer, so two runs of one account name the same parent.
			if n > best[k] || where[k] == "" || n == best[k] && parents[i].label < where[k] {
				best[k], where[k] = n, parents[i].label
			}
		}
	})
	for k, m := range ch.measures {
		switch {
		case firstErr != nil:
			res[m] = quota.Measurement{Err: firstErr}
		case len(parents) == 0:
			res[m] = quota.Measurement{Value: 0, Note: "no parents, so nothing counts against this quota"}
		default:
			res[m] = quota.Measurement{Value: float64(best[k]), Parent: where[k]}
		}
	}
	return res
}

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
			if k := awsapi.Classify(err); k == awsapi.KindNotInRegion || k == awsapi.KindInvalid {
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
		return 0, "", fmt.Errorf("%w: SearchHoursOfOperationOverrides without ApproximateTotalCount", awsapi.ErrMalformed)
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
				return 0, nil, fmt.Errorf("%w: predefined attribute %q without a string list of values", awsapi.ErrMalformed, aws.ToString(a.Name))
			}
			values += len(list.Value)
		}
		return len(out.PredefinedAttributes), out.NextToken, nil
	})
	return values, fmt.Sprintf("the instance has %d predefined attribute values in all", values), err
}
