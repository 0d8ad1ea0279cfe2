package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/collect"
)

const memberRoleFile = "cqmon-member-role.yaml"

// The member role allows exactly what `cqmon iam-policy` prints
// (collect.IAMActions()): nothing missing, nothing extra, read-only.
func TestMemberRoleActionsMatchIAMPolicy(t *testing.T) {
	tpl := loadTemplateFile(t, memberRoleFile)
	var got []string
	policies, _ := tpl.properties(t, "Role")["Policies"].([]any)
	for _, p := range policies {
		stmts, _ := path(p, "PolicyDocument", "Statement").([]any)
		for _, s := range stmts {
			got = append(got, statementActions(s)...)
			if r := path(s, "Resource"); r != "*" {
				t.Errorf("statement resource = %v, want *", r)
			}
		}
	}
	slices.Sort(got)
	want := collect.IAMActions()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("member role actions (-cqmon iam-policy +template):\n%s\n"+
			"if collect.IAMActions() changed, run: go test ./deploy -run TestPolicyActionsMatchTheCode -update", diff)
	}
	for _, a := range got {
		verb := a[strings.Index(a, ":")+1:]
		if !strings.HasPrefix(verb, "List") && !strings.HasPrefix(verb, "Get") && !strings.HasPrefix(verb, "Search") {
			t.Errorf("the member role allows %s, which is not a read", a)
		}
	}
}

// The member role trusts only the hub's function role, with the
// ExternalId when one is set.
func TestMemberRoleTrustsOnlyTheHub(t *testing.T) {
	tpl := loadTemplateFile(t, memberRoleFile)
	stmts, _ := path(tpl.properties(t, "Role"), "AssumeRolePolicyDocument", "Statement").([]any)
	if len(stmts) != 1 {
		t.Fatalf("trust statements = %v, want one", stmts)
	}
	s := stmts[0]
	hubRole := map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::${HubAccountId}:role/${HubRoleName}"}
	want := map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::${HubAccountId}:root"}},
		"Action":    "sts:AssumeRole",
		"Condition": map[string]any{"Fn::If": []any{"HasExternalId",
			map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": hubRole},
				"StringEquals": map[string]any{"sts:ExternalId": map[string]any{"Ref": "ExternalId"}}},
			map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": hubRole}},
		}},
	}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("trust (-want +got):\n%s", diff)
	}
	// The hub's role is the one the member role trusts by default.
	if got := path(tpl.section(t, "Parameters"), "HubRoleName", "Default"); got != "cqmon-hub" {
		t.Errorf("HubRoleName default = %v, want cqmon-hub (deploy.sh's default stack name + -hub)", got)
	}
	hub := loadTemplate(t)
	if got := str(tpl.properties(t, "Role")["RoleName"]); got != str(map[string]any{"Ref": "RoleName"}) {
		t.Errorf("member RoleName = %s", got)
	}
	if a, b := path(tpl.section(t, "Parameters"), "RoleName", "Default"), path(hub.section(t, "Parameters"), "MemberRoleName", "Default"); a != b {
		t.Errorf("member role name %v, hub's MemberRoleName %v", a, b)
	}
	wantName := map[string]any{"Fn::If": []any{"OrgMode", map[string]any{"Fn::Sub": "${AWS::StackName}-hub"}, map[string]any{"Ref": "AWS::NoValue"}}}
	if diff := cmp.Diff(wantName, hub.properties(t, "FunctionRole")["RoleName"]); diff != "" {
		t.Errorf("hub role name (-want +got):\n%s", diff)
	}
}

