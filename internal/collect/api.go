// Package collect measures quota usage and reads applied limits. Each AWS
// API family has its own small file; every family is listed in the one
// registry (registry.go). Collectors call AWS through the narrow
// interfaces below and never retry or sleep: pacing and retries belong to
// the clients they are given.
package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
)

// ConnectAPI is the part of the Amazon Connect API cqmon calls.
type ConnectAPI interface {
	ListInstances(context.Context, *connect.ListInstancesInput, ...func(*connect.Options)) (*connect.ListInstancesOutput, error)
	ListUsers(context.Context, *connect.ListUsersInput, ...func(*connect.Options)) (*connect.ListUsersOutput, error)
	ListSecurityProfiles(context.Context, *connect.ListSecurityProfilesInput, ...func(*connect.Options)) (*connect.ListSecurityProfilesOutput, error)
	ListContactFlows(context.Context, *connect.ListContactFlowsInput, ...func(*connect.Options)) (*connect.ListContactFlowsOutput, error)
	ListContactFlowModules(context.Context, *connect.ListContactFlowModulesInput, ...func(*connect.Options)) (*connect.ListContactFlowModulesOutput, error)
	ListQueues(context.Context, *connect.ListQueuesInput, ...func(*connect.Options)) (*connect.ListQueuesOutput, error)
	ListRoutingProfiles(context.Context, *connect.ListRoutingProfilesInput, ...func(*connect.Options)) (*connect.ListRoutingProfilesOutput, error)
	ListHoursOfOperations(context.Context, *connect.ListHoursOfOperationsInput, ...func(*connect.Options)) (*connect.ListHoursOfOperationsOutput, error)
	ListQuickConnects(context.Context, *connect.ListQuickConnectsInput, ...func(*connect.Options)) (*connect.ListQuickConnectsOutput, error)
	ListPrompts(context.Context, *connect.ListPromptsInput, ...func(*connect.Options)) (*connect.ListPromptsOutput, error)
	ListAgentStatuses(context.Context, *connect.ListAgentStatusesInput, ...func(*connect.Options)) (*connect.ListAgentStatusesOutput, error)
	ListUserHierarchyGroups(context.Context, *connect.ListUserHierarchyGroupsInput, ...func(*connect.Options)) (*connect.ListUserHierarchyGroupsOutput, error)
	ListPredefinedAttributes(context.Context, *connect.ListPredefinedAttributesInput, ...func(*connect.Options)) (*connect.ListPredefinedAttributesOutput, error)
	ListPhoneNumbersV2(context.Context, *connect.ListPhoneNumbersV2Input, ...func(*connect.Options)) (*connect.ListPhoneNumbersV2Output, error)
	ListLambdaFunctions(context.Context, *connect.ListLambdaFunctionsInput, ...func(*connect.Options)) (*connect.ListLambdaFunctionsOutput, error)
	ListBots(context.Context, *connect.ListBotsInput, ...func(*connect.Options)) (*connect.ListBotsOutput, error)
	ListTaskTemplates(context.Context, *connect.ListTaskTemplatesInput, ...func(*connect.Options)) (*connect.ListTaskTemplatesOutput, error)
	SearchEmailAddresses(context.Context, *connect.SearchEmailAddressesInput, ...func(*connect.Options)) (*connect.SearchEmailAddressesOutput, error)
	ListIntegrationAssociations(context.Context, *connect.ListIntegrationAssociationsInput, ...func(*connect.Options)) (*connect.ListIntegrationAssociationsOutput, error)
	ListDataTables(context.Context, *connect.ListDataTablesInput, ...func(*connect.Options)) (*connect.ListDataTablesOutput, error)
	ListWorkspaces(context.Context, *connect.ListWorkspacesInput, ...func(*connect.Options)) (*connect.ListWorkspacesOutput, error)
	ListNotifications(context.Context, *connect.ListNotificationsInput, ...func(*connect.Options)) (*connect.ListNotificationsOutput, error)
	ListApprovedOrigins(context.Context, *connect.ListApprovedOriginsInput, ...func(*connect.Options)) (*connect.ListApprovedOriginsOutput, error)
	ListTrafficDistributionGroups(context.Context, *connect.ListTrafficDistributionGroupsInput, ...func(*connect.Options)) (*connect.ListTrafficDistributionGroupsOutput, error)
	ListEvaluationForms(context.Context, *connect.ListEvaluationFormsInput, ...func(*connect.Options)) (*connect.ListEvaluationFormsOutput, error)
	ListRules(context.Context, *connect.ListRulesInput, ...func(*connect.Options)) (*connect.ListRulesOutput, error)
	SearchRoutingProfiles(context.Context, *connect.SearchRoutingProfilesInput, ...func(*connect.Options)) (*connect.SearchRoutingProfilesOutput, error)
	ListRoutingProfileManualAssignmentQueues(context.Context, *connect.ListRoutingProfileManualAssignmentQueuesInput, ...func(*connect.Options)) (*connect.ListRoutingProfileManualAssignmentQueuesOutput, error)
	ListRoutingProfileQueues(context.Context, *connect.ListRoutingProfileQueuesInput, ...func(*connect.Options)) (*connect.ListRoutingProfileQueuesOutput, error)
	ListUserProficiencies(context.Context, *connect.ListUserProficienciesInput, ...func(*connect.Options)) (*connect.ListUserProficienciesOutput, error)
	SearchPredefinedAttributes(context.Context, *connect.SearchPredefinedAttributesInput, ...func(*connect.Options)) (*connect.SearchPredefinedAttributesOutput, error)
	SearchHoursOfOperationOverrides(context.Context, *connect.SearchHoursOfOperationOverridesInput, ...func(*connect.Options)) (*connect.SearchHoursOfOperationOverridesOutput, error)
	ListHoursOfOperationOverrides(context.Context, *connect.ListHoursOfOperationOverridesInput, ...func(*connect.Options)) (*connect.ListHoursOfOperationOverridesOutput, error)
	ListDataTableAttributes(context.Context, *connect.ListDataTableAttributesInput, ...func(*connect.Options)) (*connect.ListDataTableAttributesOutput, error)
	ListDataTableValues(context.Context, *connect.ListDataTableValuesInput, ...func(*connect.Options)) (*connect.ListDataTableValuesOutput, error)
	ListQueueQuickConnects(context.Context, *connect.ListQueueQuickConnectsInput, ...func(*connect.Options)) (*connect.ListQueueQuickConnectsOutput, error)
	ListQueueEmailAddresses(context.Context, *connect.ListQueueEmailAddressesInput, ...func(*connect.Options)) (*connect.ListQueueEmailAddressesOutput, error)
	ListEvaluationFormVersions(context.Context, *connect.ListEvaluationFormVersionsInput, ...func(*connect.Options)) (*connect.ListEvaluationFormVersionsOutput, error)
	SearchVocabularies(context.Context, *connect.SearchVocabulariesInput, ...func(*connect.Options)) (*connect.SearchVocabulariesOutput, error)
}

// QuotasAPI is the part of Service Quotas cqmon calls.
type QuotasAPI interface {
	ListServiceQuotas(context.Context, *servicequotas.ListServiceQuotasInput, ...func(*servicequotas.Options)) (*servicequotas.ListServiceQuotasOutput, error)
	ListAWSDefaultServiceQuotas(context.Context, *servicequotas.ListAWSDefaultServiceQuotasInput, ...func(*servicequotas.Options)) (*servicequotas.ListAWSDefaultServiceQuotasOutput, error)
	GetServiceQuota(context.Context, *servicequotas.GetServiceQuotaInput, ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error)
	ListRequestedServiceQuotaChangeHistory(context.Context, *servicequotas.ListRequestedServiceQuotaChangeHistoryInput, ...func(*servicequotas.Options)) (*servicequotas.ListRequestedServiceQuotaChangeHistoryOutput, error)
}

// MetricsAPI is the part of CloudWatch cqmon calls.
type MetricsAPI interface {
	GetMetricData(context.Context, *cloudwatch.GetMetricDataInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}
