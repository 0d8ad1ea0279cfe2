package sim

import (
	"slices"
)

// connectRoutes lists the Connect operations the simulator serves, with the
// HTTP bindings, MaxResults maxima and result names of aws-sdk-go-v2
// service/connect v1.175.2 (SearchRules from the 2026 API reference).
var connectRoutes = []route{
	{op: "ListInstances", method: "GET", path: "/instance", max: 10, field: "InstanceSummaryList",
		noInstance: true, invalidRequest: true, list: listInstances},
	instanceList("ListUsers", "/users-summary/{InstanceId}", 1000, "UserSummaryList", "users", userSummary),
	instanceList("ListSecurityProfiles", "/security-profiles-summary/{InstanceId}", 1000, "SecurityProfileSummaryList", "securityProfiles", nameSummary),
	{op: "ListContactFlows", method: "GET", path: "/contact-flows-summary/{InstanceId}", max: 1000, field: "ContactFlowSummaryList",
		list: filtered("contactFlows", "contactFlowTypes", "CONTACT_FLOW", flowSummary)},
	{op: "ListContactFlowModules", method: "GET", path: "/contact-flow-modules-summary/{InstanceId}", max: 1000, field: "ContactFlowModulesSummaryList",
		list: filtered("contactFlowModules", "state", "ACTIVE", moduleSummary)},
	{op: "ListQueues", method: "GET", path: "/queues-summary/{InstanceId}", max: 1000, field: "QueueSummaryList",
		list: func(c *connectCall) (vlist, *apiError) {
			return queueList(c.in, c.query["queueTypes"], queueSummary), nil
		}},
	instanceList("ListRoutingProfiles", "/routing-profiles-summary/{InstanceId}", 1000, "RoutingProfileSummaryList", "routingProfiles", nameSummary),
	instanceList("ListHoursOfOperations", "/hours-of-operations-summary/{InstanceId}", 1000, "HoursOfOperationSummaryList", "hoursOfOperations", nameSummary),
	{op: "ListQuickConnects", method: "GET", path: "/quick-connects/{InstanceId}", max: 1000, field: "QuickConnectSummaryList",
		list: filtered("quickConnects", "QuickConnectTypes", "USER", quickConnectSummary)},
	instanceList("ListPrompts", "/prompts-summary/{InstanceId}", 1000, "PromptSummaryList", "prompts", nameSummary),
	{op: "ListAgentStatuses", method: "GET", path: "/agent-status/{InstanceId}", max: 1000, field: "AgentStatusSummaryList", list: listAgentStatuses},
	instanceList("ListUserHierarchyGroups", "/user-hierarchy-groups-summary/{InstanceId}", 1000, "UserHierarchyGroupSummaryList", "userHierarchyGroups", nameSummary),
	instanceList("ListPredefinedAttributes", "/predefined-attributes/{InstanceId}", 100, "PredefinedAttributeSummaryList", "predefinedAttributes", predefinedAttributeSummary),
	{op: "ListPhoneNumbersV2", method: "POST", path: "/phone-number/list", max: 1000, field: "ListPhoneNumbersSummaryList",
		bodyPaging: true, noInstance: true, list: listPhoneNumbers},
	instanceList("ListLambdaFunctions", "/instance/{InstanceId}/lambda-functions", 25, "LambdaFunctions", "lambdaFunctions", lambdaARN),
	{op: "ListBots", method: "GET", path: "/instance/{InstanceId}/bots", max: 25, field: "LexBots", invalidRequest: true, list: listBots},
	{op: "ListTaskTemplates", method: "GET", path: "/instance/{InstanceId}/task/template", max: 100, field: "TaskTemplates",
		list: filtered("taskTemplates", "status", "ACTIVE", taskTemplate)},
	{op: "ListIntegrationAssociations", method: "GET", path: "/instance/{InstanceId}/integration-associations", max: 100,
		field: "IntegrationAssociationSummaryList", invalidRequest: true, list: listIntegrations},
	instanceList("ListDataTables", "/data-tables/{InstanceId}", 1000, "DataTableSummaryList", "dataTables", nameSummary),
	instanceList("ListWorkspaces", "/workspaces/{InstanceId}", 100, "WorkspaceSummaryList", "workspaces", nameSummary),
	instanceList("ListNotifications", "/notifications/{InstanceId}", 100, "NotificationSummaryList", "notifications", notification),
	instanceList("ListApprovedOrigins", "/instance/{InstanceId}/approved-origins", 25, "Origins", "approvedOrigins", origin),
	{op: "ListTrafficDistributionGroups", method: "GET", path: "/traffic-distribution-groups", max: 10,
		field: "TrafficDistributionGroupSummaryList", noInstance: true, invalidRequest: true, list: listTrafficGroups},
	instanceList("ListEvaluationForms", "/evaluation-forms/{InstanceId}", 100, "EvaluationFormSummaryList", "evaluationForms", evaluationFormSummary),
	{op: "ListRules", method: "GET", path: "/rules/{InstanceId}", max: 200, field: "RuleSummaryList", invalidRequest: true,
		list: func(c *connectCall) (vlist, *apiError) {
			return ruleList(c.in, c.query.Get("eventSourceName"), c.query.Get("publishStatus"), ruleSummary), nil
		}},
	{op: "SearchVocabularies", method: "POST", path: "/vocabulary-summary/{InstanceId}", max: 100, field: "VocabularySummaryList",
		bodyPaging: true, invalidRequest: true, list: kinds2list("vocabularies", vocabulary)},

	childList("ListRoutingProfileQueues", "/routing-profiles/{InstanceId}/{RoutingProfileId}/queues", "RoutingProfileQueueConfigSummaryList", "routingProfileQueues", routingProfileQueues),
	childList("ListRoutingProfileManualAssignmentQueues", "/routing-profiles/{InstanceId}/{RoutingProfileId}/manual-assignment-queues", "RoutingProfileManualAssignmentQueueConfigSummaryList", "routingProfileManualAssignmentQueues", manualAssignmentQueues),
	childList("ListQueueQuickConnects", "/queues/{InstanceId}/{QueueId}/quick-connects", "QuickConnectSummaryList", "queueQuickConnects", queueQuickConnects),
	childList("ListQueueEmailAddresses", "/queues/{InstanceId}/{QueueId}/email-addresses", "EmailAddressMetadataList", "queueEmailAddresses", queueEmailAddresses),
	childList("ListUserProficiencies", "/users/{InstanceId}/{UserId}/proficiencies", "UserProficiencyList", "userProficiencies", userProficiencies),
	childList("ListHoursOfOperationOverrides", "/hours-of-operations/{InstanceId}/{HoursOfOperationId}/overrides", "HoursOfOperationOverrideList", "hoursOfOperationOverrides", hoursOverrides),
	childList("ListEvaluationFormVersions", "/evaluation-forms/{InstanceId}/{EvaluationFormId}/versions", "EvaluationFormVersionSummaryList", "evaluationFormVersions", evaluationFormVersions),
	dataTableList(childList("ListDataTableAttributes", "/data-tables/{InstanceId}/{DataTableId}/attributes", "Attributes", "dataTableAttributes", dataTableAttributes)),
	dataTableList(childList("ListDataTableValues", "/data-tables/{InstanceId}/{DataTableId}/values/list", "Values", "dataTableValues", dataTableValues)),

	searchRoute("SearchUsers", "/search-users", 500, "Users", "users", searchUser),
	{op: "SearchQueues", method: "POST", path: "/search-queues", max: 500, field: "Queues", bodyPaging: true, count: true, kind: "queues",
		list: func(c *connectCall) (vlist, *apiError) {
			var types []string
			if crit, ok := c.body["SearchCriteria"].(map[string]any); ok {
				if t, ok := crit["QueueTypeCondition"].(string); ok {
					if t != "STANDARD" {
						return nil, c.invalid("QueueTypeCondition must be STANDARD")
					}
					types = []string{t}
				}
			}
			return queueList(c.in, types, searchQueue), nil
		}},
	searchRoute("SearchRoutingProfiles", "/search-routing-profiles", 500, "RoutingProfiles", "routingProfiles", searchRoutingProfile),
	searchRoute("SearchSecurityProfiles", "/search-security-profiles", 100, "SecurityProfiles", "securityProfiles", searchNamed("Arn", "Id", "SecurityProfileName")),
	searchRoute("SearchContactFlows", "/search-contact-flows", 100, "ContactFlows", "contactFlows", searchFlow),
	searchRoute("SearchContactFlowModules", "/search-contact-flow-modules", 100, "ContactFlowModules", "contactFlowModules", searchModule),
	searchRoute("SearchHoursOfOperations", "/search-hours-of-operations", 100, "HoursOfOperations", "hoursOfOperations", searchNamed("HoursOfOperationArn", "HoursOfOperationId", "Name")),
	{op: "SearchHoursOfOperationOverrides", method: "POST", path: "/search-hours-of-operation-overrides", max: 100,
		field: "HoursOfOperationOverrides", bodyPaging: true, count: true, kind: "hoursOfOperationOverrides",
		list: func(c *connectCall) (vlist, *apiError) {
			// Every override of the instance, hours of operation by hours of
			// operation.
			var v vlist
			for p := range c.in.counts["hoursOfOperations"] {
				v = append(v, hoursOverrides(c.in, p)...)
			}
			return v, nil
		}},
	searchRoute("SearchQuickConnects", "/search-quick-connects", 100, "QuickConnects", "quickConnects", searchNamed("QuickConnectARN", "QuickConnectId", "Name")),
	searchRoute("SearchPrompts", "/search-prompts", 100, "Prompts", "prompts", searchNamed("PromptARN", "PromptId", "Name")),
	searchRoute("SearchAgentStatuses", "/search-agent-statuses", 100, "AgentStatuses", "agentStatuses", searchAgentStatus),
	searchRoute("SearchUserHierarchyGroups", "/search-user-hierarchy-groups", 100, "UserHierarchyGroups", "userHierarchyGroups", searchNamed("Arn", "Id", "Name")),
	searchRoute("SearchPredefinedAttributes", "/search-predefined-attributes", 100, "PredefinedAttributes", "predefinedAttributes", searchPredefinedAttribute),
	searchRoute("SearchDataTables", "/search-data-tables", 1000, "DataTables", "dataTables", searchDataTable),
	searchRoute("SearchWorkspaces", "/search-workspaces", 500, "Workspaces", "workspaces", searchNamed("Arn", "Id", "Name")),
	searchRoute("SearchNotifications", "/search-notifications", 100, "Notifications", "notifications", searchNotification),
	{op: "SearchRules", method: "POST", path: "/search-rules", max: 200, field: "Rules", bodyPaging: true, count: true, kind: "rules",
		list: func(c *connectCall) (vlist, *apiError) { return ruleList(c.in, "", "", ruleSummary), nil }},
	searchRoute("SearchViews", "/search-views", 100, "Views", "views", searchView),
	searchRoute("SearchEvaluationForms", "/search-evaluation-forms", 100, "EvaluationFormSearchSummaryList", "evaluationForms", searchEvaluationForm),
	searchRoute("SearchEmailAddresses", "/search-email-addresses", 100, "EmailAddresses", "emailAddresses", emailAddress),
}