// The hub's role may assume only the member role: its name in any
// account of its own Organization, or of the listed accounts.
func TestHubAssumesOnlyTheMemberRole(t *testing.T) {
	policies, _ := loadTemplate(t).properties(t, "FunctionRole")["Policies"].([]any)
	var assume []any
	for _, p := range policies {
		stmts, _ := path(p, "PolicyDocument", "Statement").([]any)
		for _, s := range stmts {
			if slices.Contains(statementActions(s), "sts:AssumeRole") {
				assume = append(assume, s)
			}
		}
	}
	want := []any{map[string]any{"Fn::If": []any{"OrgMode", map[string]any{
		"Sid":      "AssumeMemberRoles",
		"Effect":   "Allow",
		"Action":   "sts:AssumeRole",
		"Resource": map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${MemberRoleName}"},
		"Condition": map[string]any{"Fn::If": []any{"ListOrganization",
			map[string]any{"StringEquals": map[string]any{"aws:ResourceOrgID": "${aws:PrincipalOrgID}"}},
			map[string]any{"StringEquals": map[string]any{"aws:ResourceAccount": map[string]any{"Fn::Split": []any{",", map[string]any{"Ref": "TargetAccounts"}}}}},
		}},
	}, map[string]any{"Ref": "AWS::NoValue"}}}}
	if diff := cmp.Diff(want, assume); diff != "" {
		t.Errorf("AssumeRole statements (-want +got):\n%s", diff)
	}
}

// definition returns the state machine's definition as Step Functions
// receives it: JSON, with the template's substitutions made.
func definition(t *testing.T, subs map[string]string) string {
	t.Helper()
	p := loadTemplate(t).properties(t, "OrgStateMachine")
	b, err := json.Marshal(p["Definition"])
	if err != nil {
		t.Fatal(err)
	}
	def := string(b)
	declared, _ := p["DefinitionSubstitutions"].(map[string]any)
	for k := range declared {
		v, ok := subs[k]
		if !ok {
			t.Fatalf("the test gives no value for the substitution %s", k)
		}
		def = strings.ReplaceAll(def, "${"+k+"}", v)
	}
	if i := strings.Index(def, "${"); i >= 0 {
		t.Fatalf("the definition uses a substitution the template does not declare: %s", def[i:min(len(def), i+40)])
	}
	return def
}

// The Map is distributed, its concurrency and tolerance come from the
// parameters, every function invocation retries Lambda's throttling and
// service errors with back-off, and only the function's ItemFailed is
// caught, as the item's result.
func TestStateMachineDefinition(t *testing.T) {
	var def map[string]any
	if err := json.Unmarshal([]byte(definition(t, orgSubstitutions("arn:aws:lambda:us-east-1:123456789012:function:cqmon"))), &def); err != nil {
		t.Fatal(err)
	}
	states, _ := def["States"].(map[string]any)
	scan, _ := states["Scan"].(map[string]any)
	checks := []struct {
		what      string
		got, want any
	}{
		{"settings", path(states, "Settings", "Parameters"), map[string]any{
			"max_concurrency.$":              "States.StringToJson('20')",
			"tolerated_failure_percentage.$": "States.StringToJson('10')"}},
		// What the function's targets step reads (cmd/cqmon-lambda targetsInput).
		{"targets event", path(states, "Targets", "Parameters", "Payload"), map[string]any{
			"step": "targets", "mode": "Accounts", "accounts": "222222222222,333333333333", "organizational_units": "",
			"regions": "us-east-1,eu-west-2", "role_name": "cqmon-reader", "external_id": ""}},
		{"map mode", path(scan, "ItemProcessor", "ProcessorConfig", "Mode"), "DISTRIBUTED"},
		{"map items", scan["ItemsPath"], "$.targets.items"},
		{"map concurrency", scan["MaxConcurrencyPath"], "$.settings.max_concurrency"},
		{"map tolerance", scan["ToleratedFailurePercentagePath"], "$.settings.tolerated_failure_percentage"},
		{"map results replace the items", scan["ResultPath"], "$.targets.items"},
		{"summary reads the results", path(states, "Summary", "Parameters", "Payload", "results.$"), "$.targets.items"},
		{"item payload", path(scan, "ItemProcessor", "States", "ScanItem", "Parameters", "Payload.$"), "$"},
		{"item catch", path(scan, "ItemProcessor", "States", "ScanItem", "Catch"), []any{map[string]any{
			"ErrorEquals": []any{"ItemFailed"}, "ResultPath": "$.failure", "Next": "ItemFailed"}}},
		{"failed item", path(scan, "ItemProcessor", "States", "ItemFailed", "Parameters"), map[string]any{
			"account_id.$": "$.account_id", "region.$": "$.region", "status": "error", "reason.$": "$.failure.Cause"}},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.what, diff)
		}
	}
	tasks := map[string]any{"Targets": states["Targets"], "ScanItem": path(scan, "ItemProcessor", "States", "ScanItem"), "Summary": states["Summary"]}
	for name, task := range tasks {
		if got := path(task, "Parameters", "FunctionName"); got != "arn:aws:lambda:us-east-1:123456789012:function:cqmon" {
			t.Errorf("%s invokes %v", name, got)
		}
		retries, _ := path(task, "Retry").([]any)
		if len(retries) != 1 {
			t.Errorf("%s retries = %v, want one rule", name, retries)
			continue
		}
		r := retries[0]
		errs := toStrings(path(r, "ErrorEquals"))
		for _, e := range []string{"Lambda.TooManyRequestsException", "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"} {
			if !slices.Contains(errs, e) {
				t.Errorf("%s does not retry %s", name, e)
			}
		}
		if slices.Contains(errs, "States.ALL") || slices.Contains(errs, "ItemFailed") {
			t.Errorf("%s retries %v: an account's own failure is not retried", name, errs)
		}
		if str(path(r, "BackoffRate")) != "2" || str(path(r, "JitterStrategy")) != "FULL" {
			t.Errorf("%s retry = %v, want exponential back-off with jitter", name, r)
		}
	}
}

