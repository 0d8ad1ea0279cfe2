package sim_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/sim"
)

var update = flag.Bool("update", false, "rewrite the expected errors in testdata")

// TestInvalidScenarios loads each testdata/invalid-*.json and compares the
// error with the matching .err file.
func TestInvalidScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid-*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid scenarios: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			r, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			_, err = sim.LoadScenario(r)
			if err == nil {
				t.Fatal("LoadScenario succeeded, want an error")
			}
			golden := strings.TrimSuffix(f, ".json") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(err.Error()+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, rerr := os.ReadFile(golden)
			if rerr != nil {
				t.Fatalf("%v (run with -update to create it)", rerr)
			}
			if got := err.Error(); got != strings.TrimSpace(string(want)) {
				t.Errorf("error:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestLoadScenarioFile(t *testing.T) {
	_, err := sim.LoadScenarioFile("testdata/invalid-status.json")
	if want := "testdata/invalid-status.json: instances[1].status"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want an error starting with %q", err, want)
	}
	if _, err := sim.LoadScenarioFile("testdata/missing.json"); err == nil {
		t.Error("missing file: got no error")
	}
}

// TestDemoScenario checks the demo's story through the real clients.
func TestDemoScenario(t *testing.T) {
	c := start(t, sim.DemoScenario(), testRegion, sim.WithoutLatency(), sim.WithoutThrottling())
	ctx := context.Background()
	ids := map[string]string{}
	var statuses []string
	insts, err := c.connect.ListInstances(ctx, &connect.ListInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range insts.InstanceSummaryList {
		ids[aws.ToString(in.InstanceAlias)] = aws.ToString(in.Id)
		statuses = append(statuses, aws.ToString(in.InstanceAlias)+" "+string(in.InstanceStatus))
	}
	wantStatuses := []string{"acme-prod ACTIVE", "acme-support ACTIVE", "acme-sandbox ACTIVE", "acme-next CREATION_IN_PROGRESS"}
	if diff := cmp.Diff(wantStatuses, statuses); diff != "" {
		t.Fatalf("us-east-1 instances (-want +got):\n%s", diff)
	}

	flows, err := c.connect.SearchContactFlows(ctx, &connect.SearchContactFlowsInput{InstanceId: aws.String(ids["acme-prod"]), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	users, err := c.connect.SearchUsers(ctx, &connect.SearchUsersInput{InstanceId: aws.String(ids["acme-prod"]), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	lambdas := 0
	p := connect.NewListLambdaFunctionsPaginator(c.connect, &connect.ListLambdaFunctionsInput{InstanceId: aws.String(ids["acme-sandbox"])})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lambdas += len(out.LambdaFunctions)
	}
	quota := func(code, alias string) float64 {
		t.Helper()
		out, err := c.quotas.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("connect"),
			QuotaCode: aws.String(code), ContextId: aws.String("arn:aws:connect:us-east-1:123456789012:instance/" + ids[alias])})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToFloat64(out.Quota.Value)
	}
	got := map[string]float64{
		"acme-prod contact flows": float64(aws.ToInt64(flows.ApproximateTotalCount)),
		"acme-prod flows quota":   quota("L-22922690", "acme-prod"),
		"acme-prod users":         float64(aws.ToInt64(users.ApproximateTotalCount)),
		"acme-prod users quota":   quota("L-9A46857E", "acme-prod"),
		"acme-support queues":     quota("L-19A87C94", "acme-support"),
		"acme-sandbox lambdas":    float64(lambdas),
		"acme-sandbox queues":     quota("L-19A87C94", "acme-sandbox"),
		"instance count":          quota("L-AA17A6B9", "acme-prod"),
	}
	want := map[string]float64{
		"acme-prod contact flows": 147, "acme-prod flows quota": 100, "acme-prod users": 1700, "acme-prod users quota": 2000,
		"acme-support queues": 100, "acme-sandbox lambdas": 42, "acme-sandbox queues": 50, "instance count": 10,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("demo numbers (-want +got):\n%s", diff)
	}

	_, err = c.connect.ListDataTables(ctx, &connect.ListDataTablesInput{InstanceId: aws.String(ids["acme-sandbox"])})
	if code, _ := errorCode(err); code != "ResourceNotFoundException" {
		t.Errorf("acme-sandbox ListDataTables: got %v, want ResourceNotFoundException", err)
	}
	_, err = c.connect.ListRules(ctx, &connect.ListRulesInput{InstanceId: aws.String(ids["acme-support"])})
	if code, status := errorCode(err); code != "AccessDeniedException" || status != 403 {
		t.Errorf("acme-support ListRules: got %v, want AccessDeniedException 403", err)
	}
	_, err = c.quotas.ListServiceQuotas(ctx, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("voiceid")})
	if code, _ := errorCode(err); code != "NoSuchResourceException" {
		t.Errorf("voiceid: got %v, want NoSuchResourceException", err)
	}
	res, err := c.quotas.ListServiceQuotas(ctx, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("connect"),
		QuotaAppliedAtLevel: sqtypes.AppliedLevelEnumResource, QuotaCode: aws.String("L-9A46857E")})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(res.Quotas); got != 2 {
		t.Errorf("resource-level Users per instance entries in us-east-1: %d, want 2 (\"*\" and acme-prod)", got)
	}
}