func kinds2list(kind string, shape func(res) any) func(*connectCall) (vlist, *apiError) {
	return func(c *connectCall) (vlist, *apiError) { return kindList(c.in, kind, shape), nil }
}

func instanceList(op, path string, max int, field, kind string, shape func(res) any) route {
	return route{op: op, method: "GET", path: path, max: max, field: field, kind: kind, list: kinds2list(kind, shape)}
}

func searchRoute(op, path string, max int, field, kind string, shape func(res) any) route {
	return route{op: op, method: "POST", path: path, max: max, field: field, kind: kind,
		bodyPaging: true, count: true, list: kinds2list(kind, shape)}
}

// childList is a per-parent operation: its second path parameter names the
// parent, and child(in, parentIndex) lists the children.
func childList(op, path, field, child string, children func(in *instance, parent int) vlist) route {
	return route{op: op, method: "GET", path: path, max: 100, field: field, parent: childParents[child],
		list:  func(c *connectCall) (vlist, *apiError) { return children(c.in, c.parent), nil },
		extra: parentModified}
}

// dataTableList adapts a child list to the data table operations: POST,
// MaxResults up to 1000 in the query, and no LastModified fields.
func dataTableList(r route) route {
	r.method, r.max, r.extra = "POST", 1000, nil
	return r
}