func orgSubstitutions(function string) map[string]string {
	return map[string]string{
		"FunctionArn": function, "OrganizationMode": "Accounts", "TargetAccounts": "222222222222,333333333333",
		"OrganizationUnitIds": "", "Regions": "us-east-1,eu-west-2", "MemberRoleName": "cqmon-reader", "ExternalId": "",
		"MaxConcurrency": "20", "ToleratedFailurePercentage": "10",
	}
}

// motoConfig sets moto's global configuration.
func motoConfig(t *testing.T, url string, body string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %s", url, resp.Status)
	}
}

// The definition is accepted by moto's Step Functions and, run by moto's
// interpreter against a function that answers its own event (moto's
// Lambda without Docker), goes through every step: the targets step's
// items reach the function one by one in the exact shape the worker
// reads, and the summary step receives every item's result.
func TestStateMachineRunsInMoto(t *testing.T) {
	c := newCLI(t)
	if !testing.Short() {
		// Moto's Lambda answers without Docker only when configured so
		// before the function is created.
		motoConfig(t, c.moto+"/moto-api/config", `{"stepfunctions": {"execute_state_machine": true}, "lambda": {"use_docker": false}}`)
		// CloudFormation creates functions in moto's other Lambda backend,
		// which the API reads again once this is undone.
		t.Cleanup(func() {
			motoConfig(t, c.moto+"/moto-api/config", `{"stepfunctions": {"execute_state_machine": false}, "lambda": {"use_docker": true}}`)
		})
	}
	suffix := fmt.Sprint(time.Now().UnixNano() % 1_000_000_000)
	role := str(path(c.aws("iam", "create-role", "--role-name", "cqmon-sfn-"+suffix, "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"states.amazonaws.com"},"Action":"sts:AssumeRole"}]}`), "Role", "Arn"))
	zipFile := filepath.Join(t.TempDir(), "f.zip")
	if err := os.WriteFile(zipFile, emptyZip(t), 0o644); err != nil {
		t.Fatal(err)
	}
	fn := str(c.aws("lambda", "create-function", "--function-name", "cqmon-"+suffix, "--runtime", "provided.al2023",
		"--handler", "bootstrap", "--role", role, "--zip-file", "fileb://"+zipFile)["FunctionArn"])
	machine := str(c.aws("stepfunctions", "create-state-machine", "--name", "cqmon-org-"+suffix, "--role-arn", role,
		"--definition", definition(t, orgSubstitutions(fn)))["stateMachineArn"])
	if got := str(c.aws("stepfunctions", "describe-state-machine", "--state-machine-arn", machine)["status"]); got != "ACTIVE" {
		t.Fatalf("state machine status = %s", got)
	}
	if testing.Short() {
		t.Skip("running the state machine is skipped in -short mode")
	}

	// The targets step's answer; every later invocation answers its event.
	items := []map[string]any{
		{"account_id": "222222222222", "region": "us-east-1", "role_name": "cqmon-reader"},
		{"account_id": "333333333333", "region": "eu-west-2", "role_name": "cqmon-reader", "external_id": "x-1"},
	}
	targets, _ := json.Marshal(map[string]any{"items": items, "skipped": []any{}})
	queued, _ := json.Marshal(map[string]any{"results": []string{string(targets)}, "region": "us-east-1", "account_id": "123456789012"})
	motoConfig(t, c.moto+"/moto-api/static/lambda-simple/response", string(queued))

	exec := str(c.aws("stepfunctions", "start-execution", "--state-machine-arn", machine, "--input", "{}")["executionArn"])
	var out map[string]any
	for range 200 {
		out = c.aws("stepfunctions", "describe-execution", "--execution-arn", exec)
		if out["status"] != "RUNNING" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if out["status"] != "SUCCEEDED" {
		t.Fatalf("execution = %v", out)
	}
	var summary struct {
		Step      string           `json:"step"`
		Execution string           `json:"execution"`
		StartedAt string           `json:"started_at"`
		Skipped   []any            `json:"skipped"`
		Results   []map[string]any `json:"results"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(str(out["output"]))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&summary); err != nil {
		t.Fatalf("the summary step's event: %v\n%s", err, out["output"])
	}
	if summary.Step != "summary" || summary.Execution == "" || summary.StartedAt == "" || summary.Skipped == nil {
		t.Errorf("summary event = %+v", summary)
	}
	if diff := cmp.Diff(items, summary.Results); diff != "" {
		t.Errorf("items as the function received them (-targets +Map):\n%s", diff)
	}
}

// emptyZip is a zip with nothing in it: moto's Lambda without Docker
// never runs the code.
func emptyZip(t *testing.T) []byte {
	t.Helper()
	// A zip with no entries is 22 bytes: the end of central directory.
	return append([]byte("PK\x05\x06"), make([]byte, 18)...)
}

// deploy.sh --org deploys the hub in its organization mode and the member
// role as a service-managed StackSet to the OUs, into moto: the schedule
// starts the state machine, the function role has the name the member
// roles trust, and the StackSet reaches the OU's accounts. (A second run
// is not checked here: the script deploys instances only to OUs the set
// does not target yet, read from ListStackInstances' OrganizationalUnitId,
// which moto leaves out.)
func TestDeployOrgToMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("deploy.sh builds the function")
	}
	c := newCLI(t)
	org := c.orgWithOU(t)
	stack := fmt.Sprintf("cqmon-org-%d", time.Now().UnixNano()%1_000_000)
	args := []string{"--region", "us-east-1", "--stack-name", stack, "--org", "--ou-ids", org.ou,
		"--external-id", "cqmon-ext-1", "--max-concurrency", "7"}
	out := c.deploy([]string{"AWS_ENDPOINT_URL=" + c.moto}, args...)
	for _, want := range []string{"Successfully created/updated stack - " + stack, "member role StackSet " + stack + "-member-role",
		"role cqmon-reader deployed to " + org.ou, "aws stepfunctions start-execution"} {
		if !strings.Contains(out, want) {
			t.Errorf("deploy.sh output lacks %q:\n%s", want, out)
		}
	}
	res := map[string]string{}
	for _, r := range c.aws("cloudformation", "list-stack-resources", "--stack-name", stack)["StackResourceSummaries"].([]any) {
		res[str(path(r, "LogicalResourceId"))] = str(path(r, "PhysicalResourceId"))
	}
	for _, id := range []string{"OrgStateMachine", "OrgStateMachineRole", "OrgScheduleRole"} {
		if _, ok := res[id]; !ok {
			t.Errorf("stack resource %s was not created (resources: %v)", id, res)
		}
	}
	if _, ok := res["SchedulePermission"]; ok {
		t.Error("the organization mode keeps the schedule's permission to invoke the function")
	}
	set := c.aws("cloudformation", "describe-stack-set", "--stack-set-name", stack+"-member-role")
	params := map[string]string{}
	for _, p := range toAny(path(set, "StackSet", "Parameters")) {
		params[str(path(p, "ParameterKey"))] = str(path(p, "ParameterValue"))
	}
	instances := map[string]bool{}
	for _, s := range toAny(c.aws("cloudformation", "list-stack-instances", "--stack-set-name", stack+"-member-role")["Summaries"]) {
		instances[str(path(s, "Account"))] = true
	}
	targets := toAny(c.aws("events", "list-targets-by-rule", "--rule", res["ScheduleRule"])["Targets"])
	checks := []struct {
		what      string
		got, want any
	}{
		{"function role", path(c.aws("iam", "get-role", "--role-name", stack+"-hub"), "Role", "RoleName"), stack + "-hub"},
		{"reserved concurrency", str(c.aws("lambda", "get-function-concurrency", "--function-name", stack)["ReservedConcurrentExecutions"]), "7"},
		{"schedule targets", len(targets), 1},
		{"schedule target", str(path(targets[0], "Arn")), res["OrgStateMachine"]},
		{"schedule target role", strings.HasSuffix(str(path(targets[0], "RoleArn")), "/"+res["OrgScheduleRole"]), true},
		{"stack set permission model", path(set, "StackSet", "PermissionModel"), "SERVICE_MANAGED"},
		{"stack set hub", params["HubAccountId"] + " " + params["HubRoleName"], "123456789012 " + stack + "-hub"},
		{"stack set role", params["RoleName"], "cqmon-reader"},
		{"stack set external id", params["ExternalId"], "cqmon-ext-1"},
		{"role in the OU's account", instances[org.account], true},
	}
	for _, ch := range checks {
		if str(ch.got) != str(ch.want) {
			t.Errorf("%s = %v, want %v", ch.what, ch.got, ch.want)
		}
	}
}

type testOrg struct{ ou, account string }

// orgWithOU makes moto's account the management account of an
// Organization (once) and adds an OU with one account.
func (c *cli) orgWithOU(t *testing.T) testOrg {
	t.Helper()
	cmd := c.awsCmd("organizations", "describe-organization")
	if err := cmd.Run(); err != nil {
		c.aws("organizations", "create-organization", "--feature-set", "ALL")
	}
	root := str(path(toAny(c.aws("organizations", "list-roots")["Roots"])[0], "Id"))
	stamp := time.Now().UnixNano()
	ou := str(path(c.aws("organizations", "create-organizational-unit", "--parent-id", root, "--name", fmt.Sprintf("contact-%d", stamp)), "OrganizationalUnit", "Id"))
	account := str(path(c.aws("organizations", "create-account", "--account-name", "contact", "--email", fmt.Sprintf("contact-%d@example.com", stamp)), "CreateAccountStatus", "AccountId"))
	c.aws("organizations", "move-account", "--account-id", account, "--source-parent-id", root, "--destination-parent-id", ou)
	return testOrg{ou: ou, account: account}
}
