package collect

import "slices"

// scanActions is every IAM action a scan calls, sorted: the methods of
// ConnectAPI, QuotasAPI, MetricsAPI and the related services' APIs, each
// with its IAM prefix. It is written out rather than read from the
// interfaces by reflection at run time: a reflective method lookup makes
// the linker keep every method of every SDK client, which doubles the
// binary. TestIAMActionsMatchTheInterfaces keeps the list and the
// interfaces equal.
var scanActions = []string{
	"app-integrations:ListApplications",
	"app-integrations:ListDataIntegrationAssociations",
	"app-integrations:ListDataIntegrations",
	"app-integrations:ListEventIntegrationAssociations",
	"app-integrations:ListEventIntegrations",
	"cases:ListCaseRules",
	"cases:ListDomains",
	"cases:ListFieldOptions",
	"cases:ListFields",
	"cases:ListLayouts",
	"cases:ListTemplates",
	"cloudwatch:GetMetricData",
	"connect-campaigns:ListCampaigns",
	"connect:ListAgentStatuses",
	"connect:ListApprovedOrigins",
	"connect:ListBots",
	"connect:ListContactFlowModules",
	"connect:ListContactFlows",
	"connect:ListDataTableAttributes",
	"connect:ListDataTableValues",
	"connect:ListDataTables",
	"connect:ListEvaluationFormVersions",
	"connect:ListEvaluationForms",
	"connect:ListHoursOfOperationOverrides",
	"connect:ListHoursOfOperations",
	"connect:ListInstances",
	"connect:ListIntegrationAssociations",
	"connect:ListLambdaFunctions",
	"connect:ListNotifications",
	"connect:ListPhoneNumbersV2",
	"connect:ListPredefinedAttributes",
	"connect:ListPrompts",
	"connect:ListQueueEmailAddresses",
	"connect:ListQueueQuickConnects",
	"connect:ListQueues",
	"connect:ListQuickConnects",
	"connect:ListRoutingProfileManualAssignmentQueues",
	"connect:ListRoutingProfileQueues",
	"connect:ListRoutingProfiles",
	"connect:ListRules",
	"connect:ListSecurityProfiles",
	"connect:ListTaskTemplates",
	"connect:ListTrafficDistributionGroups",
	"connect:ListUserHierarchyGroups",
	"connect:ListUserProficiencies",
	"connect:ListUsers",
	"connect:ListWorkspaces",
	"connect:SearchEmailAddresses",
	"connect:SearchHoursOfOperationOverrides",
	"connect:SearchPredefinedAttributes",
	"connect:SearchRoutingProfiles",
	"connect:SearchVocabularies",
	"profile:ListCalculatedAttributeDefinitions",
	"profile:ListDomains",
	"profile:ListEventStreams",
	"profile:ListEventTriggers",
	"profile:ListIntegrations",
	"profile:ListProfileObjectTypes",
	"servicequotas:GetServiceQuota",
	"servicequotas:ListAWSDefaultServiceQuotas",
	"servicequotas:ListRequestedServiceQuotaChangeHistory",
	"servicequotas:ListServiceQuotas",
	"voiceid:ListDomains",
	"voiceid:ListFraudsters",
	"voiceid:ListWatchlists",
	"wisdom:ListAssistantAssociations",
	"wisdom:ListAssistants",
	"wisdom:ListContents",
	"wisdom:ListKnowledgeBases",
	"wisdom:ListMessageTemplates",
	"wisdom:ListQuickResponses",
}

// IAMActions returns every IAM action a scan calls, sorted: the Connect
// read calls of ConnectAPI, Service Quotas and CloudWatch reads, and the
// list calls of Connect's related services. All are read-only.
// (sts:GetCallerIdentity needs no permission.)
func IAMActions() []string { return slices.Clone(scanActions) }
