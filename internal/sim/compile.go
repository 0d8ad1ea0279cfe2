package sim

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Service names used in scenarios and Stats.
const (
	ServiceConnect       = "connect"
	ServiceServiceQuotas = "servicequotas"
	ServiceCloudWatch    = "cloudwatch"
	ServiceSTS           = "sts"
	// ServiceOrganizations is AWS Organizations' signing name.
	ServiceOrganizations = "organizations"
)

var (
	accountRE    = regexp.MustCompile(`^[0-9]{12}$`)
	regionRE     = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	quotaCodeRE  = regexp.MustCompile(`^L-[0-9A-F]{8}$`)
	instanceIDRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

var (
	instanceStatuses  = []string{"ACTIVE", "CREATION_IN_PROGRESS", "CREATION_FAILED"}
	directoryTypes    = []string{"CONNECT_MANAGED", "SAML", "EXISTING_DIRECTORY"}
	publishStatuses   = []string{"PUBLISHED", "DRAFT"}
	scenarioServices  = []string{ServiceConnect, ServiceServiceQuotas, ServiceCloudWatch, ServiceSTS, ServiceCases, ServiceProfiles, ServiceQConnect, ServiceVoiceID, ServiceAppIntegrations, ServiceCampaigns}
	integrationTypes  = []string{"EVENT", "VOICE_ID", "PINPOINT_APP", "WISDOM_ASSISTANT", "WISDOM_KNOWLEDGE_BASE", "WISDOM_QUICK_RESPONSES", "Q_MESSAGE_TEMPLATES", "CASES_DOMAIN", "APPLICATION", "FILE_SCANNER", "SES_IDENTITY", "ANALYTICS_CONNECTOR", "CALL_TRANSFER_CONNECTOR", "COGNITO_USER_POOL", "MESSAGE_PROCESSOR"}
	ruleEventSources  = []string{"OnPostCallAnalysisAvailable", "OnRealTimeCallAnalysisAvailable", "OnRealTimeChatAnalysisAvailable", "OnPostChatAnalysisAvailable", "OnEmailAnalysisAvailable", "OnZendeskTicketCreate", "OnZendeskTicketStatusUpdate", "OnSalesforceCaseCreate", "OnContactEvaluationSubmit", "OnMetricDataUpdate", "OnCaseCreate", "OnCaseUpdate", "OnSlaBreach", "OnAlertUpdate", "OnSchedulePublish", "OnScheduleUpdate", "OnScheduleTimeOffRequestActivity"}
	defaultCreated, _ = time.Parse(time.RFC3339, "2023-01-01T00:00:00Z")
)

// world is a validated scenario in the shape the handlers use.
type world struct {
	account     string
	caller      Caller
	regions     []string
	instances   []*instance
	byRef       map[string]*instance // id and alias
	quotas      map[string]*quotaService
	unavailable map[string]bool
	requests    []quotaRequest
	series      []*series
	throttleOff bool
	rates       []RateRule
	latency     []latencyRule
	faults      []*faultRule
	services    map[string]*regionServices // by region
	org         *orgWorld                  // the Organization this account manages, if any
}

type instance struct {
	id, alias, region, status, idm, arn string
	ord                                 int // position in the scenario
	created                             time.Time
	counts                              map[string]int
	skew                                map[string]int
	integrations                        []IntegrationGroup
	rules                               []RuleGroup
	children                            map[string]ChildCounts
}

type quotaService struct {
	code, name  string
	quotas      []Quota
	applied     map[string]float64
	resDefaults map[string]float64
	instApplied map[string]map[string]float64 // instance id -> code -> value
}

type series struct {
	region, namespace, metric string
	dims                      map[string]string
	points                    []seriesPoint
	every, span               time.Duration
	values                    []float64
}

type seriesPoint struct {
	ago   time.Duration
	at    time.Time // zero when ago is used
	value float64
}

type latencyRule struct {
	service, op string
	min, max    time.Duration
}

type faultRule struct {
	Fault
	used int // guarded by Server.mu
}

func oneOf(path, v string, allowed []string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return bad(path, v, "is not one of "+strings.Join(allowed, ", "))
}

func parseDur(path, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, bad(path, v, "is not a non-negative duration such as \"90s\" or \"5m\"")
	}
	return d, nil
}

// compile validates s and builds its world.
func compile(s *Scenario) (*world, error) {
	w := &world{
		account:     s.Account,
		byRef:       map[string]*instance{},
		quotas:      map[string]*quotaService{},
		unavailable: map[string]bool{},
		throttleOff: s.Throttle.Disabled,
	}
	if !accountRE.MatchString(s.Account) {
		return nil, bad("account", s.Account, "is not a 12-digit account id")
	}
	if len(s.Regions) == 0 {
		return nil, bad("regions", s.Regions, "must name at least one region")
	}
	for i, r := range s.Regions {
		if !regionRE.MatchString(r) {
			return nil, bad(fmt.Sprintf("regions[%d]", i), r, "is not a region name such as us-east-1")
		}
		if slices.Contains(w.regions, r) {
			return nil, bad(fmt.Sprintf("regions[%d]", i), r, "is listed twice")
		}
		w.regions = append(w.regions, r)
	}
	w.caller = Caller{
		Arn:    fmt.Sprintf("arn:aws:sts::%s:assumed-role/cqmon/simulator", s.Account),
		UserID: "AROASIMULATOR0000EXMPL:simulator",
	}
	if s.Caller != nil {
		w.caller = *s.Caller
	}
	for i := range s.Instances {
		in, err := compileInstance(w, fmt.Sprintf("instances[%d]", i), &s.Instances[i])
		if err != nil {
			return nil, err
		}
		in.ord = i
		w.instances = append(w.instances, in)
	}
	if err := compileQuotas(w, &s.ServiceQuotas); err != nil {
		return nil, err
	}
	for i := range s.Metrics {
		sr, err := compileSeries(w, fmt.Sprintf("metrics[%d]", i), &s.Metrics[i])
		if err != nil {
			return nil, err
		}
		w.series = append(w.series, sr)
	}
	if err := compileServices(w, s); err != nil {
		return nil, err
	}
	if err := compileBehaviour(w, s); err != nil {
		return nil, err
	}
	if s.Organization != nil {
		o, err := compileOrganization(s)
		if err != nil {
			return nil, err
		}
		w.org = o
	}
	return w, nil
}