func allows(filter []string, v string) bool { return len(filter) == 0 || slices.Contains(filter, v) }

// filtered lists a kind whose items all have the same value of a
// multi-valued query filter; a filter without that value matches nothing.
func filtered(kind, param, value string, shape func(res) any) func(*connectCall) (vlist, *apiError) {
	return func(c *connectCall) (vlist, *apiError) {
		if !allows(c.query[param], value) {
			return nil, nil
		}
		return kindList(c.in, kind, shape), nil
	}
}

// parentModified adds the parent's LastModifiedTime and LastModifiedRegion.
func parentModified(c *connectCall) map[string]any {
	r := res{c.in, c.rt.parent, c.parent}
	if c.rt.parent == "queues" && c.parent >= c.in.counts["queues"] {
		r = res{c.in, "agentQueues", c.parent - c.in.counts["queues"]}
	}
	return map[string]any{"LastModifiedTime": epoch(r.modified()), "LastModifiedRegion": c.in.region}
}

// queueList lists standard queues, then agent queues, as types allow.
func queueList(in *instance, types []string, shape func(r res, queueType string) any) vlist {
	var v vlist
	if allows(types, "STANDARD") {
		v = append(v, segment{n: in.counts["queues"], item: func(i int) any { return shape(res{in, "queues", i}, "STANDARD") }})
	}
	if allows(types, "AGENT") {
		v = append(v, segment{n: in.counts["agentQueues"], item: func(i int) any { return shape(res{in, "agentQueues", i}, "AGENT") }})
	}
	return v
}

