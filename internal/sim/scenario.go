package sim

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Scenario describes the AWS account the simulator plays: its Connect
// instances and their contents, the Service Quotas catalog and applied
// values, CloudWatch series, and how the APIs misbehave (throttling,
// latency, faults). Scenarios are JSON; see LoadScenario.
//
// Wherever a field names an instance it accepts the instance id or its alias.
// A small scenario:
//
//	{
//	  "account": "123456789012",
//	  "regions": ["us-east-1"],
//	  "instances": [{"alias": "prod", "counts": {"users": 20000, "queues": 80},
//	                 "children": {"userProficiencies": {"max": 9, "others": 2}}}],
//	  "serviceQuotas": {"services": {"connect": {"name": "Amazon Connect",
//	    "quotas": [{"code": "L-9A46857E", "name": "Users per instance", "default": 500,
//	                "adjustable": true, "resourceLevel": true}],
//	    "instanceApplied": {"prod": {"L-9A46857E": 25000}}}}},
//	  "metrics": [{"namespace": "AWS/Connect", "metric": "ConcurrentCalls",
//	               "dimensions": {"InstanceId": "prod", "MetricGroup": "VoiceCalls"},
//	               "points": [{"ago": "5m", "value": 8}]}],
//	  "throttle": {"rules": [{"service": "connect", "operation": "ListUsers", "rate": 5, "burst": 5}]},
//	  "faults": [{"service": "connect", "operation": "ListRules", "instance": "prod",
//	              "code": "AccessDeniedException", "status": 403}]
//	}
type Scenario struct {
	// Account is the 12-digit AWS account id.
	Account string `json:"account"`
	// Caller overrides what STS GetCallerIdentity returns.
	Caller *Caller `json:"caller,omitempty"`
	// Regions lists the regions that exist; instances must be in one of them.
	Regions   []string   `json:"regions"`
	Instances []Instance `json:"instances,omitempty"`
	// ServiceQuotas is the Service Quotas data, shared by every region.
	ServiceQuotas ServiceQuotas `json:"serviceQuotas"`
	Metrics       []Series      `json:"metrics,omitempty"`
	Throttle      Throttle      `json:"throttle"`
	// Latency rules are tried in order; the first match delays the call.
	Latency []LatencyRule `json:"latency,omitempty"`
	// Faults are tried in order; the first match that still has calls left
	// answers instead of the operation.
	Faults []Fault `json:"faults,omitempty"`
	// Services holds, per Region, the data of Connect's related services
	// (Cases, Customer Profiles, Q in Connect, Voice ID, AppIntegrations,
	// outbound campaigns); see RegionServices.
	Services map[string]RegionServices `json:"services,omitempty"`
	// Organization, when set, makes the account the management account
	// of an AWS Organization whose member accounts have scenarios of
	// their own; see Organization.
	Organization *Organization `json:"organization,omitempty"`
}

// Caller is the identity STS reports.
type Caller struct {
	Arn    string `json:"arn"`
	UserID string `json:"userId"`
}

// Instance is one Amazon Connect instance. Resources are given as counts and
// generated on demand, so large counts cost no memory.
type Instance struct {
	ID    string `json:"id,omitempty"`
	Alias string `json:"alias"`
	// Region defaults to the scenario's first region.
	Region string `json:"region,omitempty"`
	// Status is ACTIVE (default), CREATION_IN_PROGRESS or CREATION_FAILED.
	Status string `json:"status,omitempty"`
	// Created is an RFC 3339 time; it defaults to 2023-01-01T00:00:00Z.
	Created string `json:"created,omitempty"`
	// IdentityManagementType defaults to CONNECT_MANAGED.
	IdentityManagementType string `json:"identityManagementType,omitempty"`
	// Counts holds the number of resources per kind, e.g. {"users": 20000}.
	// Kinds: users, agentQueues (defaults to one per user), queues (STANDARD),
	// securityProfiles, contactFlows, contactFlowModules, routingProfiles,
	// hoursOfOperations, quickConnects, prompts, agentStatuses,
	// userHierarchyGroups, predefinedAttributes, phoneNumbers, lambdaFunctions,
	// lexBots (Lex V1), lexV2BotAliases, taskTemplates, dataTables, workspaces,
	// notifications, approvedOrigins, trafficDistributionGroups,
	// evaluationForms, vocabularies, emailAddresses, views.
	Counts map[string]int `json:"counts,omitempty"`
	// ApproximateSkew is added to the exact count in the
	// ApproximateTotalCount of Search* responses, per kind.
	ApproximateSkew map[string]int `json:"approximateSkew,omitempty"`
	// IntegrationAssociations are listed in order, Count items per type.
	IntegrationAssociations []IntegrationGroup `json:"integrationAssociations,omitempty"`
	// Rules are listed in order, Count rules per group.
	Rules []RuleGroup `json:"rules,omitempty"`
	// Children gives per-parent child counts. Keys: routingProfileQueues,
	// routingProfileManualAssignmentQueues, queueQuickConnects,
	// queueEmailAddresses, userProficiencies, hoursOfOperationOverrides,
	// dataTableAttributes, dataTableValues, evaluationFormVersions.
	Children map[string]ChildCounts `json:"children,omitempty"`
}

