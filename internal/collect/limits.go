package collect

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/quota"
)

// sqPageSize is ListServiceQuotas' and ListAWSDefaultServiceQuotas' largest
// MaxResults.
const sqPageSize = 100

// sqValue is one quota value as Service Quotas returned it.
type sqValue struct {
	value      float64
	name       string
	adjustable bool
	usage      *sqtypes.MetricInfo
}

// Limits holds the applied and default values of one Region's quotas and
// answers, for each definition and instance, the limit to measure against.
//
// A fallback is taken only when Service Quotas answered without a value:
// when a read failed (after the client's retries) or its answer made no
// sense, the value it would have given is unknown, and so is every limit
// that value could have overridden. See For.
type Limits struct {
	applied  map[string]sqValue // service/code: account-level applied value
	star     map[string]sqValue // service/code: resource-level value for every resource ("*")
	resource map[string]sqValue // service/code/ARN: value applied to that instance
	defaults map[string]sqValue // service/code: AWS default

	appliedErr  map[string]error // service code: why its applied values could not be listed
	defaultsErr map[string]error // service code: why its AWS defaults could not be listed
	instanceErr map[string]error // service/code/ARN: why the value applied to that instance could not be read
	absent      map[string]bool  // service codes Service Quotas does not know in this Region
	listed      map[string]bool  // service codes whose applied values and defaults were both listed
}

// LimitProblem is a failure of a limits load that the run reports once.
type LimitProblem struct {
	ServiceCode string
	Err         error
}

func sqKey(service, code string) string { return service + "/" + code }

// LoadLimits reads applied values and AWS defaults for every service code
// of defs. Per service code it lists the applied values at all levels
// (account and resource, all instances at once) and the AWS defaults. Only
// if Service Quotas answers the listing without any resource-level entry
// (an endpoint that ignores QuotaAppliedAtLevel) does it ask per instance,
// with the instance ARN as ContextId, and it keeps an answer as the
// instance's own value only when the answer's QuotaContext names that ARN.
func LoadLimits(ctx context.Context, api QuotasAPI, defs []quota.Definition, active []quota.Instance, fanout int) (*Limits, []LimitProblem) {
	l := newLimits()
	var problems []LimitProblem
	for _, svc := range quota.ServiceCodes(defs) {
		sawResource, appliedErr := l.listApplied(ctx, api, svc)
		if appliedErr != nil {
			problems = append(problems, LimitProblem{svc, fmt.Errorf("list applied quotas: %w", appliedErr)})
		}
		defaultsErr := l.listDefaults(ctx, api, svc)
		if defaultsErr != nil {
			problems = append(problems, LimitProblem{svc, fmt.Errorf("list AWS default quotas: %w", defaultsErr)})
		}
		switch {
		case serviceAbsent(appliedErr) && serviceAbsent(defaultsErr):
			// An answer, not a failure: the service has no quotas here.
			l.absent[svc] = true
			continue
		case appliedErr == nil && defaultsErr == nil:
			l.listed[svc] = true
		}
		if appliedErr != nil {
			l.appliedErr[svc] = appliedErr
		}
		if defaultsErr != nil {
			l.defaultsErr[svc] = defaultsErr
		}
		if appliedErr == nil && !sawResource {
			if err := l.askPerInstance(ctx, api, svc, defs, active, fanout); err != nil {
				problems = append(problems, LimitProblem{svc, fmt.Errorf("get per-instance quotas: %w", err)})
			}
		}
	}
	return l, problems
}

func newLimits() *Limits {
	return &Limits{
		applied: map[string]sqValue{}, star: map[string]sqValue{}, resource: map[string]sqValue{},
		defaults: map[string]sqValue{}, appliedErr: map[string]error{}, defaultsErr: map[string]error{},
		instanceErr: map[string]error{}, absent: map[string]bool{}, listed: map[string]bool{},
	}
}

// serviceAbsent reports whether err is Service Quotas' answer that it
// knows no such service (or quota) in this Region.
func serviceAbsent(err error) bool { return hasCode(err, "NoSuchResourceException") }

// levelRefused reports whether err is an endpoint's refusal of a level
// filter: one without resource-level quotas answers only account level.
func levelRefused(err error) bool { return hasCode(err, "ValidationException") }

// hasCode reports whether err is an AWS answer with that error code.
func hasCode(err error, code string) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == code
}

// checkEntry rejects a listed quota that does not make sense: without a
// code, the listing cannot say which quota it is missing; without a
// finite, non-negative value, it cannot be measured against.
func checkEntry(svc string, q sqtypes.ServiceQuota) error {
	switch {
	case q.QuotaCode == nil || *q.QuotaCode == "":
		return fmt.Errorf("%w: a %s quota without a quota code", awserr.ErrMalformed, svc)
	case q.Value == nil:
		return fmt.Errorf("%w: %s/%s without a value", awserr.ErrMalformed, svc, *q.QuotaCode)
	case math.IsNaN(*q.Value) || math.IsInf(*q.Value, 0) || *q.Value < 0:
		return fmt.Errorf("%w: %s/%s has the value %v", awserr.ErrMalformed, svc, *q.QuotaCode, *q.Value)
	}
	return nil
}

