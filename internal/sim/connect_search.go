package sim

import "fmt"

// Search* item shapes. They carry the full resource rather than a summary,
// each with the member names of its model shape.

func searchNamed(arnKey, idKey, nameKey string) func(res) any {
	return func(r res) any {
		return map[string]any{arnKey: r.arn(), idKey: r.id(), nameKey: r.name(),
			"LastModifiedTime": epoch(r.modified()), "LastModifiedRegion": r.in.region, "Tags": map[string]string{}}
	}
}

func searchUser(r res) any {
	m := map[string]any{"Arn": r.arn(), "Id": r.id(), "Username": fmt.Sprintf("agent%05d", r.idx+1),
		"IdentityInfo": map[string]any{"FirstName": "Agent", "LastName": fmt.Sprintf("%05d", r.idx+1)},
		"PhoneConfig":  map[string]any{"PhoneType": "SOFT_PHONE", "AutoAccept": false, "AfterContactWorkTimeLimit": 0}}
	if n := r.in.counts["routingProfiles"]; n > 0 {
		m["RoutingProfileId"] = res{r.in, "routingProfiles", r.idx % n}.id()
	}
	if n := r.in.counts["securityProfiles"]; n > 0 {
		m["SecurityProfileIds"] = []string{res{r.in, "securityProfiles", min(1, n-1)}.id()}
	}
	if n := r.in.counts["userHierarchyGroups"]; n > 0 {
		m["HierarchyGroupId"] = res{r.in, "userHierarchyGroups", r.idx % n}.id()
	}
	return m
}

func searchQueue(r res, queueType string) any {
	m := map[string]any{"QueueArn": r.arn(), "QueueId": r.id(), "Status": "ENABLED",
		"LastModifiedTime": epoch(r.modified()), "LastModifiedRegion": r.in.region}
	if queueType == "STANDARD" {
		m["Name"] = r.name()
		m["Description"] = "Standard queue"
		if r.in.counts["hoursOfOperations"] > 0 {
			m["HoursOfOperationId"] = res{r.in, "hoursOfOperations", 0}.id()
		}
	}
	return m
}

func searchRoutingProfile(r res) any {
	m := map[string]any{"RoutingProfileArn": r.arn(), "RoutingProfileId": r.id(), "Name": r.name(),
		"InstanceId": r.in.id, "Description": r.name(), "IsDefault": r.idx == 0,
		"LastModifiedTime": epoch(r.modified()), "LastModifiedRegion": r.in.region,
		"NumberOfAssociatedQueues":                 routingProfileQueues(r.in, r.idx).len(),
		"NumberOfAssociatedManualAssignmentQueues": manualAssignmentQueues(r.in, r.idx).len(),
		"MediaConcurrencies": []any{
			map[string]any{"Channel": "VOICE", "Concurrency": 1},
			map[string]any{"Channel": "CHAT", "Concurrency": 3},
		},
	}
	if r.in.counts["queues"] > 0 {
		m["DefaultOutboundQueueId"] = res{r.in, "queues", 0}.id()
	}
	return m
}

func searchFlow(r res) any {
	return map[string]any{"Arn": r.arn(), "Id": r.id(), "Name": r.name(), "Type": "CONTACT_FLOW",
		"State": "ACTIVE", "Status": "PUBLISHED", "LastModifiedTime": epoch(r.modified()), "LastModifiedRegion": r.in.region}
}

func searchModule(r res) any {
	return map[string]any{"Arn": r.arn(), "Id": r.id(), "Name": r.name(), "State": "ACTIVE", "Status": "PUBLISHED"}
}

func searchAgentStatus(r res) any {
	return map[string]any{"AgentStatusARN": r.arn(), "AgentStatusId": r.id(), "Name": r.name(),
		"Type": agentStatusType(r.idx), "State": "ENABLED", "DisplayOrder": r.idx + 1,
		"LastModifiedTime": epoch(r.modified()), "LastModifiedRegion": r.in.region}
}

func searchPredefinedAttribute(r res) any {
	return map[string]any{"Name": r.name(), "Values": map[string]any{"StringList": []string{"low", "medium", "high"}},
		"LastModifiedTime": epoch(r.modified()), "LastModifiedRegion": r.in.region}
}

func searchDataTable(r res) any {
	return map[string]any{"Arn": r.arn(), "Id": r.id(), "Name": r.name(), "TimeZone": "UTC", "Status": "PUBLISHED",
		"CreatedTime": epoch(r.in.created), "LastModifiedTime": epoch(r.modified()), "LastModifiedRegion": r.in.region}
}

func searchNotification(r res) any {
	m := notification(r).(map[string]any)
	m["InstanceId"] = r.in.id
	return m
}

func searchView(r res) any {
	return map[string]any{"Arn": r.arn(), "Id": r.id(), "Name": r.name(), "Status": "PUBLISHED",
		"Type": "CUSTOMER_MANAGED", "Version": 1, "CreatedTime": epoch(r.in.created), "LastModifiedTime": epoch(r.modified())}
}

func searchEvaluationForm(r res) any {
	m := evaluationFormSummary(r).(map[string]any)
	m["Status"] = "ACTIVE"
	return m
}