// IntegrationGroup is a run of integration associations of one type.
type IntegrationGroup struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
}

// RuleGroup is a run of rules for one event source.
type RuleGroup struct {
	EventSource string `json:"eventSource"`
	// PublishStatus is PUBLISHED (default) or DRAFT.
	PublishStatus string `json:"publishStatus,omitempty"`
	Count         int    `json:"count"`
}

// ChildCounts says how many children each parent has: the parents in listing
// order take List[0], List[1], ... (or Max for the first one), and every
// other parent takes Others.
type ChildCounts struct {
	List   []int `json:"list,omitempty"`
	Max    *int  `json:"max,omitempty"`
	Others int   `json:"others,omitempty"`
}

// ServiceQuotas is the Service Quotas catalog and the applied values.
type ServiceQuotas struct {
	// Services maps a service code (e.g. "connect") to its quotas.
	Services map[string]QuotaService `json:"services,omitempty"`
	// Unavailable service codes answer NoSuchResourceException.
	Unavailable []string `json:"unavailable,omitempty"`
	// Requests are the increase requests already filed when the scenario
	// starts; RequestServiceQuotaIncrease adds to them.
	Requests []QuotaRequest `json:"requests,omitempty"`
}

// QuotaRequest is one increase request.
type QuotaRequest struct {
	// ID defaults to a generated one.
	ID string `json:"id,omitempty"`
	// Region defaults to the instance's Region, else the first Region.
	Region  string `json:"region,omitempty"`
	Service string `json:"service"`
	Code    string `json:"code"`
	// Instance (id or alias) makes it a resource-level request for that
	// instance; empty means account level.
	Instance     string  `json:"instance,omitempty"`
	DesiredValue float64 `json:"desiredValue"`
	// Status is one of Service Quotas' request statuses; default PENDING.
	Status string `json:"status,omitempty"`
	CaseID string `json:"caseId,omitempty"`
	// Ago is how long before the server clock it was filed ("240h").
	Ago string `json:"ago"`
}

// QuotaService is one Service Quotas service code.
type QuotaService struct {
	Name   string  `json:"name"`
	Quotas []Quota `json:"quotas"`
	// Applied holds account-level applied values by quota code; quotas
	// without one report their default.
	Applied map[string]float64 `json:"applied,omitempty"`
	// ResourceDefaults holds the value with context "*" of resource-level
	// quotas (the value every instance without its own gets); it defaults to
	// the quota's default.
	ResourceDefaults map[string]float64 `json:"resourceDefaults,omitempty"`
	// InstanceApplied maps an instance to the values applied to it alone.
	InstanceApplied map[string]map[string]float64 `json:"instanceApplied,omitempty"`
}

// Quota is one entry of the Service Quotas catalog.
type Quota struct {
	Code    string  `json:"code"`
	Name    string  `json:"name"`
	Default float64 `json:"default"`
	// Unit defaults to "None", as Service Quotas reports counts.
	Unit       string `json:"unit,omitempty"`
	Adjustable bool   `json:"adjustable,omitempty"`
	Global     bool   `json:"global,omitempty"`
	// ResourceLevel quotas are applied per instance (context
	// AWS::Connect::Instance).
	ResourceLevel bool         `json:"resourceLevel,omitempty"`
	UsageMetric   *UsageMetric `json:"usageMetric,omitempty"`
	// PeriodSeconds is set for rate quotas (e.g. 1 for per-second rates).
	PeriodSeconds int `json:"periodSeconds,omitempty"`
}

// UsageMetric is the CloudWatch metric Service Quotas reports for a quota.
type UsageMetric struct {
	Namespace  string            `json:"namespace"`
	Name       string            `json:"name"`
	Dimensions map[string]string `json:"dimensions,omitempty"`
	Statistic  string            `json:"statistic,omitempty"`
}

