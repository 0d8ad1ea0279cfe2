package sim

import (
	"fmt"
	"strings"
)

// List item shapes, with the member names of the Connect model.

// summary is the common {Arn, Id, Name, LastModified*} summary.
func summary(r res, nameKey string) map[string]any {
	return map[string]any{
		"Arn": r.arn(), "Id": r.id(), nameKey: r.name(),
		"LastModifiedTime": epoch(r.modified()), "LastModifiedRegion": r.in.region,
	}
}

func nameSummary(r res) any { return summary(r, "Name") }

func userSummary(r res) any {
	m := summary(r, "Username")
	m["Username"] = fmt.Sprintf("agent%05d", r.idx+1)
	return m
}

func flowSummary(r res) any {
	return map[string]any{"Arn": r.arn(), "Id": r.id(), "Name": r.name(),
		"ContactFlowType": "CONTACT_FLOW", "ContactFlowState": "ACTIVE", "ContactFlowStatus": "PUBLISHED"}
}

func moduleSummary(r res) any {
	return map[string]any{"Arn": r.arn(), "Id": r.id(), "Name": r.name(), "State": "ACTIVE"}
}

func queueSummary(r res, queueType string) any {
	m := summary(r, "Name")
	m["QueueType"] = queueType
	if queueType == "AGENT" {
		delete(m, "Name") // agent queues belong to a user and carry no name
	}
	return m
}

func quickConnectSummary(r res) any {
	m := summary(r, "Name")
	m["QuickConnectType"] = "USER"
	return m
}

func agentStatusSummary(r res) any {
	m := summary(r, "Name")
	m["Type"] = agentStatusType(r.idx)
	return m
}

func predefinedAttributeSummary(r res) any {
	return map[string]any{"Name": r.name(), "LastModifiedTime": epoch(r.modified()), "LastModifiedRegion": r.in.region}
}

func lambdaARN(r res) any {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s-%s", r.in.region, accountOf(r.in), r.in.alias, r.name())
}

func lexBot(r res) any {
	return map[string]any{"LexBot": map[string]any{"Name": fmt.Sprintf("%s%03d", kinds["lexBots"].name, r.idx+1), "LexRegion": r.in.region}}
}

func lexV2Bot(r res) any {
	id := strings.ToUpper(strings.ReplaceAll(r.id(), "-", ""))
	return map[string]any{"LexV2Bot": map[string]any{
		"AliasArn": fmt.Sprintf("arn:aws:lex:%s:%s:bot-alias/%s/%s", r.in.region, accountOf(r.in), id[:10], id[20:30]),
	}}
}

func taskTemplate(r res) any {
	return map[string]any{"Arn": r.arn(), "Id": r.id(), "Name": r.name(), "Status": "ACTIVE",
		"CreatedTime": epoch(r.in.created), "LastModifiedTime": epoch(r.modified())}
}

func notification(r res) any {
	return map[string]any{"Arn": r.arn(), "Id": r.id(), "LastModifiedTime": epoch(r.modified()),
		"CreatedAt": epoch(r.modified()), "LastModifiedRegion": r.in.region, "Priority": "LOW",
		"Content": map[string]string{"en_US": "Scheduled maintenance " + r.name()}}
}

func origin(r res) any { return fmt.Sprintf("https://app-%d.%s.example.com", r.idx+1, r.in.alias) }

func evaluationFormSummary(r res) any {
	v := max(1, r.in.childCount("evaluationFormVersions", r.idx))
	return map[string]any{"EvaluationFormArn": r.arn(), "EvaluationFormId": r.id(), "Title": r.name(),
		"CreatedTime": epoch(r.in.created), "CreatedBy": adminARN(r.in), "LastModifiedTime": epoch(r.modified()),
		"LastModifiedBy": adminARN(r.in), "LatestVersion": v, "ActiveVersion": v}
}

func ruleSummary(r res, g RuleGroup) any {
	id := r.id()
	return map[string]any{"Name": fmt.Sprintf("rule-%05d", r.idx+1), "RuleId": id, "RuleArn": r.in.arn + "/rule/" + id,
		"EventSourceName": g.EventSource, "PublishStatus": g.PublishStatus, "ActionSummaries": []any{},
		"CreatedTime": epoch(r.in.created), "LastUpdatedTime": epoch(r.modified())}
}