func compileInstance(w *world, path string, si *Instance) (*instance, error) {
	in := &instance{
		id: si.ID, alias: si.Alias, region: si.Region, status: si.Status, idm: si.IdentityManagementType,
		created: defaultCreated, counts: map[string]int{}, skew: map[string]int{},
		integrations: si.IntegrationAssociations, rules: si.Rules, children: map[string]ChildCounts{},
	}
	if in.alias == "" {
		return nil, bad(path+".alias", in.alias, "must not be empty")
	}
	if in.id == "" {
		in.id = derivedUUID("instance/" + in.alias)
	}
	if !instanceIDRE.MatchString(in.id) {
		return nil, bad(path+".id", in.id, "is not a lower-case UUID")
	}
	for _, ref := range []string{in.id, in.alias} {
		if _, dup := w.byRef[ref]; dup {
			return nil, bad(path, ref, "is used by two instances (ids and aliases must be unique)")
		}
	}
	if in.region == "" {
		in.region = w.regions[0]
	}
	if !slices.Contains(w.regions, in.region) {
		return nil, bad(path+".region", in.region, "is not in regions")
	}
	if in.status == "" {
		in.status = "ACTIVE"
	}
	if err := oneOf(path+".status", in.status, instanceStatuses); err != nil {
		return nil, err
	}
	if in.idm == "" {
		in.idm = "CONNECT_MANAGED"
	}
	if err := oneOf(path+".identityManagementType", in.idm, directoryTypes); err != nil {
		return nil, err
	}
	if si.Created != "" {
		t, err := time.Parse(time.RFC3339, si.Created)
		if err != nil {
			return nil, bad(path+".created", si.Created, "is not an RFC 3339 time")
		}
		in.created = t
	}
	for k, n := range si.Counts {
		if _, ok := kinds[k]; !ok {
			return nil, bad(path+".counts", k, "is not a resource kind (see Instance.Counts)")
		}
		if n < 0 {
			return nil, bad(path+".counts."+k, n, "must not be negative")
		}
		in.counts[k] = n
	}
	if _, ok := si.Counts["agentQueues"]; !ok {
		in.counts["agentQueues"] = in.counts["users"]
	}
	for k, n := range si.ApproximateSkew {
		if _, ok := kinds[k]; !ok && k != "rules" {
			return nil, bad(path+".approximateSkew", k, "is not a resource kind")
		}
		in.skew[k] = n
	}
	for i, g := range si.IntegrationAssociations {
		p := fmt.Sprintf("%s.integrationAssociations[%d]", path, i)
		if err := oneOf(p+".type", g.Type, integrationTypes); err != nil {
			return nil, err
		}
		if g.Count < 0 {
			return nil, bad(p+".count", g.Count, "must not be negative")
		}
	}
	in.rules = slices.Clone(si.Rules)
	for i, g := range in.rules {
		p := fmt.Sprintf("%s.rules[%d]", path, i)
		if err := oneOf(p+".eventSource", g.EventSource, ruleEventSources); err != nil {
			return nil, err
		}
		if g.PublishStatus == "" {
			in.rules[i].PublishStatus = "PUBLISHED"
		} else if err := oneOf(p+".publishStatus", g.PublishStatus, publishStatuses); err != nil {
			return nil, err
		}
		if g.Count < 0 {
			return nil, bad(p+".count", g.Count, "must not be negative")
		}
	}
	for k, c := range si.Children {
		p := path + ".children." + k
		if _, ok := childParents[k]; !ok {
			return nil, bad(path+".children", k, "is not a child kind (see Instance.Children)")
		}
		if c.Max != nil && len(c.List) > 0 {
			return nil, fmt.Errorf("%s: give either max (%d) or list (%s), not both", p, *c.Max, asJSON(c.List))
		}
		if c.Max != nil {
			c.List = []int{*c.Max}
		}
		for i, n := range append(slices.Clone(c.List), c.Others) {
			if n < 0 {
				return nil, bad(fmt.Sprintf("%s[%d]", p, i), n, "must not be negative")
			}
		}
		in.children[k] = c
	}
	in.arn = fmt.Sprintf("arn:aws:connect:%s:%s:instance/%s", in.region, w.account, in.id)
	w.byRef[in.id] = in
	w.byRef[in.alias] = in
	return in, nil
}
