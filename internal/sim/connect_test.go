package sim_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/sim"
)

func TestListUsersPagination(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	p := connect.NewListUsersPaginator(c.connect, &connect.ListUsersInput{InstanceId: aws.String(bigID), MaxResults: aws.Int32(1000)})
	var pages, items int
	ids := map[string]bool{}
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		for _, u := range out.UserSummaryList {
			ids[aws.ToString(u.Id)] = true
			items++
		}
	}
	if got, want := [3]int{pages, items, len(ids)}, [3]int{3, 2500, 2500}; got != want {
		t.Errorf("pages, items, distinct ids = %v, want %v", got, want)
	}
}

func TestMaxResultsAboveCap(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	ctx := context.Background()
	in := aws.String(bigID)
	tests := []struct {
		name     string
		call     func() error
		wantCode string
	}{
		{"ListUsers 1001", func() error {
			_, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: in, MaxResults: aws.Int32(1001)})
			return err
		}, "InvalidParameterException"},
		{"ListUsers 0", func() error {
			_, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: in, MaxResults: aws.Int32(0)})
			return err
		}, "InvalidParameterException"},
		{"ListPredefinedAttributes 101", func() error {
			_, err := c.connect.ListPredefinedAttributes(ctx, &connect.ListPredefinedAttributesInput{InstanceId: in, MaxResults: aws.Int32(101)})
			return err
		}, "InvalidParameterException"},
		{"ListLambdaFunctions 26", func() error {
			_, err := c.connect.ListLambdaFunctions(ctx, &connect.ListLambdaFunctionsInput{InstanceId: in, MaxResults: aws.Int32(26)})
			return err
		}, "InvalidParameterException"},
		{"ListBots 26 (no InvalidParameterException in its model)", func() error {
			_, err := c.connect.ListBots(ctx, &connect.ListBotsInput{InstanceId: in, LexVersion: types.LexVersionV2, MaxResults: aws.Int32(26)})
			return err
		}, "InvalidRequestException"},
		{"ListInstances 11", func() error {
			_, err := c.connect.ListInstances(ctx, &connect.ListInstancesInput{MaxResults: aws.Int32(11)})
			return err
		}, "InvalidRequestException"},
		{"SearchUsers 501", func() error {
			_, err := c.connect.SearchUsers(ctx, &connect.SearchUsersInput{InstanceId: in, MaxResults: aws.Int32(501)})
			return err
		}, "InvalidParameterException"},
		{"ListPhoneNumbersV2 1001", func() error {
			_, err := c.connect.ListPhoneNumbersV2(ctx, &connect.ListPhoneNumbersV2Input{InstanceId: in, MaxResults: aws.Int32(1001)})
			return err
		}, "InvalidParameterException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, status := errorCode(tt.call())
			if code != tt.wantCode || status != 400 {
				t.Errorf("got %s %d, want %s 400", code, status, tt.wantCode)
			}
		})
	}
}

func TestBadNextToken(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	ctx := context.Background()
	first, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(bigID), MaxResults: aws.Int32(10)})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v, token %v", err, first.NextToken)
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"garbage", func() error {
			_, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(bigID), NextToken: aws.String("not-a-token")})
			return err
		}},
		{"other instance", func() error {
			_, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(smallID), NextToken: first.NextToken})
			return err
		}},
		{"other operation", func() error {
			_, err := c.connect.ListQueues(ctx, &connect.ListQueuesInput{InstanceId: aws.String(bigID), NextToken: first.NextToken})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, status := errorCode(tt.call()); code != "InvalidParameterException" || status != 400 {
				t.Errorf("got %s %d, want InvalidParameterException 400", code, status)
			}
		})
	}
}

