package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/cqmon/cqmon/internal/sim"
)

// TestEveryConnectOperation calls each served operation through the SDK on
// the demo's largest instance, so that every item shape is decoded by the
// real deserializers, and checks how many items the first page holds.
func TestEveryConnectOperation(t *testing.T) {
	c := start(t, sim.DemoScenario(), testRegion, sim.WithoutLatency(), sim.WithoutThrottling())
	ctx := context.Background()
	const prod = "4f3c2a1b-7d6e-4b8a-9c0d-1e2f3a4b5c6d"
	in := aws.String(prod)
	first := func(ids []*string, err error) *string {
		t.Helper()
		if err != nil || len(ids) == 0 {
			t.Fatalf("parent listing: %v (%d items)", err, len(ids))
		}
		return ids[0]
	}
	rp, err := c.connect.ListRoutingProfiles(ctx, &connect.ListRoutingProfilesInput{InstanceId: in})
	rpID := first([]*string{rp.RoutingProfileSummaryList[0].Id}, err)
	qs, err := c.connect.ListQueues(ctx, &connect.ListQueuesInput{InstanceId: in, QueueTypes: []types.QueueType{types.QueueTypeStandard}})
	queueID := first([]*string{qs.QueueSummaryList[0].Id}, err)
	us, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: in})
	userID := first([]*string{us.UserSummaryList[0].Id}, err)
	hs, err := c.connect.ListHoursOfOperations(ctx, &connect.ListHoursOfOperationsInput{InstanceId: in})
	hoursID := first([]*string{hs.HoursOfOperationSummaryList[0].Id}, err)
	ds, err := c.connect.ListDataTables(ctx, &connect.ListDataTablesInput{InstanceId: in})
	tableID := first([]*string{ds.DataTableSummaryList[0].Id}, err)
	fs, err := c.connect.ListEvaluationForms(ctx, &connect.ListEvaluationFormsInput{InstanceId: in})
	formID := first([]*string{fs.EvaluationFormSummaryList[0].EvaluationFormId}, err)

	n := func(items int, err error) int {
		t.Helper()
		if err != nil {
			t.Errorf("%v", err)
		}
		return items
	}
	tests := []struct {
		op   string
		got  func() int
		want int
	}{
		{"ListSecurityProfiles", func() int {
			o, err := c.connect.ListSecurityProfiles(ctx, &connect.ListSecurityProfilesInput{InstanceId: in})
			return n(len(o.SecurityProfileSummaryList), err)
		}, 24},
		{"ListContactFlows", func() int {
			o, err := c.connect.ListContactFlows(ctx, &connect.ListContactFlowsInput{InstanceId: in, MaxResults: aws.Int32(1000)})
			return n(len(o.ContactFlowSummaryList), err)
		}, 147},
		{"ListContactFlowModules", func() int {
			o, err := c.connect.ListContactFlowModules(ctx, &connect.ListContactFlowModulesInput{InstanceId: in})
			return n(len(o.ContactFlowModulesSummaryList), err)
		}, 60},
		{"ListQuickConnects", func() int {
			o, err := c.connect.ListQuickConnects(ctx, &connect.ListQuickConnectsInput{InstanceId: in})
			return n(len(o.QuickConnectSummaryList), err)
		}, 64},
		{"ListPrompts", func() int {
			o, err := c.connect.ListPrompts(ctx, &connect.ListPromptsInput{InstanceId: in, MaxResults: aws.Int32(1000)})
			return n(len(o.PromptSummaryList), err)
		}, 210},
		{"ListAgentStatuses", func() int {
			o, err := c.connect.ListAgentStatuses(ctx, &connect.ListAgentStatusesInput{InstanceId: in})
			return n(len(o.AgentStatusSummaryList), err)
		}, 14},
		{"ListUserHierarchyGroups", func() int {
			o, err := c.connect.ListUserHierarchyGroups(ctx, &connect.ListUserHierarchyGroupsInput{InstanceId: in, MaxResults: aws.Int32(1000)})
			return n(len(o.UserHierarchyGroupSummaryList), err)
		}, 120},
		{"ListPredefinedAttributes", func() int {
			o, err := c.connect.ListPredefinedAttributes(ctx, &connect.ListPredefinedAttributesInput{InstanceId: in})
			return n(len(o.PredefinedAttributeSummaryList), err)
		}, 12},
		{"ListPhoneNumbersV2", func() int {
			o, err := c.connect.ListPhoneNumbersV2(ctx, &connect.ListPhoneNumbersV2Input{InstanceId: in})
			return n(len(o.ListPhoneNumbersSummaryList), err)
		}, 4},
		{"ListLambdaFunctions", func() int {
			o, err := c.connect.ListLambdaFunctions(ctx, &connect.ListLambdaFunctionsInput{InstanceId: in})
			return n(len(o.LambdaFunctions), err)
		}, 25},
		{"ListTaskTemplates", func() int {
			o, err := c.connect.ListTaskTemplates(ctx, &connect.ListTaskTemplatesInput{InstanceId: in})
			return n(len(o.TaskTemplates), err)
		}, 15},
		{"ListWorkspaces", func() int {
			o, err := c.connect.ListWorkspaces(ctx, &connect.ListWorkspacesInput{InstanceId: in})
			return n(len(o.WorkspaceSummaryList), err)
		}, 3},
		{"ListNotifications", func() int {
			o, err := c.connect.ListNotifications(ctx, &connect.ListNotificationsInput{InstanceId: in})
			return n(len(o.NotificationSummaryList), err)
		}, 5},
		{"ListApprovedOrigins", func() int {
			o, err := c.connect.ListApprovedOrigins(ctx, &connect.ListApprovedOriginsInput{InstanceId: in})
			return n(len(o.Origins), err)
		}, 4},
		{"ListTrafficDistributionGroups", func() int {
			o, err := c.connect.ListTrafficDistributionGroups(ctx, &connect.ListTrafficDistributionGroupsInput{InstanceId: in})
			return n(len(o.TrafficDistributionGroupSummaryList), err)
		}, 1},
		{"ListRules", func() int {
			o, err := c.connect.ListRules(ctx, &connect.ListRulesInput{InstanceId: in})
			return n(len(o.RuleSummaryList), err)
		}, 11},
		{"SearchVocabularies", func() int {
			o, err := c.connect.SearchVocabularies(ctx, &connect.SearchVocabulariesInput{InstanceId: in})
			return n(len(o.VocabularySummaryList), err)
		}, 2},
		{"ListRoutingProfileQueues", func() int {
			o, err := c.connect.ListRoutingProfileQueues(ctx, &connect.ListRoutingProfileQueuesInput{InstanceId: in, RoutingProfileId: rpID})
			return n(len(o.RoutingProfileQueueConfigSummaryList), err)
		}, 92},
		{"ListRoutingProfileManualAssignmentQueues", func() int {
			o, err := c.connect.ListRoutingProfileManualAssignmentQueues(ctx, &connect.ListRoutingProfileManualAssignmentQueuesInput{InstanceId: in, RoutingProfileId: rpID})
			return n(len(o.RoutingProfileManualAssignmentQueueConfigSummaryList), err)
		}, 8},
		{"ListQueueQuickConnects", func() int {
			o, err := c.connect.ListQueueQuickConnects(ctx, &connect.ListQueueQuickConnectsInput{InstanceId: in, QueueId: queueID})
			return n(len(o.QuickConnectSummaryList), err)
		}, 40},
		{"ListQueueEmailAddresses", func() int {
			o, err := c.connect.ListQueueEmailAddresses(ctx, &connect.ListQueueEmailAddressesInput{InstanceId: in, QueueId: queueID})
			return n(len(o.EmailAddressMetadataList), err)
		}, 3},
		{"ListUserProficiencies", func() int {
			o, err := c.connect.ListUserProficiencies(ctx, &connect.ListUserProficienciesInput{InstanceId: in, UserId: userID})
			return n(len(o.UserProficiencyList), err)
		}, 9},
		{"ListHoursOfOperationOverrides", func() int {
			o, err := c.connect.ListHoursOfOperationOverrides(ctx, &connect.ListHoursOfOperationOverridesInput{InstanceId: in, HoursOfOperationId: hoursID})
			return n(len(o.HoursOfOperationOverrideList), err)
		}, 14},
		{"ListDataTableAttributes", func() int {
			o, err := c.connect.ListDataTableAttributes(ctx, &connect.ListDataTableAttributesInput{InstanceId: in, DataTableId: tableID})
			return n(len(o.Attributes), err)
		}, 30},
		{"ListDataTableValues", func() int {
			o, err := c.connect.ListDataTableValues(ctx, &connect.ListDataTableValuesInput{InstanceId: in, DataTableId: tableID, MaxResults: aws.Int32(1000)})
			return n(len(o.Values), err)
		}, 800},
		{"ListEvaluationFormVersions", func() int {
			o, err := c.connect.ListEvaluationFormVersions(ctx, &connect.ListEvaluationFormVersionsInput{InstanceId: in, EvaluationFormId: formID})
			return n(len(o.EvaluationFormVersionSummaryList), err)
		}, 7},
		{"SearchRoutingProfiles", func() int {
			o, err := c.connect.SearchRoutingProfiles(ctx, &connect.SearchRoutingProfilesInput{InstanceId: in, MaxResults: aws.Int32(1)})
			if err == nil && aws.ToInt64(o.RoutingProfiles[0].NumberOfAssociatedQueues) != 92 {
				t.Errorf("NumberOfAssociatedQueues = %d, want 92", aws.ToInt64(o.RoutingProfiles[0].NumberOfAssociatedQueues))
			}
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 85},
		{"SearchSecurityProfiles", func() int {
			o, err := c.connect.SearchSecurityProfiles(ctx, &connect.SearchSecurityProfilesInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 24},
		{"SearchContactFlowModules", func() int {
			o, err := c.connect.SearchContactFlowModules(ctx, &connect.SearchContactFlowModulesInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 60},
		{"SearchHoursOfOperations", func() int {
			o, err := c.connect.SearchHoursOfOperations(ctx, &connect.SearchHoursOfOperationsInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 18},
		{"SearchQuickConnects", func() int {
			o, err := c.connect.SearchQuickConnects(ctx, &connect.SearchQuickConnectsInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 64},
		{"SearchPrompts", func() int {
			o, err := c.connect.SearchPrompts(ctx, &connect.SearchPromptsInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 210},
		{"SearchAgentStatuses", func() int {
			o, err := c.connect.SearchAgentStatuses(ctx, &connect.SearchAgentStatusesInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 14},
		{"SearchUserHierarchyGroups", func() int {
			o, err := c.connect.SearchUserHierarchyGroups(ctx, &connect.SearchUserHierarchyGroupsInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 120},
		{"SearchPredefinedAttributes", func() int {
			o, err := c.connect.SearchPredefinedAttributes(ctx, &connect.SearchPredefinedAttributesInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 12},
		{"SearchDataTables", func() int {
			o, err := c.connect.SearchDataTables(ctx, &connect.SearchDataTablesInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 6},
		{"SearchWorkspaces", func() int {
			o, err := c.connect.SearchWorkspaces(ctx, &connect.SearchWorkspacesInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 3},
		{"SearchNotifications", func() int {
			o, err := c.connect.SearchNotifications(ctx, &connect.SearchNotificationsInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 5},
		{"SearchViews", func() int {
			o, err := c.connect.SearchViews(ctx, &connect.SearchViewsInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 6},
		{"SearchEvaluationForms", func() int {
			o, err := c.connect.SearchEvaluationForms(ctx, &connect.SearchEvaluationFormsInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 8},
		{"SearchQueues without a type condition", func() int {
			o, err := c.connect.SearchQueues(ctx, &connect.SearchQueuesInput{InstanceId: in})
			return n(int(aws.ToInt64(o.ApproximateTotalCount)), err)
		}, 42 + 1700},
		{"SearchRules (raw HTTP; not in this SDK version)", func() int {
			return searchRulesRaw(t, c.url, prod)
		}, 11},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			if got := tt.got(); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// searchRulesRaw posts SearchRules as the 2026 SDKs do and returns its
// ApproximateTotalCount.
func searchRulesRaw(t *testing.T, url, instanceID string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"InstanceId": instanceID, "MaxResults": 1})
	req, _ := http.NewRequest(http.MethodPost, url+"/search-rules", bytes.NewReader(body))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ApproximateTotalCount int
		Rules                 []map[string]any
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || len(out.Rules) != 1 {
		t.Fatalf("SearchRules: %d %v %+v", resp.StatusCode, err, out)
	}
	return out.ApproximateTotalCount
}
