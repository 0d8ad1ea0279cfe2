package collect

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/sim"
)

// limitsScenario has one quota applied to prod alone (users), the same
// quota's value for every other instance, and an account quota with an
// applied value.
func limitsScenario(faults ...sim.Fault) *sim.Scenario {
	return &sim.Scenario{
		Instances: []sim.Instance{{Alias: "prod"}, {Alias: "test"}},
		ServiceQuotas: sim.ServiceQuotas{Services: map[string]sim.QuotaService{"connect": {
			Name: "Amazon Connect",
			Quotas: []sim.Quota{
				{Code: "L-9A46857E", Name: "Users per instance", Default: 500, Adjustable: true, ResourceLevel: true},
				{Code: "L-AA17A6B9", Name: "Amazon Connect instance count", Default: 2, Adjustable: true},
			},
			Applied:          map[string]float64{"L-AA17A6B9": 5},
			ResourceDefaults: map[string]float64{"L-9A46857E": 700},
			InstanceApplied:  map[string]map[string]float64{"prod": {"L-9A46857E": 25000}},
		}}},
		Faults: faults,
	}
}

// loadLimits serves sc and loads the limits of defs through the real SDK.
func loadLimits(t *testing.T, sc *sim.Scenario, defs []quota.Definition) (*Limits, []quota.Instance) {
	t.Helper()
	c, _ := simClients(t, sc, "us-east-1")
	all, err := DiscoverInstances(context.Background(), c.Connect, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	l, _ := LoadLimits(context.Background(), c.ServiceQuotas, defs, all, 4)
	return l, all
}

// TestLimitsWhenServiceQuotasFails checks every step of the fallback
// chain: a step whose read failed gives no fallback, only an unknown
// limit that names the failed read.
func TestLimitsWhenServiceQuotasFails(t *testing.T) {
	hundred := 100.0
	users := quota.Definition{Key: "connect.users", ServiceCode: "connect", Code: "L-9A46857E", Name: "Users per instance", Default: &hundred, Scope: quota.ScopeInstance}
	count := quota.Definition{Key: "connect.instances", ServiceCode: "connect", Code: "L-AA17A6B9", Name: "Amazon Connect instance count", Default: &hundred, Scope: quota.ScopeAccount}
	// A code Service Quotas lists neither as applied nor as default.
	unlisted := quota.Definition{Key: "connect.unlisted", ServiceCode: "connect", Code: "L-0000000F", Name: "Unlisted", Default: &hundred, Scope: quota.ScopeAccount}
	defs := []quota.Definition{users, count, unlisted}

	fault := func(op string, status int, code string, n int) sim.Fault {
		return sim.Fault{Service: "servicequotas", Operation: op, Resource: "connect", Code: code, Status: status, Count: n}
	}
	listApplied := fault("ListServiceQuotas", 500, "ServiceException", 0)
	listDefaults := fault("ListAWSDefaultServiceQuotas", 500, "ServiceException", 0)
	// An endpoint without resource-level listings: cqmon asks per instance.
	noLevels := fault("ListServiceQuotas", 400, "ValidationException", 1)
	getQuota := sim.Fault{Service: "servicequotas", Operation: "GetServiceQuota", Code: "ServiceException", Status: 500}
	getQuotaProd := getQuota
	getQuotaProd.Instance = "prod"

	// want per (quota, instance): "source value", or "unknown: <text>".
	type row struct {
		def  quota.Definition
		inst string
		want string
	}
	tests := []struct {
		name   string
		faults []sim.Fault
		rows   []row
	}{
		{"every read answers", nil, []row{
			{users, "prod", "instance 25000"}, {users, "test", "account 700"},
			{count, "", "account 5"}, {unlisted, "", "catalog 100"},
		}},
		{"applied values fail: no AWS default, no documented default", []sim.Fault{listApplied}, []row{
			{users, "prod", "unknown: ListServiceQuotas"}, {users, "test", "unknown: ListServiceQuotas"},
			{count, "", "unknown: the AWS default 2 may not be the applied limit"},
			{unlisted, "", "unknown: the documented default 100 may not be the applied limit"},
		}},
		{"AWS defaults fail: applied values stand, no documented default", []sim.Fault{listDefaults}, []row{
			{users, "prod", "instance 25000"}, {users, "test", "account 700"},
			{count, "", "account 5"}, {unlisted, "", "unknown: ListAWSDefaultServiceQuotas"},
		}},
		{"per-instance reads fail: no account value", []sim.Fault{noLevels, getQuota}, []row{
			{users, "prod", "unknown: GetServiceQuota"}, {users, "test", "unknown: the account-level value 500 may not"},
			{count, "", "account 5"}, {unlisted, "", "catalog 100"},
		}},
		{"one instance's read fails: only that instance is unknown", []sim.Fault{noLevels, getQuotaProd}, []row{
			{users, "prod", "unknown: GetServiceQuota"}, {users, "test", "account 500"},
			{count, "", "account 5"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, all := loadLimits(t, limitsScenario(tt.faults...), defs)
			byAlias := map[string]*quota.Instance{}
			for i := range all {
				byAlias[all[i].Alias] = &all[i]
			}
			for _, r := range tt.rows {
				got := l.For(r.def, byAlias[r.inst])
				desc := string(got.Source) + " " + quota.FormatNumber(got.Value)
				if got.Err != nil {
					desc = "unknown: " + got.Err.Error()
				}
				if !strings.HasPrefix(r.want, "unknown: ") && desc != r.want ||
					strings.HasPrefix(r.want, "unknown: ") && !(strings.HasPrefix(desc, "unknown: ") && strings.Contains(desc, strings.TrimPrefix(r.want, "unknown: "))) {
					t.Errorf("For(%s, %q) = %q, want %q", r.def.Code, r.inst, desc, r.want)
				}
			}
		})
	}
}

// TestLimitsFromMalformedAnswers: a truncated body, an entry without a
// value or with a negative one is not an answer without a value, so no
// fallback is taken.
func TestLimitsFromMalformedAnswers(t *testing.T) {
	hundred := 100.0
	count := quota.Definition{Key: "connect.instances", ServiceCode: "connect", Code: "L-AA17A6B9", Name: "Amazon Connect instance count", Default: &hundred, Scope: quota.ScopeAccount}
	good := `{"Quotas":[{"ServiceCode":"connect","QuotaCode":"L-AA17A6B9","QuotaName":"Amazon Connect instance count","Value":2}]}`
	tests := []struct {
		name, applied, defaults string
		want                    string
	}{
		{"both answer", `{"Quotas":[]}`, good, "aws-default 2"},
		{"truncated applied values", `{"Quotas":[{"ServiceCode":"connect","QuotaCo`, good, "unknown: malformed response"},
		{"an applied entry without a value", `{"Quotas":[{"ServiceCode":"connect","QuotaCode":"L-AA17A6B9"}]}`, good, "unknown: L-AA17A6B9 without a value"},
		{"an applied entry without a code", `{"Quotas":[{"ServiceCode":"connect","Value":9}]}`, good, "unknown: a connect quota without a quota code"},
		{"a negative default", `{"Quotas":[]}`, `{"Quotas":[{"ServiceCode":"connect","QuotaCode":"L-AA17A6B9","Value":-1}]}`, "unknown: has the value -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/x-amz-json-1.1")
				switch r.Header.Get("X-Amz-Target") {
				case "ServiceQuotasV20190624.ListServiceQuotas":
					io.WriteString(w, tt.applied)
				case "ServiceQuotasV20190624.ListAWSDefaultServiceQuotas":
					io.WriteString(w, tt.defaults)
				default:
					w.WriteHeader(http.StatusBadRequest)
					io.WriteString(w, `{"__type":"UnknownOperationException"}`)
				}
			}))
			t.Cleanup(srv.Close)
			c := endpointClients(t, srv.URL, "us-east-1")
			l, _ := LoadLimits(context.Background(), c.ServiceQuotas, []quota.Definition{count}, nil, 1)
			got := l.For(count, nil)
			desc := string(got.Source) + " " + quota.FormatNumber(got.Value)
			if got.Err != nil {
				desc = "unknown: " + got.Err.Error()
			}
			if want, ok := strings.CutPrefix(tt.want, "unknown: "); ok && !(got.Err != nil && strings.Contains(desc, want)) || !ok && desc != tt.want {
				t.Errorf("For() = %q, want %q", desc, tt.want)
			}
		})
	}
}
