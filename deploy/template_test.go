package deploy

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/cqmon/cqmon/internal/collect"
	"github.com/cqmon/cqmon/internal/lambdaconfig"
	"github.com/cqmon/cqmon/internal/store"
)

var update = flag.Bool("update", false, "rewrite the template's scan actions from collect.IAMActions()")

const templateFile = "cqmon.yaml"

// template is the parsed template; short-form intrinsics become their
// long form ({"Ref": x}, {"Fn::If": [...]}, ...).
type template map[string]any

func loadTemplate(t *testing.T) template {
	t.Helper()
	return loadTemplateFile(t, templateFile)
}

func loadTemplateFile(t *testing.T, templateFile string) template {
	t.Helper()
	b, err := os.ReadFile(templateFile)
	if err != nil {
		t.Fatal(err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		t.Fatalf("%s: %v", templateFile, err)
	}
	m, ok := decode(t, &n).(map[string]any)
	if !ok {
		t.Fatalf("%s is not a mapping", templateFile)
	}
	return m
}

func decode(t *testing.T, n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return decode(t, n.Content[0])
	case yaml.AliasNode:
		t.Fatalf("line %d: CloudFormation does not read YAML aliases", n.Line)
	}
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = decode(t, n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, decode(t, c))
		}
		v = l
	case yaml.ScalarNode:
		v = n.Value
		if !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!") {
			if err := n.Decode(&v); err != nil {
				t.Fatalf("line %d: %v", n.Line, err)
			}
		}
	}
	switch fn := strings.TrimPrefix(n.Tag, "!"); {
	case strings.HasPrefix(n.Tag, "!!") || n.Tag == "" || fn == n.Tag:
		return v
	case fn == "Ref":
		return map[string]any{"Ref": v}
	case fn == "GetAtt":
		if s, ok := v.(string); ok {
			res, attr, _ := strings.Cut(s, ".")
			v = []any{res, attr}
		}
		return map[string]any{"Fn::GetAtt": v}
	default:
		return map[string]any{"Fn::" + fn: v}
	}
}

func (tpl template) section(t *testing.T, name string) map[string]any {
	t.Helper()
	s, ok := tpl[name].(map[string]any)
	if !ok {
		t.Fatalf("the template has no %s", name)
	}
	return s
}

func (tpl template) properties(t *testing.T, resource string) map[string]any {
	t.Helper()
	r, ok := tpl.section(t, "Resources")[resource].(map[string]any)
	if !ok {
		t.Fatalf("the template has no resource %s", resource)
	}
	p, _ := r["Properties"].(map[string]any)
	return p
}

// path walks nested mappings.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func (tpl template) environment(t *testing.T) map[string]any {
	t.Helper()
	env, ok := path(tpl.properties(t, "Function"), "Environment", "Variables").(map[string]any)
	if !ok {
		t.Fatal("the function has no environment")
	}
	return env
}

// Every variable the function reads is set by the template, and the
// template sets no other.
func TestTemplateSetsEveryVariable(t *testing.T) {
	var got []string
	for k := range loadTemplate(t).environment(t) {
		got = append(got, k)
	}
	want := slices.Clone(lambdaconfig.Vars)
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("environment variables (-read by the function +set by the template):\n%s", diff)
	}
}

// statementActions returns the actions of a policy statement, taking
// both branches of a conditional statement.
func statementActions(s any) []string {
	if f, ok := path(s, "Fn::If").([]any); ok && len(f) == 3 {
		return append(statementActions(f[1]), statementActions(f[2])...)
	}
	switch a := path(s, "Action").(type) {
	case string:
		return []string{a}
	case []any:
		var out []string
		for _, v := range a {
			out = append(out, fmt.Sprint(v))
		}
		return out
	}
	return nil
}

// The role allows exactly what the code calls (lambdaconfig.RequiredActions
// with every store, the topic and the key) and what Lambda does with the
// role (PlatformActions, in a VPC): nothing missing, nothing extra, no
// wildcard.
func TestPolicyActionsMatchTheCode(t *testing.T) {
	if *update {
		rewriteScanActions(t)
	}
	tpl := loadTemplate(t)
	policies, _ := tpl.properties(t, "FunctionRole")["Policies"].([]any)
	var got []string
	for _, p := range policies {
		stmts, _ := path(p, "PolicyDocument", "Statement").([]any)
		for _, s := range stmts {
			got = append(got, statementActions(s)...)
		}
	}
	slices.Sort(got)
	all := lambdaconfig.Default()
	all.UseS3, all.Bucket, all.UseDynamoDB, all.Table = true, "b-1", true, "t-1"
	all.TopicARN, all.KMSKeyID = "arn:aws:sns:us-east-1:123456789012:alerts", "alias/cqmon"
	want := append(lambdaconfig.RequiredActions(all), lambdaconfig.PlatformActions(true)...)
	want = append(want, lambdaconfig.HubActions(true)...)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("role actions (-needed by the function +allowed by the template):\n%s\n"+
			"if collect.IAMActions() changed, run: go test ./deploy -run TestPolicyActionsMatchTheCode -update", diff)
	}
	for _, a := range got {
		if strings.Contains(a, "*") {
			t.Errorf("the role allows the wildcard action %q", a)
		}
	}
}

