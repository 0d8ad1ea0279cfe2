package collect

import (
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// Families is every collector, keyed by the API family it reads. Read it
// top to bottom to see what cqmon calls.
var Families = map[string]Family{
	"connect:ListInstances":                          instanceCount(),
	"connect:ListUsers":                              count("connect.users", listUsers),
	"connect:ListSecurityProfiles":                   count("connect.security_profiles", listSecurityProfiles),
	"connect:ListContactFlows":                       count("connect.contact_flows", listContactFlows),
	"connect:ListContactFlowModules":                 count("connect.flow_modules", listContactFlowModules),
	"connect:ListQueues":                             count("connect.queues", listStandardQueues),
	"connect:ListRoutingProfiles":                    count("connect.routing_profiles", listRoutingProfiles),
	"connect:ListHoursOfOperations":                  count("connect.hours_of_operations", listHoursOfOperations),
	"connect:ListQuickConnects":                      count("connect.quick_connects", listQuickConnects),
	"connect:ListPrompts":                            count("connect.prompts", listPrompts),
	"connect:ListAgentStatuses":                      count("connect.agent_statuses", listAgentStatuses),
	"connect:ListUserHierarchyGroups":                count("connect.user_hierarchy_groups", listUserHierarchyGroups),
	"connect:ListPredefinedAttributes":               count("connect.predefined_attributes", listPredefinedAttributes),
	"connect:ListPhoneNumbersV2":                     count("connect.phone_numbers", listPhoneNumbers),
	"connect:ListLambdaFunctions":                    count("connect.lambda_functions", listLambdaFunctions),
	"connect:ListBots(V1)":                           count("connect.lex_v1_bots", listBots(types.LexVersionV1)),
	"connect:ListBots(V2)":                           count("connect.lex_v2_bot_aliases", listBots(types.LexVersionV2)),
	"connect:ListTaskTemplates":                      count("connect.task_templates", listTaskTemplates),
	"connect:SearchEmailAddresses":                   count("connect.email_addresses", searchEmailAddresses),
	"connect:ListIntegrationAssociations":            integrationAssociations(),
	"connect:ListDataTables":                         count("connect.data_tables", listDataTables),
	"connect:ListWorkspaces":                         count("connect.workspaces", listWorkspaces),
	"connect:ListNotifications":                      count("connect.notifications", listNotifications),
	"connect:ListApprovedOrigins":                    count("connect.approved_origins", listApprovedOrigins),
	"connect:ListTrafficDistributionGroups":          count("connect.traffic_distribution_groups", listTrafficDistributionGroups),
	"connect:ListEvaluationForms":                    count("connect.evaluation_forms", listEvaluationForms),
	"connect:ListRules(OnPostCallAnalysisAvailable)": count("connect.rules.OnPostCallAnalysisAvailable", listRules(types.EventSourceNameOnPostCallAnalysisAvailable)),
	"connect:SearchVocabularies":                     count("connect.vocabularies", searchVocabularies),
	"cloudwatch:GetMetricData(AWS/Connect)":          concurrency(),
}

// FamilyNames returns the registry's keys, sorted.
func FamilyNames() []string { return sortedKeys(Families) }

// ByMeasure maps every measure key to the name of the family producing it.
// It fails if two families claim the same measure.
func ByMeasure() (map[string]string, error) {
	out := map[string]string{}
	for _, name := range FamilyNames() {
		f := Families[name]
		if (f.Instance == nil) == (f.Region == nil) {
			return nil, fmt.Errorf("family %s: want exactly one of Instance and Region", name)
		}
		for _, m := range f.Measures {
			if prev, dup := out[m]; dup {
				return nil, fmt.Errorf("measure %s produced by %s and %s", m, prev, name)
			}
			out[m] = name
		}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