func toValue(q sqtypes.ServiceQuota) sqValue {
	return sqValue{value: aws.ToFloat64(q.Value), name: aws.ToString(q.QuotaName), adjustable: q.Adjustable, usage: q.UsageMetric}
}

// listApplied lists applied values at every level. It reports whether any
// resource-level entry came back.
func (l *Limits) listApplied(ctx context.Context, api QuotasAPI, svc string) (bool, error) {
	level := sqtypes.AppliedLevelEnumAll
	sawResource := false
	var token *string
	seen := map[string]bool{}
	for {
		out, err := api.ListServiceQuotas(ctx, &servicequotas.ListServiceQuotasInput{
			ServiceCode: aws.String(svc), QuotaAppliedAtLevel: level, MaxResults: aws.Int32(sqPageSize), NextToken: token,
		})
		if level != "" && token == nil && levelRefused(err) {
			// An endpoint without resource-level quotas: list account values.
			level = ""
			continue
		}
		if err != nil {
			return sawResource, err
		}
		for _, q := range out.Quotas {
			if err := checkEntry(svc, q); err != nil {
				return sawResource, err
			}
			key := sqKey(svc, *q.QuotaCode)
			switch c := q.QuotaContext; {
			case c == nil || c.ContextScope == sqtypes.QuotaContextScopeAccount:
				l.applied[key] = toValue(q)
			case aws.ToString(c.ContextId) == "*":
				sawResource = true
				l.star[key] = toValue(q)
			default:
				sawResource = true
				l.resource[key+"/"+aws.ToString(c.ContextId)] = toValue(q)
			}
		}
		if out.NextToken == nil || *out.NextToken == "" {
			return sawResource, nil
		}
		if seen[*out.NextToken] {
			return sawResource, errRepeatedToken
		}
		seen[*out.NextToken] = true
		token = out.NextToken
	}
}

func (l *Limits) listDefaults(ctx context.Context, api QuotasAPI, svc string) error {
	p := servicequotas.NewListAWSDefaultServiceQuotasPaginator(api, &servicequotas.ListAWSDefaultServiceQuotasInput{
		ServiceCode: aws.String(svc), MaxResults: aws.Int32(sqPageSize),
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, q := range out.Quotas {
			if err := checkEntry(svc, q); err != nil {
				return err
			}
			l.defaults[sqKey(svc, *q.QuotaCode)] = toValue(q)
		}
	}
	return nil
}

// askPerInstance asks GetServiceQuota with each instance's ARN as
// ContextId for every instance-scoped quota of svc.
func (l *Limits) askPerInstance(ctx context.Context, api QuotasAPI, svc string, defs []quota.Definition, active []quota.Instance, fanout int) error {
	var mu sync.Mutex
	var firstErr error
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, fanout))
	for _, d := range defs {
		// Only Connect's own quotas have the instance as a Service Quotas
		// context (AWS::Connect::Instance).
		if d.Code == "" || d.ServiceCode != svc || svc != "connect" || !d.PerInstance() {
			continue
		}
		for _, in := range active {
			g.Go(func() error {
				out, err := api.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{
					ServiceCode: aws.String(svc), QuotaCode: aws.String(d.Code), ContextId: aws.String(in.ARN),
				})
				var q *sqtypes.ServiceQuota
				if err == nil {
					if q = out.Quota; q == nil {
						err = fmt.Errorf("%w: no quota in the answer", awserr.ErrMalformed)
					} else {
						err = checkEntry(svc, *q)
					}
				}
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					// Without this instance's answer its own value is
					// unknown, and with it the limit that applies.
					l.instanceErr[sqKey(svc, d.Code)+"/"+in.ARN] = err
					if firstErr == nil {
						firstErr = err
					}
					return nil
				}
				if c := q.QuotaContext; c != nil && c.ContextScope == sqtypes.QuotaContextScopeResource && aws.ToString(c.ContextId) == in.ARN {
					l.resource[sqKey(svc, d.Code)+"/"+in.ARN] = toValue(*q)
				} else if _, ok := l.applied[sqKey(svc, d.Code)]; !ok {
					l.applied[sqKey(svc, d.Code)] = toValue(*q)
				}
				return nil
			})
		}
	}
	_ = g.Wait()
	return firstErr
}