// Series is one CloudWatch metric with its datapoints. Points given as
// "ago" move with the server clock.
type Series struct {
	// Region defaults to the region of the instance named by an InstanceId
	// dimension, else the series exists in every region.
	Region     string            `json:"region,omitempty"`
	Namespace  string            `json:"namespace"`
	Metric     string            `json:"metric"`
	Dimensions map[string]string `json:"dimensions,omitempty"`
	Points     []Point           `json:"points,omitempty"`
	Generate   *Generate         `json:"generate,omitempty"`
}

// Point is one datapoint, at an absolute time or a duration before now.
type Point struct {
	Ago   string  `json:"ago,omitempty"`
	At    string  `json:"at,omitempty"`
	Value float64 `json:"value"`
}

// Generate emits a datapoint every Every over the last Span, cycling through
// Values (the newest datapoint is one Every before now).
type Generate struct {
	Every  string    `json:"every"`
	Span   string    `json:"span"`
	Values []float64 `json:"values"`
}

// Throttle configures the token buckets. Without a matching rule an
// operation gets AWS's documented default.
type Throttle struct {
	Disabled bool       `json:"disabled,omitempty"`
	Rules    []RateRule `json:"rules,omitempty"`
}

// RateRule sets the token bucket of the matching operations; the first
// matching rule wins. Rate 0 means unlimited.
type RateRule struct {
	Service   string  `json:"service"`
	Operation string  `json:"operation,omitempty"`
	Region    string  `json:"region,omitempty"`
	Rate      float64 `json:"rate"`
	// Burst defaults to the rate rounded up (at least 1).
	Burst int `json:"burst,omitempty"`
}

// LatencyRule delays matching calls by Fixed, or uniformly by Min to Max.
type LatencyRule struct {
	Service   string `json:"service,omitempty"`
	Operation string `json:"operation,omitempty"`
	Fixed     string `json:"fixed,omitempty"`
	Min       string `json:"min,omitempty"`
	Max       string `json:"max,omitempty"`
}

// Fault makes matching calls fail with Code and Status. Empty selectors
// match anything; Resource matches a per-parent id (Connect) or the service
// or quota code (Service Quotas). Count limits the fault to the first Count
// matching calls; 0 means every call.
type Fault struct {
	Service   string `json:"service"`
	Operation string `json:"operation,omitempty"`
	Region    string `json:"region,omitempty"`
	Instance  string `json:"instance,omitempty"`
	Resource  string `json:"resource,omitempty"`
	Code      string `json:"code"`
	Status    int    `json:"status"`
	Message   string `json:"message,omitempty"`
	Count     int    `json:"count,omitempty"`
}

// LoadScenario decodes a scenario strictly (unknown fields are errors) and
// validates it; errors name the offending field and value.
func LoadScenario(r io.Reader) (*Scenario, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("decode scenario: line %d: %s: %s is not %s", lineAt(b, te.Offset), fieldOf(te), valueOf(b, te), jsonKind(te.Type))
		}
		return nil, fmt.Errorf("decode scenario: line %d: %w", lineAt(b, dec.InputOffset()), err)
	}
	if dec.More() {
		return nil, fmt.Errorf("decode scenario: line %d: unexpected data after the scenario object", lineAt(b, dec.InputOffset()))
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// lineAt returns the 1-based line of a byte offset.
func lineAt(b []byte, off int64) int {
	off = min(max(off, 0), int64(len(b)))
	return bytes.Count(b[:off], []byte("\n")) + 1
}

// lastToken returns the JSON value that ends at off, for error messages.
func lastToken(b []byte, off int64) string {
	t := bytes.TrimRight(b[:min(max(off, 0), int64(len(b)))], " \t\r\n")
	start := bytes.LastIndexAny(t, ",:[{ \t\r\n") + 1
	if len(t) > 0 && t[len(t)-1] == '"' {
		start = bytes.LastIndexByte(t[:len(t)-1], '"')
	}
	return string(t[max(start, 0):])
}

// LoadScenarioFile reads and validates the scenario at path.
func LoadScenarioFile(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	s, err := LoadScenario(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Validate reports the first problem in s, naming the field and value.
func (s *Scenario) Validate() error {
	_, err := compile(s)
	return err
}

//go:embed scenarios/demo.json
var scenarioFiles embed.FS

// DemoScenario returns the scenario served by "cqmon demo": one account with
// instances of different sizes, quota violations, raised per-instance
// limits and a few faults. Each call returns a fresh copy.
func DemoScenario() *Scenario {
	b, err := scenarioFiles.ReadFile("scenarios/demo.json")
	if err != nil {
		panic(fmt.Sprintf("sim: embedded demo scenario: %v", err))
	}
	s, err := LoadScenario(bytes.NewReader(b))
	if err != nil {
		panic(fmt.Sprintf("sim: embedded demo scenario: %v", err))
	}
	return s
}