func TestListQueuesTypes(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	tests := []struct {
		name  string
		types []types.QueueType
		want  map[types.QueueType]int
	}{
		{"unfiltered lists both", nil, map[types.QueueType]int{types.QueueTypeStandard: 30, types.QueueTypeAgent: 7}},
		{"standard", []types.QueueType{types.QueueTypeStandard}, map[types.QueueType]int{types.QueueTypeStandard: 30}},
		{"agent", []types.QueueType{types.QueueTypeAgent}, map[types.QueueType]int{types.QueueTypeAgent: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[types.QueueType]int{}
			p := connect.NewListQueuesPaginator(c.connect, &connect.ListQueuesInput{InstanceId: aws.String(bigID), QueueTypes: tt.types, MaxResults: aws.Int32(8)})
			for p.HasMorePages() {
				out, err := p.NextPage(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				for _, q := range out.QueueSummaryList {
					got[q.QueueType]++
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("queue types (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchApproximateTotalCount(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	ctx := context.Background()
	users, err := c.connect.SearchUsers(ctx, &connect.SearchUsersInput{InstanceId: aws.String(bigID), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	std, err := c.connect.SearchQueues(ctx, &connect.SearchQueuesInput{InstanceId: aws.String(bigID), MaxResults: aws.Int32(1),
		SearchCriteria: &types.QueueSearchCriteria{QueueTypeCondition: types.SearchableQueueTypeStandard}})
	if err != nil {
		t.Fatal(err)
	}
	flows, err := c.connect.SearchContactFlows(ctx, &connect.SearchContactFlowsInput{InstanceId: aws.String(bigID)})
	if err != nil {
		t.Fatal(err)
	}
	got := []int64{aws.ToInt64(users.ApproximateTotalCount), int64(len(users.Users)), aws.ToInt64(std.ApproximateTotalCount), aws.ToInt64(flows.ApproximateTotalCount)}
	want := []int64{2497, 1, 30, 12} // users carry a skew of -3
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestPerParentLists(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	ctx := context.Background()
	rps, err := c.connect.ListRoutingProfiles(ctx, &connect.ListRoutingProfilesInput{InstanceId: aws.String(bigID)})
	if err != nil {
		t.Fatal(err)
	}
	var perProfile []int
	for _, rp := range rps.RoutingProfileSummaryList {
		n := 0
		p := connect.NewListRoutingProfileQueuesPaginator(c.connect, &connect.ListRoutingProfileQueuesInput{
			InstanceId: aws.String(bigID), RoutingProfileId: rp.Id, MaxResults: aws.Int32(100)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n += len(out.RoutingProfileQueueConfigSummaryList)
		}
		perProfile = append(perProfile, n)
	}
	if diff := cmp.Diff([]int{101, 5, 5}, perProfile); diff != "" {
		t.Errorf("queues per routing profile (-want +got):\n%s", diff)
	}

	users, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(bigID), MaxResults: aws.Int32(4)})
	if err != nil {
		t.Fatal(err)
	}
	var profs []int
	for _, u := range users.UserSummaryList {
		out, err := c.connect.ListUserProficiencies(ctx, &connect.ListUserProficienciesInput{InstanceId: aws.String(bigID), UserId: u.Id})
		if err != nil {
			t.Fatal(err)
		}
		profs = append(profs, len(out.UserProficiencyList))
	}
	if diff := cmp.Diff([]int{3, 0, 7, 1}, profs); diff != "" {
		t.Errorf("proficiencies per user (-want +got):\n%s", diff)
	}

	_, err = c.connect.ListUserProficiencies(ctx, &connect.ListUserProficienciesInput{InstanceId: aws.String(bigID), UserId: aws.String(unknownID)})
	if code, status := errorCode(err); code != "ResourceNotFoundException" || status != 404 {
		t.Errorf("unknown user: got %s %d, want ResourceNotFoundException 404", code, status)
	}
}

func TestFilters(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	ctx := context.Background()
	in := aws.String(bigID)
	count := func(n int, err error) string {
		if err != nil {
			code, _ := errorCode(err)
			return code
		}
		return fmt.Sprint(n)
	}
	tests := []struct {
		name string
		got  func() string
		want string
	}{
		{"integration associations EVENT", func() string {
			out, err := c.connect.ListIntegrationAssociations(ctx, &connect.ListIntegrationAssociationsInput{InstanceId: in, IntegrationType: types.IntegrationTypeEvent})
			return count(len(out.IntegrationAssociationSummaryList), err)
		}, "3"},
		{"integration associations all", func() string {
			out, err := c.connect.ListIntegrationAssociations(ctx, &connect.ListIntegrationAssociationsInput{InstanceId: in})
			return count(len(out.IntegrationAssociationSummaryList), err)
		}, "6"},
		{"rules by event source", func() string {
			out, err := c.connect.ListRules(ctx, &connect.ListRulesInput{InstanceId: in, EventSourceName: types.EventSourceNameOnCaseCreate})
			return count(len(out.RuleSummaryList), err)
		}, "2"},
		{"published rules", func() string {
			out, err := c.connect.ListRules(ctx, &connect.ListRulesInput{InstanceId: in, PublishStatus: types.RulePublishStatusPublished})
			return count(len(out.RuleSummaryList), err)
		}, "4"},
		{"Lex V1 bots", func() string {
			out, err := c.connect.ListBots(ctx, &connect.ListBotsInput{InstanceId: in, LexVersion: types.LexVersionV1})
			if err == nil && (out.LexBots[0].LexBot == nil || out.LexBots[0].LexV2Bot != nil) {
				return "wrong shape"
			}
			return count(len(out.LexBots), err)
		}, "2"},
		{"Lex V2 bot aliases", func() string {
			out, err := c.connect.ListBots(ctx, &connect.ListBotsInput{InstanceId: in, LexVersion: types.LexVersionV2})
			if err == nil && out.LexBots[0].LexV2Bot == nil {
				return "wrong shape"
			}
			return count(len(out.LexBots), err)
		}, "5"},
		{"routable agent statuses", func() string {
			out, err := c.connect.ListAgentStatuses(ctx, &connect.ListAgentStatusesInput{InstanceId: in, AgentStatusTypes: []types.AgentStatusType{types.AgentStatusTypeRoutable}})
			return count(len(out.AgentStatusSummaryList), err)
		}, "1"},
		{"phone numbers by instance", func() string {
			out, err := c.connect.ListPhoneNumbersV2(ctx, &connect.ListPhoneNumbersV2Input{InstanceId: aws.String(smallID)})
			return count(len(out.ListPhoneNumbersSummaryList), err)
		}, "2"},
		{"phone numbers of the region", func() string {
			out, err := c.connect.ListPhoneNumbersV2(ctx, &connect.ListPhoneNumbersV2Input{})
			return count(len(out.ListPhoneNumbersSummaryList), err)
		}, "5"},
		{"phone numbers by target ARN", func() string {
			out, err := c.connect.ListPhoneNumbersV2(ctx, &connect.ListPhoneNumbersV2Input{TargetArn: aws.String("arn:aws:connect:us-east-1:123456789012:instance/" + bigID)})
			return count(len(out.ListPhoneNumbersSummaryList), err)
		}, "3"},
		{"email addresses", func() string {
			out, err := c.connect.SearchEmailAddresses(ctx, &connect.SearchEmailAddressesInput{InstanceId: in})
			return count(int(aws.ToInt64(out.ApproximateTotalCount))*10+len(out.EmailAddresses), err)
		}, "44"},
		{"evaluation form versions", func() string {
			forms, err := c.connect.ListEvaluationForms(ctx, &connect.ListEvaluationFormsInput{InstanceId: in})
			if err != nil {
				return count(0, err)
			}
			out, err := c.connect.ListEvaluationFormVersions(ctx, &connect.ListEvaluationFormVersionsInput{InstanceId: in, EvaluationFormId: forms.EvaluationFormSummaryList[0].EvaluationFormId})
			return count(len(out.EvaluationFormVersionSummaryList), err)
		}, "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestListInstances(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	out, err := c.connect.ListInstances(context.Background(), &connect.ListInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range out.InstanceSummaryList {
		got = append(got, fmt.Sprintf("%s %s %s %s", aws.ToString(in.InstanceAlias), in.InstanceStatus, aws.ToString(in.Arn), in.IdentityManagementType))
		if in.CreatedTime == nil || in.ServiceRole == nil || in.InstanceAccessUrl == nil || in.InboundCallsEnabled == nil {
			t.Errorf("%s: missing fields in %+v", aws.ToString(in.InstanceAlias), in)
		}
	}
	sort.Strings(got)
	want := []string{
		"big ACTIVE arn:aws:connect:us-east-1:123456789012:instance/" + bigID + " CONNECT_MANAGED",
		"pending CREATION_IN_PROGRESS arn:aws:connect:us-east-1:123456789012:instance/" + pendingID + " CONNECT_MANAGED",
		"small ACTIVE arn:aws:connect:us-east-1:123456789012:instance/" + smallID + " CONNECT_MANAGED",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instances (-want +got):\n%s", diff)
	}
}

func TestConnectErrors(t *testing.T) {
	c := start(t, scenario(t, baseScenario), testRegion)
	ctx := context.Background()
	tests := []struct {
		name       string
		call       func() error
		wantCode   string
		wantStatus int
	}{
		{"unknown instance", func() error {
			_, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(unknownID)})
			return err
		}, "ResourceNotFoundException", 404},
		{"instance of another region", func() error {
			_, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(westID)})
			return err
		}, "ResourceNotFoundException", 404},
		{"instance being created", func() error {
			_, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(pendingID)})
			return err
		}, "ResourceNotFoundException", 404},
		{"operation the simulator does not serve", func() error {
			_, err := c.connect.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(bigID)})
			return err
		}, "UnknownOperationException", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, status := errorCode(tt.call()); code != tt.wantCode || status != tt.wantStatus {
				t.Errorf("got %s %d, want %s %d", code, status, tt.wantCode, tt.wantStatus)
			}
		})
	}
	if got := c.sim.Stats()[simKey("connect", "UnknownOperation")].Calls; got != 1 {
		t.Errorf("UnknownOperation calls = %d, want 1", got)
	}
}

func TestSearchHoursOfOperationOverridesCountsTheInstance(t *testing.T) {
	sc := &sim.Scenario{Account: "123456789012", Regions: []string{testRegion}, Throttle: sim.Throttle{Disabled: true},
		Instances: []sim.Instance{{ID: "00000000-0000-4000-8000-00000000a00a", Alias: "hoo", Counts: map[string]int{"hoursOfOperations": 3},
			Children: map[string]sim.ChildCounts{"hoursOfOperationOverrides": {List: []int{5, 1}, Others: 2}}}}}
	c := start(t, sc, testRegion)
	out, err := c.connect.SearchHoursOfOperationOverrides(context.Background(), &connect.SearchHoursOfOperationOverridesInput{
		InstanceId: aws.String("00000000-0000-4000-8000-00000000a00a"), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToInt64(out.ApproximateTotalCount); got != 8 || len(out.HoursOfOperationOverrides) != 1 {
		t.Errorf("ApproximateTotalCount = %d with %d items, want 8 (5+1+2) with 1", got, len(out.HoursOfOperationOverrides))
	}
}