func vocabulary(r res) any {
	return map[string]any{"Arn": r.arn(), "Id": r.id(), "Name": r.name(), "LanguageCode": "en-US",
		"LastModifiedTime": epoch(r.modified()), "State": "ACTIVE"}
}

// integrationTargets gives the ARN form of an integration per type.
var integrationTargets = map[string]string{
	"EVENT":                 "arn:aws:app-integrations:%s:%s:event-integration/%s",
	"APPLICATION":           "arn:aws:app-integrations:%s:%s:application/%s",
	"CASES_DOMAIN":          "arn:aws:cases:%s:%s:domain/%s",
	"VOICE_ID":              "arn:aws:voiceid:%s:%s:domain/%s",
	"PINPOINT_APP":          "arn:aws:mobiletargeting:%s:%s:apps/%s",
	"WISDOM_ASSISTANT":      "arn:aws:wisdom:%s:%s:assistant/%s",
	"WISDOM_KNOWLEDGE_BASE": "arn:aws:wisdom:%s:%s:knowledge-base/%s",
	"SES_IDENTITY":          "arn:aws:ses:%s:%s:identity/%s",
}

func integrationAssociation(r res, typ string) any {
	id := r.id()
	f, ok := integrationTargets[typ]
	if !ok {
		f = "arn:aws:app-integrations:%s:%s:" + strings.ToLower(strings.ReplaceAll(typ, "_", "-")) + "/%s"
	}
	return map[string]any{"IntegrationAssociationId": id, "IntegrationAssociationArn": r.in.arn + "/integration-association/" + id,
		"InstanceId": r.in.id, "IntegrationType": typ, "IntegrationArn": fmt.Sprintf(f, r.in.region, accountOf(r.in), id)}
}

func instanceSummary(account string, in *instance) any {
	return map[string]any{
		"Id": in.id, "Arn": in.arn, "IdentityManagementType": in.idm, "InstanceAlias": in.alias,
		"InstanceStatus": in.status, "CreatedTime": epoch(in.created),
		"ServiceRole":          fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_%s", account, strings.ReplaceAll(in.id, "-", "")[:20]),
		"InboundCallsEnabled":  in.status == "ACTIVE",
		"OutboundCallsEnabled": in.status == "ACTIVE",
		"InstanceAccessUrl":    fmt.Sprintf("https://%s.my.connect.aws", in.alias),
	}
}

func phoneNumber(r res) any {
	id := r.id()
	typ := "DID"
	if r.idx%3 == 2 {
		typ = "TOLL_FREE"
	}
	return map[string]any{"PhoneNumberId": id,
		"PhoneNumberArn":         fmt.Sprintf("arn:aws:connect:%s:%s:phone-number/%s", r.in.region, accountOf(r.in), id),
		"PhoneNumber":            fmt.Sprintf("+1555%07d", (r.in.ord*1000+r.idx)%10_000_000),
		"PhoneNumberCountryCode": "US", "PhoneNumberType": typ, "TargetArn": r.in.arn, "InstanceId": r.in.id}
}

func trafficGroup(r res) any {
	id := r.id()
	return map[string]any{"Id": id, "Arn": fmt.Sprintf("arn:aws:connect:%s:%s:traffic-distribution-group/%s", r.in.region, accountOf(r.in), id),
		"Name": fmt.Sprintf("%s-tdg-%d", r.in.alias, r.idx+1), "InstanceArn": r.in.arn, "Status": "ACTIVE", "IsDefault": r.idx == 0}
}

func emailAddress(r res) any {
	return map[string]any{"EmailAddressId": r.id(), "EmailAddressArn": r.arn(),
		"EmailAddress": fmt.Sprintf("%s@%s.email.connect.aws", r.name(), r.in.alias),
		"DisplayName":  fmt.Sprintf("Support %d", r.idx+1)}
}

// accountOf reads the account from the instance ARN.
func accountOf(in *instance) string { return strings.Split(in.arn, ":")[4] }

// adminARN is the user that created an instance's configuration.
func adminARN(in *instance) string { return in.arn + "/agent/" + res{in, "users", 0}.id() }
