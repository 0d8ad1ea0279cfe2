package collect

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// Families is every collector, keyed by the API family it reads. Read it
// top to bottom to see what cqmon calls.
var Families = map[string]Family{
	"connect:ListInstances": instanceCount(),
	"connect:ListUsers": withChildrenBounded("connect.users", boundless(listUserParents),
		&instanceBound{"", "connect.user_proficiencies", predefinedValueTotal},
		child{[]string{"connect.user_proficiencies"}, userProficiencies, 0}),
	"connect:ListSecurityProfiles":   count("connect.security_profiles", listSecurityProfiles),
	"connect:ListContactFlows":       count("connect.contact_flows", listContactFlows),
	"connect:ListContactFlowModules": count("connect.flow_modules", listContactFlowModules),
	"connect:ListQueues+ListQuickConnects": withChildrenBounded("connect.queues", boundless(listStandardQueueParents),
		&instanceBound{"connect.quick_connects", "connect.queue_quick_connects", quickConnectTotal},
		child{[]string{"connect.queue_quick_connects"}, queueQuickConnects, 0},
		child{[]string{"connect.queue_email_addresses"}, queueEmailAddresses, 0}),
	"connect:SearchRoutingProfiles": withChildrenBounded("connect.routing_profiles", routingProfileParents(), nil,
		child{[]string{"connect.routing_profile_queues"}, routingProfileQueues, 1},
		child{[]string{"connect.routing_profile_manual_assignment_queues"}, manualAssignmentQueues, 2}),
	"connect:ListHoursOfOperations": withChildrenBounded("connect.hours_of_operations", boundless(listHoursParents),
		&instanceBound{"", "connect.hours_of_operation_overrides", overrideTotal},
		child{[]string{"connect.hours_of_operation_overrides"}, hoursOverrides, 0}),
	"connect:ListPrompts":                 count("connect.prompts", listPrompts),
	"connect:ListAgentStatuses":           count("connect.agent_statuses", listAgentStatuses),
	"connect:ListUserHierarchyGroups":     count("connect.user_hierarchy_groups", listUserHierarchyGroups),
	"connect:ListPredefinedAttributes":    count("connect.predefined_attributes", listPredefinedAttributes),
	"connect:ListPhoneNumbersV2":          count("connect.phone_numbers", listPhoneNumbers),
	"connect:ListLambdaFunctions":         count("connect.lambda_functions", listLambdaFunctions),
	"connect:ListBots(V1)":                count("connect.lex_v1_bots", listBots(types.LexVersionV1)),
	"connect:ListBots(V2)":                count("connect.lex_v2_bot_aliases", listBots(types.LexVersionV2)),
	"connect:ListTaskTemplates":           count("connect.task_templates", listTaskTemplates),
	"connect:SearchEmailAddresses":        count("connect.email_addresses", searchEmailAddresses),
	"connect:ListIntegrationAssociations": integrationAssociations(),
	"connect:ListDataTables": withChildren("connect.data_tables", listDataTableParents,
		child{[]string{"connect.data_table_attributes", "connect.data_table_primary_attributes"}, dataTableAttributes, 0},
		child{[]string{"connect.data_table_values"}, dataTableValues, 0}),
	"connect:ListWorkspaces":                         count("connect.workspaces", listWorkspaces),
	"connect:ListNotifications":                      count("connect.notifications", listNotifications),
	"connect:ListApprovedOrigins":                    count("connect.approved_origins", listApprovedOrigins),
	"connect:ListTrafficDistributionGroups":          count("connect.traffic_distribution_groups", listTrafficDistributionGroups),
	"connect:ListEvaluationForms":                    withChildrenBounded("connect.evaluation_forms", listEvaluationFormParents, nil, child{[]string{"connect.evaluation_form_versions"}, evaluationFormVersions, 1}),
	"connect:ListRules(OnPostCallAnalysisAvailable)": count("connect.rules.OnPostCallAnalysisAvailable", listRules(types.EventSourceNameOnPostCallAnalysisAvailable)),
	"connect:SearchVocabularies":                     count("connect.vocabularies", searchVocabularies),
	"cloudwatch:GetMetricData":                       metrics(),

	// Connect's related services: one Region family each. It lists the
	// service's parents once, fans the per-parent calls out, and stops at
	// the first call when the service is not enabled, not in the Region or
	// not permitted (related.go).
	"cases:ListDomains":                     cases(),
	"profile:ListDomains":                   profiles(),
	"wisdom:ListAssistants":                 qconnectAssistantsAndBases(),
	"voiceid:ListDomains":                   voiceIDFamily(),
	"app-integrations:ListDataIntegrations": appIntegrationsFamily(),
	"connect-campaigns:ListCampaigns":       campaigns(),
}

// FamilyNames returns the registry's keys, sorted.
func FamilyNames() []string { return sortedKeys(Families) }

// ByMeasure maps every fixed measure key to the name of the family
// producing it, and every measure prefix (ending in ".") to its family. It
// fails if two families claim the same measure or prefix.
func ByMeasure() (map[string]string, error) {
	out := map[string]string{}
	for _, name := range FamilyNames() {
		f := Families[name]
		if (f.Instance == nil) == (f.Region == nil) {
			return nil, fmt.Errorf("family %s: want exactly one of Instance and Region", name)
		}
		keys := f.Measures
		if f.Prefix != "" {
			keys = append(keys[:len(keys):len(keys)], f.Prefix)
		}
		for _, m := range keys {
			if prev, dup := out[m]; dup {
				return nil, fmt.Errorf("measure %s produced by %s and %s", m, prev, name)
			}
			out[m] = name
		}
	}
	return out, nil
}

// FamilyFor names the family that produces a measure.
func FamilyFor(byMeasure map[string]string, measure string) (string, bool) {
	if name, ok := byMeasure[measure]; ok {
		return name, true
	}
	for key, name := range byMeasure {
		if strings.HasSuffix(key, ".") && strings.HasPrefix(measure, key) {
			return name, true
		}
	}
	return "", false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