func agentStatusType(idx int) string {
	switch idx {
	case 0:
		return "ROUTABLE"
	case 1:
		return "OFFLINE"
	}
	return "CUSTOM"
}

func listAgentStatuses(c *connectCall) (vlist, *apiError) {
	types := c.query["AgentStatusTypes"]
	var v vlist
	n := c.in.counts["agentStatuses"]
	for _, t := range []struct {
		typ      string
		from, to int
	}{{"ROUTABLE", 0, 1}, {"OFFLINE", 1, 2}, {"CUSTOM", 2, n}} {
		from, to := min(t.from, n), min(t.to, n)
		if to > from && allows(types, t.typ) {
			v = append(v, segment{n: to - from, item: func(i int) any {
				return agentStatusSummary(res{c.in, "agentStatuses", from + i})
			}})
		}
	}
	return v, nil
}

func listBots(c *connectCall) (vlist, *apiError) {
	switch c.query.Get("lexVersion") {
	case "V1":
		return kindList(c.in, "lexBots", lexBot), nil
	case "V2":
		return kindList(c.in, "lexV2BotAliases", lexV2Bot), nil
	}
	return nil, c.invalid("lexVersion must be V1 or V2")
}

// ruleList lists the rule groups matching eventSource and status ("" = any).
func ruleList(in *instance, eventSource, status string, shape func(res, RuleGroup) any) vlist {
	var v vlist
	base := 0
	for _, g := range in.rules {
		if (eventSource == "" || g.EventSource == eventSource) && (status == "" || g.PublishStatus == status) {
			first := base
			v = append(v, segment{n: g.Count, item: func(i int) any { return shape(res{in, "rules", first + i}, g) }})
		}
		base += g.Count
	}
	return v
}

func listIntegrations(c *connectCall) (vlist, *apiError) {
	typ := c.query.Get("integrationType")
	if typ != "" && !slices.Contains(integrationTypes, typ) {
		return nil, c.invalid("integrationType is not valid: " + typ)
	}
	arnFilter := c.query.Get("integrationArn")
	var v vlist
	base := 0
	for _, g := range c.in.integrations {
		if typ == "" || g.Type == typ {
			first := base
			v = append(v, segment{n: g.Count, item: func(i int) any {
				return integrationAssociation(res{c.in, "integrationAssociations", first + i}, g.Type)
			}})
		}
		base += g.Count
	}
	if arnFilter != "" {
		for i := range v.len() {
			if m := v.slice(i, i+1)[0].(map[string]any); m["IntegrationArn"] == arnFilter {
				return vlist{{n: 1, item: func(int) any { return m }}}, nil
			}
		}
		return nil, nil
	}
	return v, nil
}

// regionInstances lists the active instances of a region, or only in.
func (c *connectCall) regionInstances() []*instance {
	if c.in != nil {
		return []*instance{c.in}
	}
	var out []*instance
	for _, in := range c.s.w.instances {
		if in.region == c.region && in.status == "ACTIVE" {
			out = append(out, in)
		}
	}
	return out
}

func listInstances(c *connectCall) (vlist, *apiError) {
	var ins []*instance
	for _, in := range c.s.w.instances {
		if in.region == c.region {
			ins = append(ins, in)
		}
	}
	return vlist{{n: len(ins), item: func(i int) any { return instanceSummary(c.s.w.account, ins[i]) }}}, nil
}

func listPhoneNumbers(c *connectCall) (vlist, *apiError) {
	target := c.str("TargetArn")
	if target != "" && c.instRef != "" {
		return nil, c.invalid("Provide either InstanceId or TargetArn, not both")
	}
	if target != "" {
		c.in = c.s.findInstance(c.region, target)
		if c.in == nil {
			return nil, nil // a traffic distribution group or an unknown target
		}
	}
	var v vlist
	for _, in := range c.regionInstances() {
		v = append(v, kindList(in, "phoneNumbers", phoneNumber)...)
	}
	return v, nil
}

func listTrafficGroups(c *connectCall) (vlist, *apiError) {
	var v vlist
	for _, in := range c.regionInstances() {
		v = append(v, kindList(in, "trafficDistributionGroups", trafficGroup)...)
	}
	return v, nil
}