// Per-parent children.

var channels = []string{"VOICE", "CHAT", "TASK", "EMAIL"}

// routingProfileQueues pairs the standard queues with each channel; a
// profile cannot hold more distinct pairs than exist.
func routingProfileQueues(in *instance, parent int) vlist {
	nq := in.counts["queues"]
	n := min(in.childCount("routingProfileQueues", parent), nq*len(channels))
	return vlist{{n: n, item: func(k int) any {
		q := res{in, "queues", k / len(channels)}
		return map[string]any{"QueueId": q.id(), "QueueArn": q.arn(), "QueueName": q.name(),
			"Channel": channels[k%len(channels)], "Priority": 1, "Delay": 0}
	}}}
}

func manualAssignmentQueues(in *instance, parent int) vlist {
	manual := channels[1:]
	nq := in.counts["queues"]
	n := min(in.childCount("routingProfileManualAssignmentQueues", parent), nq*len(manual))
	return vlist{{n: n, item: func(k int) any {
		q := res{in, "queues", k / len(manual)}
		return map[string]any{"QueueId": q.id(), "QueueArn": q.arn(), "QueueName": q.name(), "Channel": manual[k%len(manual)]}
	}}}
}

func queueQuickConnects(in *instance, parent int) vlist {
	n := min(in.childCount("queueQuickConnects", parent), in.counts["quickConnects"])
	return kindList(in, "quickConnects", quickConnectSummary).window(n)
}

func queueEmailAddresses(in *instance, parent int) vlist {
	n := min(in.childCount("queueEmailAddresses", parent), in.counts["emailAddresses"])
	return vlist{{n: n, item: func(k int) any {
		e := res{in, "emailAddresses", k}
		return map[string]any{"Id": e.id(), "Arn": e.arn(), "IsDefaultOutboundEmail": k == 0}
	}}}
}

func userProficiencies(in *instance, parent int) vlist {
	na := max(1, in.counts["predefinedAttributes"])
	return vlist{{n: in.childCount("userProficiencies", parent), item: func(k int) any {
		name := "Skill"
		if in.counts["predefinedAttributes"] > 0 {
			name = res{in, "predefinedAttributes", k % na}.name()
		}
		return map[string]any{"AttributeName": name, "AttributeValue": fmt.Sprintf("value-%d", k/na+1), "Level": float64(1 + k%5)}
	}}}
}

func hoursOverrides(in *instance, parent int) vlist {
	h := res{in, "hoursOfOperations", parent}
	return vlist{{n: in.childCount("hoursOfOperationOverrides", parent), item: func(k int) any {
		day := in.created.AddDate(1, 0, k)
		return map[string]any{
			"HoursOfOperationOverrideId": res{in, fmt.Sprintf("hoursOfOperationOverrides/%d", parent), k}.id(),
			"HoursOfOperationId":         h.id(), "HoursOfOperationArn": h.arn(),
			"Name": fmt.Sprintf("override-%d", k+1), "OverrideType": "CLOSED", "Config": []any{},
			"EffectiveFrom": day.Format("2006-01-02"), "EffectiveTill": day.AddDate(0, 0, 1).Format("2006-01-02"),
		}
	}}}
}

func evaluationFormVersions(in *instance, parent int) vlist {
	f := res{in, "evaluationForms", parent}
	n := in.childCount("evaluationFormVersions", parent)
	return vlist{{n: n, item: func(k int) any {
		status := "DRAFT"
		if k == n-1 {
			status = "ACTIVE"
		}
		return map[string]any{"EvaluationFormId": f.id(), "EvaluationFormArn": f.arn(), "EvaluationFormVersion": k + 1,
			"Locked": k < n-1, "Status": status, "CreatedTime": epoch(f.modified()), "CreatedBy": adminARN(in),
			"LastModifiedTime": epoch(f.modified()), "LastModifiedBy": adminARN(in)}
	}}}
}

func dataTableAttributes(in *instance, parent int) vlist {
	t := res{in, "dataTables", parent}
	return vlist{{n: in.childCount("dataTableAttributes", parent), item: func(k int) any {
		return map[string]any{"AttributeId": res{in, fmt.Sprintf("dataTableAttributes/%d", parent), k}.id(),
			"Name": fmt.Sprintf("column_%d", k+1), "ValueType": "TEXT", "Primary": k == 0,
			"DataTableId": t.id(), "DataTableArn": t.arn(),
			"LastModifiedTime": epoch(t.modified()), "LastModifiedRegion": in.region}
	}}}
}

func dataTableValues(in *instance, parent int) vlist {
	return vlist{{n: in.childCount("dataTableValues", parent), item: func(k int) any {
		return map[string]any{"RecordId": res{in, fmt.Sprintf("dataTableRecords/%d", parent), k}.id(),
			"AttributeName": "column_1", "Value": fmt.Sprintf("value-%d", k+1), "ValueType": "TEXT",
			"PrimaryValues": []any{}, "LastModifiedTime": epoch(in.created), "LastModifiedRegion": in.region}
	}}}
}