var scanBlock = regexp.MustCompile(`(?s)(\n( *)# begin scan actions[^\n]*\n).*?(\n *# end scan actions)`)

// rewriteScanActions replaces the scan statement's actions of both
// templates with collect.IAMActions().
func rewriteScanActions(t *testing.T) {
	for _, f := range []string{templateFile, memberRoleFile} {
		rewriteScanActionsOf(t, f)
	}
}

func rewriteScanActionsOf(t *testing.T, templateFile string) {
	b, err := os.ReadFile(templateFile)
	if err != nil {
		t.Fatal(err)
	}
	m := scanBlock.FindSubmatchIndex(b)
	if m == nil {
		t.Fatal("no '# begin scan actions' ... '# end scan actions' block in the template")
	}
	indent := string(b[m[4]:m[5]])
	var lines []string
	for _, a := range collect.IAMActions() {
		lines = append(lines, indent+"- "+a)
	}
	out := string(b[:m[3]]) + strings.Join(lines, "\n") + string(b[m[6]:])
	if err := os.WriteFile(templateFile, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The history table is the one docs/history.md defines and the store
// queries.
func TestTableDefinition(t *testing.T) {
	p := loadTemplate(t).properties(t, "HistoryTable")
	got := map[string]any{}
	for _, k := range []string{"BillingMode", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "TimeToLiveSpecification"} {
		got[k] = p[k]
	}
	attr := func(n string) map[string]any { return map[string]any{"AttributeName": n, "AttributeType": "S"} }
	key := func(n, kind string) map[string]any { return map[string]any{"AttributeName": n, "KeyType": kind} }
	index := func(name, hash, rng string) map[string]any {
		return map[string]any{"IndexName": name, "KeySchema": []any{key(hash, "HASH"), key(rng, "RANGE")},
			"Projection": map[string]any{"ProjectionType": "ALL"}}
	}
	want := map[string]any{
		"BillingMode":             "PAY_PER_REQUEST",
		"AttributeDefinitions":    []any{attr("id"), attr("instance_id"), attr("timestamp"), attr("gsi_pk"), attr("gsi_sk")},
		"KeySchema":               []any{key("id", "HASH")},
		"GlobalSecondaryIndexes":  []any{index("by_instance", "instance_id", "timestamp"), index("by_key", "gsi_pk", "gsi_sk")},
		"TimeToLiveSpecification": map[string]any{"AttributeName": "expires_at", "Enabled": true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history table (-docs/history.md +template):\n%s", diff)
	}
}

// Every alarm notifies the alert topic.
func TestAlarmsNotifyTheTopic(t *testing.T) {
	tpl := loadTemplate(t)
	for _, name := range []string{"ErrorsAlarm", "DurationAlarm", "DeadLetterAlarm", "HeartbeatAlarm", "OrgHeartbeatAlarm", "OrgRunFailedAlarm"} {
		actions := tpl.properties(t, name)["AlarmActions"]
		want := []any{map[string]any{"Ref": "AlertTopic"}}
		if diff := cmp.Diff(want, actions); diff != "" {
			t.Errorf("%s actions (-want +got):\n%s", name, diff)
		}
	}
}

// In a VPC the function may only open HTTPS connections, and nothing may
// connect to it.
func TestSecurityGroup(t *testing.T) {
	p := loadTemplate(t).properties(t, "SecurityGroup")
	want := []any{map[string]any{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0", "Description": "AWS API endpoints"}}
	if diff := cmp.Diff(want, p["SecurityGroupEgress"]); diff != "" {
		t.Errorf("egress (-want +got):\n%s", diff)
	}
	if p["SecurityGroupIngress"] != nil {
		t.Errorf("ingress = %v, want none", p["SecurityGroupIngress"])
	}
}

// The function only reads increase requests: filing one is for people,
// with the policy `cqmon iam-policy --request-increase` prints.
func TestRoleNeverRequestsIncreases(t *testing.T) {
	tpl := loadTemplate(t)
	policies, _ := tpl.properties(t, "FunctionRole")["Policies"].([]any)
	var got []string
	for _, p := range policies {
		stmts, _ := path(p, "PolicyDocument", "Statement").([]any)
		for _, s := range stmts {
			got = append(got, statementActions(s)...)
		}
	}
	if !slices.Contains(got, "servicequotas:ListRequestedServiceQuotaChangeHistory") {
		t.Error("the role cannot list increase requests")
	}
	for _, a := range collect.IncreaseActions() {
		if strings.HasPrefix(a, "servicequotas:Request") && slices.Contains(got, a) {
			t.Errorf("the role allows %s", a)
		}
	}
}

// The stack names the dashboard the Lambda writes where the S3 store puts
// it: the bucket's root, store.DashboardKey.
func TestOutputsNameTheHTMLDashboard(t *testing.T) {
	got := path(loadTemplate(t).section(t, "Outputs"), "HtmlDashboardS3Uri", "Value", "Fn::Sub")
	if want := "s3://${HistoryBucket}/" + store.DashboardKey; got != want {
		t.Errorf("HtmlDashboardS3Uri = %v, want %s", got, want)
	}
}
