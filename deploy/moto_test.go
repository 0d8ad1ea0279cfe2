package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/mototest"
)

func TestMain(m *testing.M) { mototest.Main(m) }

// cli runs the AWS CLI and deploy.sh against moto, with test credentials
// and no shared AWS configuration of the user's.
type cli struct {
	t    *testing.T
	moto string
	env  []string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	for _, tool := range []string{"aws", "bash", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH; deploy.sh needs it (the machine image ships the AWS CLI)", tool)
		}
	}
	// Moto's CloudFormation finds the bucket of a TemplateURL (deploy.sh passes the template through
	// S3) in the URL's path only when the host is localhost.
	moto := strings.Replace(mototest.URL(t), "//127.0.0.1:", "//localhost:", 1)
	dir := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env, "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
	return &cli{t: t, moto: moto, env: env}
}

// awsCmd prepares an AWS CLI command against moto.
func (c *cli) awsCmd(args ...string) *exec.Cmd {
	cmd := exec.Command("aws", append([]string{"--endpoint-url", c.moto, "--region", mototest.Region, "--output", "json"}, args...)...)
	cmd.Env = c.env
	return cmd
}

// aws runs an AWS CLI command and decodes its JSON answer.
func (c *cli) aws(args ...string) map[string]any {
	c.t.Helper()
	cmd := c.awsCmd(args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		c.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	m := map[string]any{}
	if len(bytes.TrimSpace(out)) > 0 {
		if err := json.Unmarshal(out, &m); err != nil {
			c.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return m
}

// deploy runs deploy.sh and returns what it printed.
func (c *cli) deploy(extraEnv []string, args ...string) string {
	c.t.Helper()
	cmd := exec.Command("bash", append([]string{"deploy.sh"}, args...)...)
	cmd.Env = append(append([]string(nil), c.env...), extraEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("deploy.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func str(v any) string { return fmt.Sprint(v) }

// The template deploys through deploy.sh into moto's CloudFormation, with
// the properties asked for; a second run with nothing changed changes
// nothing. Moto creates the function, table, bucket, topic, key, queue,
// rule, log group, role and security group; it skips the alarms, the
// email subscription and the bucket policy (types its CloudFormation does
// not implement) and keeps only some properties of each resource, so only
// those are checked. The CloudWatch dashboard is created, from the body
// CloudFormation substitutes.
func TestDeployToMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("deploy.sh builds the function")
	}
	c := newCLI(t)
	subnets := c.aws("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true")["Subnets"].([]any)
	if len(subnets) < 2 {
		t.Fatalf("moto has %d default subnets, want 2", len(subnets))
	}
	vpc := str(path(subnets[0], "VpcId"))
	subnetIDs := str(path(subnets[0], "SubnetId")) + "," + str(path(subnets[1], "SubnetId"))
	stack := fmt.Sprintf("cqmon-ci-%d", time.Now().UnixNano()%1_000_000)
	args := []string{"--region", mototest.Region, "--stack-name", stack, "--email", "ops@example.com",
		"--threshold", "75", "--memory", "512", "--timeout", "600", "--schedule", "rate(2 hours)",
		"--vpc-id", vpc, "--subnet-ids", subnetIDs, "--param", "RetentionDays=30", "--param", "LogRetentionDays=14",
		"--param", "AccountAlarmPercent=90", "--param", "QuotaAlarmCodes=L-9A46857E,L-19A87C94"}

	// First run: the endpoint comes from AWS_ENDPOINT_URL.
	out := c.deploy([]string{"AWS_ENDPOINT_URL=" + c.moto}, args...)
	for _, want := range []string{"Successfully created/updated stack - " + stack, "--function-name " + stack, "Confirm the subscription"} {
		if !strings.Contains(out, want) {
			t.Errorf("deploy.sh output lacks %q:\n%s", want, out)
		}
	}
	codeKey := regexp.MustCompile(`cqmon-lambda/[0-9a-f]{64}\.zip`).FindString(out)
	if codeKey == "" {
		t.Fatalf("deploy.sh did not name the uploaded zip:\n%s", out)
	}

	res := map[string]string{}
	for _, r := range c.aws("cloudformation", "list-stack-resources", "--stack-name", stack)["StackResourceSummaries"].([]any) {
		if id := str(path(r, "LogicalResourceId")); id != "<nil>" && id != "" {
			res[id] = str(path(r, "PhysicalResourceId"))
		}
	}
	for _, id := range []string{"Function", "FunctionRole", "HistoryTable", "HistoryBucket", "AlertTopic", "Key", "KeyAlias",
		"DeadLetterQueue", "ScheduleRule", "SchedulePermission", "LogGroup", "SecurityGroup", "Dashboard"} {
		if _, ok := res[id]; !ok {
			t.Errorf("stack resource %s was not created (resources: %v)", id, res)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	key := res["Key"]

	fn := c.aws("lambda", "get-function-configuration", "--function-name", stack)
	table := c.aws("dynamodb", "describe-table", "--table-name", res["HistoryTable"])
	queue := c.aws("sqs", "get-queue-attributes", "--queue-url", res["DeadLetterQueue"], "--attribute-names", "All")
	rule := c.aws("events", "describe-rule", "--name", res["ScheduleRule"])
	var board map[string]any
	if err := json.Unmarshal([]byte(str(c.aws("cloudwatch", "get-dashboard", "--dashboard-name", res["Dashboard"])["DashboardBody"])), &board); err != nil {
		t.Errorf("the dashboard's body is not JSON: %v", err)
	}
	env, _ := path(fn, "Environment", "Variables").(map[string]any)
	checks := []struct {
		what      string
		got, want any
	}{
		{"function runtime", fn["Runtime"], "provided.al2023"},
		{"function handler", fn["Handler"], "bootstrap"},
		{"function memory", str(fn["MemorySize"]), "512"},
		{"function timeout", str(fn["Timeout"]), "600"},
		{"function role", strings.HasSuffix(str(fn["Role"]), "/"+res["FunctionRole"]), true},
		{"function subnets", strings.Join(toStrings(path(fn, "VpcConfig", "SubnetIds")), ","), subnetIDs},
		{"function security group", strings.Join(toStrings(path(fn, "VpcConfig", "SecurityGroupIds")), ","), res["SecurityGroup"]},
		{"THRESHOLD_PERCENTAGE", str(env["THRESHOLD_PERCENTAGE"]), "75"},
		{"DYNAMODB_TABLE_NAME", env["DYNAMODB_TABLE_NAME"], res["HistoryTable"]},
		{"S3_BUCKET_NAME", env["S3_BUCKET_NAME"], res["HistoryBucket"]},
		{"ALERT_SNS_TOPIC_ARN", env["ALERT_SNS_TOPIC_ARN"], res["AlertTopic"]},
		{"CQMON_KMS_KEY_ID", strings.HasSuffix(str(env["CQMON_KMS_KEY_ID"]), ":key/"+key), true},
		{"CQMON_RETENTION_DAYS", str(env["CQMON_RETENTION_DAYS"]), "30"},
		{"reserved concurrency", str(c.aws("lambda", "get-function-concurrency", "--function-name", stack)["ReservedConcurrentExecutions"]), "1"},
		{"table billing", path(table, "Table", "BillingModeSummary", "BillingMode"), "PAY_PER_REQUEST"},
		{"table indexes", strings.Join(indexNames(table), ","), "by_instance,by_key"},
		{"bucket encryption", bucketKey(c.aws("s3api", "get-bucket-encryption", "--bucket", res["HistoryBucket"])), "aws:kms " + key},
		{"topic key", path(c.aws("sns", "get-topic-attributes", "--topic-arn", res["AlertTopic"]), "Attributes", "KmsMasterKeyId"), key},
		{"key rotation", c.aws("kms", "get-key-rotation-status", "--key-id", key)["KeyRotationEnabled"], true},
		{"key policy lets CloudWatch publish", strings.Contains(str(c.aws("kms", "get-key-policy", "--key-id", key, "--policy-name", "default")["Policy"]), "cloudwatch.amazonaws.com"), true},
		{"queue key", path(queue, "Attributes", "KmsMasterKeyId"), key},
		{"queue retention", path(queue, "Attributes", "MessageRetentionPeriod"), "1209600"},
		{"rule schedule", rule["ScheduleExpression"], "rate(2 hours)"},
		{"dashboard name", res["Dashboard"], stack},
		{"dashboard widgets", len(toAny(board["widgets"])), 6},
		{"dashboard reads the function's errors", strings.Contains(str(board), "FunctionName "+stack), true},
		{"rule state", rule["State"], "ENABLED"},
		{"rule target", path(c.aws("events", "list-targets-by-rule", "--rule", res["ScheduleRule"])["Targets"].([]any)[0], "Arn"), fn["FunctionArn"]},
		{"invoke permission", strings.Contains(str(c.aws("lambda", "get-policy", "--function-name", stack)["Policy"]), "events.amazonaws.com"), true},
		{"log retention", str(path(c.aws("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/"+stack)["logGroups"].([]any)[0], "retentionInDays")), "14"},
		{"security group", group(c.aws("ec2", "describe-security-groups", "--group-ids", res["SecurityGroup"])), vpc + ", 0 inbound rules"},
		{"role policy scoped to the table", strings.Contains(str(c.aws("iam", "get-role-policy", "--role-name", res["FunctionRole"], "--policy-name", "cqmon")["PolicyDocument"]), res["HistoryTable"]), true},
		{"code in the deployment bucket", str(c.aws("s3api", "head-object", "--bucket", "cqmon-deploy-123456789012-"+mototest.Region, "--key", codeKey)["ContentLength"]), str(fn["CodeSize"])},
	}
	for _, ch := range checks {
		if str(ch.got) != str(ch.want) {
			t.Errorf("%s = %v, want %v", ch.what, ch.got, ch.want)
		}
	}

	// Second run, same options, the endpoint given as a flag: nothing to do.
	before := c.aws("lambda", "get-function-configuration", "--function-name", stack)["LastModified"]
	out = c.deploy(nil, append(args, "--endpoint-url", c.moto)...)
	if !strings.Contains(out, "No changes to deploy") || !strings.Contains(out, codeKey+" is already there") {
		t.Errorf("second deploy.sh changed something or uploaded again:\n%s", out)
	}
	if after := c.aws("lambda", "get-function-configuration", "--function-name", stack)["LastModified"]; after != before {
		t.Errorf("second deploy modified the function (%v, then %v)", before, after)
	}
}

func toStrings(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, s := range l {
		out = append(out, str(s))
	}
	return out
}

func indexNames(table map[string]any) []string {
	var out []string
	for _, g := range toAny(path(table, "Table", "GlobalSecondaryIndexes")) {
		out = append(out, str(path(g, "IndexName")))
	}
	return out
}

func bucketKey(enc map[string]any) string {
	rules := toAny(path(enc, "ServerSideEncryptionConfiguration", "Rules"))
	if len(rules) == 0 {
		return ""
	}
	d := path(rules[0], "ApplyServerSideEncryptionByDefault")
	k := str(path(d, "KMSMasterKeyID"))
	return str(path(d, "SSEAlgorithm")) + " " + k[strings.LastIndex(k, "/")+1:]
}

// group describes a security group: its VPC and how many inbound rules
// it has. (Moto ignores a template's egress rules; TestSecurityGroup
// checks them in the template.)
func group(sgs map[string]any) string {
	groups := toAny(sgs["SecurityGroups"])
	if len(groups) != 1 {
		return fmt.Sprintf("%d groups", len(groups))
	}
	return fmt.Sprintf("%v, %d inbound rules", path(groups[0], "VpcId"), len(toAny(path(groups[0], "IpPermissions"))))
}

func toAny(v any) []any {
	l, _ := v.([]any)
	return l
}
