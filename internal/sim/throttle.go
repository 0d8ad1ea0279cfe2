package sim

import (
	"math"
	"net/http"

	"golang.org/x/time/rate"
)

// Default token buckets, per account and region, as AWS documents them.
//
// Connect: "Amazon Connect throttling quotas" gives RateLimit 2 / BurstLimit
// 5 for every operation not listed, 3/5 for evaluations actions and 25/50 for
// ListIntegrationAssociations. Service Quotas reports 10 rps ("Rate of X API
// requests", us-east-1) for the List calls below; burst is not exposed, so
// they get 15 like the documented 10 rps operations.
const (
	connectRate, connectBurst           = 2, 5
	connectListRate, connectListBurst   = 10, 15
	evaluationsRate, evaluationsBurst   = 3, 5
	integrationsRate, integrationsBurst = 25, 50
	// Service Quotas: 10 requests per second per account and region.
	quotasRate, quotasBurst = 10, 10
	// CloudWatch: GetMetricData 50 transactions per second.
	metricDataRate, metricDataBurst = 50, 50
	// STS: 600 requests per second per account and region.
	stsRate, stsBurst = 600, 600
)

var connectListOps = map[string]bool{
	"ListUsers": true, "ListQueues": true, "ListRoutingProfiles": true, "ListRoutingProfileQueues": true,
	"ListQuickConnects": true, "ListQueueQuickConnects": true, "ListPrompts": true, "ListHoursOfOperations": true,
	"ListAgentStatuses": true, "ListUserHierarchyGroups": true, "ListUserProficiencies": true,
	"ListPredefinedAttributes": true,
}

var evaluationOps = map[string]bool{
	"ListEvaluationForms": true, "ListEvaluationFormVersions": true, "SearchEvaluationForms": true,
}

// defaultRate returns AWS's default bucket for an operation.
func defaultRate(service, op string) (float64, int) {
	switch service {
	case ServiceConnect:
		switch {
		case connectListOps[op]:
			return connectListRate, connectListBurst
		case evaluationOps[op]:
			return evaluationsRate, evaluationsBurst
		case op == "ListIntegrationAssociations":
			return integrationsRate, integrationsBurst
		}
		return connectRate, connectBurst
	case ServiceServiceQuotas:
		return quotasRate, quotasBurst
	case ServiceCloudWatch:
		return metricDataRate, metricDataBurst
	case ServiceCases, ServiceProfiles, ServiceQConnect, ServiceVoiceID, ServiceAppIntegrations, ServiceCampaigns:
		return relatedRate(service, op)
	default:
		return stsRate, stsBurst
	}
}

type bucketKey struct{ region, service, op string }

// limiter returns the token bucket of a call: one per region, service and
// operation, as AWS throttles per account and region.
func (s *Server) limiter(ci callInfo) *rate.Limiter {
	key := bucketKey{ci.region, ci.service, ci.op}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.buckets[key]; ok {
		return l
	}
	r, b := defaultRate(ci.service, ci.op)
	if v, ok := s.appliedRate(ci.service, ci.op); ok {
		r, b = v, int(math.Ceil(v*1.5))
	}
	for _, rule := range s.w.rates {
		if rule.Service == ci.service && matchOp(rule.Operation, ci.op) &&
			(rule.Region == "" || rule.Region == ci.region) {
			r, b = rule.Rate, rule.Burst
			break
		}
	}
	lim := rate.Limit(r)
	if r == 0 {
		lim = rate.Inf
	}
	l := rate.NewLimiter(lim, b)
	s.buckets[key] = l
	return l
}

// appliedRate is the value of the scenario's "Rate of <Operation> API
// requests" quota for a Connect operation, applied or default: in AWS that
// quota is the operation's throttle. Burst is not exposed by Service
// Quotas; it is taken as 1.5 times the rate, as for the documented 10/15.
func (s *Server) appliedRate(service, op string) (float64, bool) {
	if service != ServiceConnect {
		return 0, false
	}
	qs, ok := s.w.quotas["connect"]
	if !ok {
		return 0, false
	}
	name := "Rate of " + op + " API requests"
	for _, q := range qs.quotas {
		if q.Name == name {
			return qs.accountValue(q), true
		}
	}
	return 0, false
}

func matchOp(pattern, op string) bool { return pattern == "" || pattern == "*" || pattern == op }

// throttleError is the error each service really answers when its bucket is
// empty; every code is in the SDK retryer's list of throttling codes.
func throttleError(service string) *apiError {
	if svc, ok := relatedServices[service]; ok {
		e := svc.throttle
		return &e
	}
	switch service {
	case ServiceConnect:
		// Connect models ThrottlingException (HTTP 429) on the List/Search
		// operations; "Throttling errors ... are defined by HTTP status code 429".
		return &apiError{status: http.StatusTooManyRequests, code: "ThrottlingException", msg: "Rate exceeded"}
	case ServiceServiceQuotas:
		return &apiError{status: http.StatusBadRequest, code: "TooManyRequestsException", msg: "Rate exceeded"}
	case ServiceCloudWatch:
		// awsQuery-compatible: the query code "Throttling" travels in
		// x-amzn-query-error and becomes the SDK error code.
		return &apiError{status: http.StatusBadRequest, code: "ThrottlingException", queryCode: "Throttling", msg: "Rate exceeded"}
	default:
		return &apiError{status: http.StatusBadRequest, code: "Throttling", msg: "Rate exceeded"}
	}
}