// For returns the limit of d for an instance (nil for account quotas):
// the value applied to the instance, else the account-level applied value,
// else the AWS default, else the catalog's documented default. Each
// fallback is taken only when the more specific read answered without a
// value; when that read failed, the limit is unknown (Err says which read
// and why, and which value was not used in its place), so the quota is
// neither ok nor alerted on.
func (l *Limits) For(d quota.Definition, in *quota.Instance) quota.Limit {
	if d.Code == "" {
		return catalogLimit(d, "no Service Quotas code")
	}
	key := sqKey(d.ServiceCode, d.Code)
	if in != nil {
		if v, ok := l.resource[key+"/"+in.ARN]; ok {
			return v.limit(quota.LimitInstance)
		}
		if err := l.instanceErr[key+"/"+in.ARN]; err != nil {
			return l.unread(d, "the value applied to this instance", err)
		}
		if err := l.appliedErr[d.ServiceCode]; err != nil {
			// The missing pages may hold this instance's own value.
			return l.unread(d, "the applied values", err)
		}
		if v, ok := l.star[key]; ok {
			return v.limit(quota.LimitAccount)
		}
	}
	if v, ok := l.applied[key]; ok {
		return v.limit(quota.LimitAccount)
	}
	if err := l.appliedErr[d.ServiceCode]; err != nil {
		return l.unread(d, "the applied values", err)
	}
	if v, ok := l.defaults[key]; ok {
		return v.limit(quota.LimitAWSDefault)
	}
	if err := l.defaultsErr[d.ServiceCode]; err != nil {
		return l.unread(d, "the AWS defaults", err)
	}
	if l.absent[d.ServiceCode] {
		return catalogLimit(d, fmt.Sprintf("Service Quotas does not list the service %s in this Region", d.ServiceCode))
	}
	return catalogLimit(d, fmt.Sprintf("Service Quotas does not list %s in this Region", d.Code))
}

// unread is the limit of d when a read it depends on failed: unknown,
// naming the read, the failure and the fallback value not used.
func (l *Limits) unread(d quota.Definition, what string, err error) quota.Limit {
	key := sqKey(d.ServiceCode, d.Code)
	var fallback string
	if v, ok := l.star[key]; ok {
		fallback = "the value for every instance " + quota.FormatNumber(v.value)
	} else if v, ok := l.applied[key]; ok {
		fallback = "the account-level value " + quota.FormatNumber(v.value)
	} else if v, ok := l.defaults[key]; ok {
		fallback = "the AWS default " + quota.FormatNumber(v.value)
	} else if d.Default != nil {
		fallback = "the documented default " + quota.FormatNumber(*d.Default)
	}
	msg := fmt.Sprintf("Service Quotas could not give %s (%s)", what, awserr.Reason(err))
	if fallback != "" {
		msg += "; " + fallback + " may not be the applied limit, so it is not used"
	}
	return quota.Limit{Err: errors.New(msg)}
}

// Answered returns the service codes whose applied values and AWS
// defaults Service Quotas listed: the services it knows in this Region.
func (l *Limits) Answered(codes []string) []string {
	var out []string
	for _, c := range codes {
		if l.listed[c] {
			out = append(out, c)
		}
	}
	return out
}

// UsageMetric returns the CloudWatch metric Service Quotas names as the
// usage of an account-level quota, if it names one.
func (l *Limits) UsageMetric(d quota.Definition) *sqtypes.MetricInfo {
	key := sqKey(d.ServiceCode, d.Code)
	for _, m := range []map[string]sqValue{l.applied, l.defaults} {
		if v, ok := m[key]; ok && v.usage != nil && v.usage.MetricName != nil {
			return v.usage
		}
	}
	return nil
}

// VerifiedCodes returns the catalog codes Service Quotas listed, as
// applied or default values, in this Region.
func (l *Limits) VerifiedCodes(defs []quota.Definition) []quota.Definition {
	var out []quota.Definition
	for _, d := range defs {
		if d.Code != "" && l.knows(sqKey(d.ServiceCode, d.Code)) {
			out = append(out, d)
		}
	}
	return out
}

func (l *Limits) knows(key string) bool {
	for _, m := range []map[string]sqValue{l.defaults, l.applied, l.star} {
		if _, ok := m[key]; ok {
			return true
		}
	}
	return false
}

// UnknownCodes returns the catalog codes that Service Quotas listed
// neither as applied nor as default although it answered for their
// service: codes AWS does not know here.
func (l *Limits) UnknownCodes(defs []quota.Definition) []quota.Definition {
	var out []quota.Definition
	for _, d := range defs {
		if d.Code == "" || !l.listed[d.ServiceCode] {
			continue
		}
		if l.knows(sqKey(d.ServiceCode, d.Code)) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func (v sqValue) limit(src quota.LimitSource) quota.Limit {
	adj := v.adjustable
	return quota.Limit{Value: v.value, Source: src, Adjustable: &adj, Name: v.name}
}

func catalogLimit(d quota.Definition, why string) quota.Limit {
	if d.Default == nil {
		return quota.Limit{Err: fmt.Errorf("no limit: %s, and AWS documents no default", why)}
	}
	return quota.Limit{Value: *d.Default, Source: quota.LimitCatalog, Note: "documented default: " + why}
}
