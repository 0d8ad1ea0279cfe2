package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// Service Quotas speaks awsJson1_1: POST / with
// X-Amz-Target: ServiceQuotasV20190624.<Operation>.

const (
	quotasTargetPrefix = "ServiceQuotasV20190624."
	connectContextType = "AWS::Connect::Instance"
	quotasMaxResults   = 100
)

type quotasInput struct {
	ServiceCode         string
	QuotaCode           string
	ContextId           string
	QuotaAppliedAtLevel string
	MaxResults          *int
	NextToken           string
	// ListRequestedServiceQuotaChangeHistory and RequestServiceQuotaIncrease.
	Status                string
	QuotaRequestedAtLevel string
	DesiredValue          *float64
}

func quotasError(code, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, msg: msg}
}

func (s *Server) serveQuotas(rw http.ResponseWriter, req *request) {
	rid := s.requestID()
	op, ok := strings.CutPrefix(req.r.Header.Get("X-Amz-Target"), quotasTargetPrefix)
	handlers := map[string]func(*quotasInput, string) (any, *apiError){
		"ListServices":                s.listServices,
		"ListServiceQuotas":           s.listServiceQuotas,
		"GetServiceQuota":             s.getServiceQuota,
		"ListAWSDefaultServiceQuotas": s.listDefaultQuotas,
		"GetAWSDefaultServiceQuota":   s.getDefaultQuota,

		"ListRequestedServiceQuotaChangeHistory": s.listRequests,
		"RequestServiceQuotaIncrease":            s.requestIncrease,
	}
	h := handlers[op]
	if !ok || h == nil || req.r.Method != http.MethodPost {
		s.record(ServiceServiceQuotas, "UnknownOperation")
		writeJSONError(rw, rid, quotasError("UnknownOperationException", "Unknown operation "+req.r.Header.Get("X-Amz-Target")))
		return
	}
	var in quotasInput
	if len(bytes.TrimSpace(req.body)) > 0 {
		if err := json.Unmarshal(req.body, &in); err != nil {
			writeJSONError(rw, rid, quotasError("SerializationException", "Start of structure or map found where not expected"))
			return
		}
	}
	ci := callInfo{service: ServiceServiceQuotas, op: op, region: req.region, resources: []string{in.ServiceCode, in.QuotaCode}}
	if inst := s.findInstance(req.region, in.ContextId); inst != nil {
		ci.instance = inst.id
	}
	if e := s.admit(req.r.Context(), ci); e != nil {
		writeJSONError(rw, rid, e)
		return
	}
	out, e := h(&in, req.region)
	if e != nil {
		writeJSONError(rw, rid, e)
		return
	}
	writeJSON(rw, rid, "application/x-amz-json-1.1", out)
}

// writeJSONError writes an awsJson error: the code in __type.
func writeJSONError(rw http.ResponseWriter, rid string, e *apiError) {
	b, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.msg})
	rw.Header().Set("Content-Type", "application/x-amz-json-1.1")
	rw.Header().Set("X-Amzn-RequestId", rid)
	rw.WriteHeader(e.status)
	_, _ = rw.Write(b)
}

// service returns the quota catalog of a service code, or the error AWS
// gives for a service it does not know in this region.
func (s *Server) service(code string) (*quotaService, *apiError) {
	if code == "" {
		return nil, quotasError("ValidationException", "1 validation error detected: Value null at 'serviceCode' failed to satisfy constraint: Member must not be null")
	}
	qs, ok := s.w.quotas[code]
	if !ok || s.w.unavailable[code] {
		return nil, quotasError("NoSuchResourceException", fmt.Sprintf("The request failed because the specified service %s does not exist.", code))
	}
	return qs, nil
}

func (qs *quotaService) quota(code string) (Quota, *apiError) {
	for _, q := range qs.quotas {
		if q.Code == code {
			return q, nil
		}
	}
	return Quota{}, quotasError("NoSuchResourceException", fmt.Sprintf("The request failed because the specified quota %s does not exist for service %s.", code, qs.code))
}

// pageQuotas pages a list of entries like the List* operations do.
func pageQuotas(op, region string, in *quotasInput, entries []any) (items []any, next string, e *apiError) {
	size := quotasMaxResults
	if in.MaxResults != nil {
		switch n := *in.MaxResults; {
		case n < 1:
			return nil, "", quotasError("ValidationException", fmt.Sprintf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1", n))
		case n > quotasMaxResults:
			return nil, "", quotasError("ValidationException", fmt.Sprintf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d", n, quotasMaxResults))
		default:
			size = n
		}
	}
	scope := strings.Join([]string{region, in.ServiceCode, in.QuotaCode, in.QuotaAppliedAtLevel}, "|")
	v := vlist{{n: len(entries), item: func(i int) any { return entries[i] }}}
	items, next, ok := page(op, scope, v, size, in.NextToken)
	if !ok {
		return nil, "", quotasError("InvalidPaginationTokenException", "Invalid pagination token")
	}
	return items, next, nil
}

func withNext(out map[string]any, next string) map[string]any {
	if next != "" {
		out["NextToken"] = next
	}
	return out
}

func (s *Server) listServices(in *quotasInput, region string) (any, *apiError) {
	codes := make([]string, 0, len(s.w.quotas))
	for c := range s.w.quotas {
		if !s.w.unavailable[c] {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	entries := make([]any, len(codes))
	for i, c := range codes {
		entries[i] = map[string]any{"ServiceCode": c, "ServiceName": s.w.quotas[c].name}
	}
	items, next, e := pageQuotas("ListServices", region, in, entries)
	if e != nil {
		return nil, e
	}
	return withNext(map[string]any{"Services": items}, next), nil
}

// entry renders one ServiceQuota. ctxID is "" for an account-level value,
// "*" or an instance ARN for a resource-level one.
func (s *Server) entry(qs *quotaService, region string, q Quota, value float64, ctxID string) map[string]any {
	m := map[string]any{
		"ServiceCode": qs.code, "ServiceName": qs.name, "QuotaCode": q.Code, "QuotaName": q.Name,
		"QuotaArn": fmt.Sprintf("arn:aws:servicequotas:%s:%s:%s/%s", region, s.w.account, qs.code, q.Code),
		"Value":    value, "Unit": q.Unit, "Adjustable": q.Adjustable, "GlobalQuota": q.Global,
		"QuotaAppliedAtLevel": "ACCOUNT",
	}
	if ctxID != "" {
		m["QuotaAppliedAtLevel"] = "RESOURCE"
		m["QuotaContext"] = map[string]any{"ContextScope": "RESOURCE", "ContextScopeType": connectContextType, "ContextId": ctxID}
	}
	if u := q.UsageMetric; u != nil {
		um := map[string]any{"MetricNamespace": u.Namespace, "MetricName": u.Name, "MetricDimensions": u.Dimensions}
		if u.Statistic != "" {
			um["MetricStatisticRecommendation"] = u.Statistic
		}
		m["UsageMetric"] = um
	}
	if q.PeriodSeconds > 0 {
		m["Period"] = map[string]any{"PeriodValue": q.PeriodSeconds, "PeriodUnit": "SECOND"}
	}
	return m
}

func (qs *quotaService) accountValue(q Quota) float64 {
	if v, ok := qs.applied[q.Code]; ok {
		return v
	}
	return q.Default
}

func (qs *quotaService) starValue(q Quota) float64 {
	if v, ok := qs.resDefaults[q.Code]; ok {
		return v
	}
	return q.Default
}

// resourceEntries lists a resource-level quota's "*" value and the values
// applied to single instances of the region.
func (s *Server) resourceEntries(qs *quotaService, region string, q Quota) []any {
	out := []any{s.entry(qs, region, q, qs.starValue(q), "*")}
	for _, in := range s.w.instances {
		if v, ok := qs.instApplied[in.id][q.Code]; ok && in.region == region {
			out = append(out, s.entry(qs, region, q, v, in.arn))
		}
	}
	return out
}

func (s *Server) listServiceQuotas(in *quotasInput, region string) (any, *apiError) {
	qs, e := s.service(in.ServiceCode)
	if e != nil {
		return nil, e
	}
	level := in.QuotaAppliedAtLevel
	if level == "" {
		level = "ACCOUNT"
	}
	if !slices.Contains([]string{"ACCOUNT", "RESOURCE", "ALL"}, level) {
		return nil, quotasError("ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'quotaAppliedAtLevel' failed to satisfy constraint: Member must satisfy enum value set: [ACCOUNT, RESOURCE, ALL]", level))
	}
	var entries []any
	for _, q := range qs.quotas {
		if in.QuotaCode != "" && q.Code != in.QuotaCode {
			continue
		}
		if level != "RESOURCE" {
			entries = append(entries, s.entry(qs, region, q, qs.accountValue(q), ""))
		}
		if level != "ACCOUNT" && q.ResourceLevel {
			entries = append(entries, s.resourceEntries(qs, region, q)...)
		}
	}
	items, next, e := pageQuotas("ListServiceQuotas", region, in, entries)
	if e != nil {
		return nil, e
	}
	return withNext(map[string]any{"Quotas": items}, next), nil
}

// lookup finds the service and quota a Get call names.
func (s *Server) lookup(in *quotasInput) (*quotaService, Quota, *apiError) {
	qs, e := s.service(in.ServiceCode)
	if e != nil {
		return nil, Quota{}, e
	}
	q, e := qs.quota(in.QuotaCode)
	return qs, q, e
}

func (s *Server) getServiceQuota(in *quotasInput, region string) (any, *apiError) {
	qs, q, e := s.lookup(in)
	if e != nil {
		return nil, e
	}
	if in.ContextId == "" || !q.ResourceLevel {
		return map[string]any{"Quota": s.entry(qs, region, q, qs.accountValue(q), "")}, nil
	}
	if inst := s.findInstance(region, in.ContextId); inst != nil {
		if v, ok := qs.instApplied[inst.id][q.Code]; ok {
			return map[string]any{"Quota": s.entry(qs, region, q, v, inst.arn)}, nil
		}
	}
	return map[string]any{"Quota": s.entry(qs, region, q, qs.starValue(q), "*")}, nil
}

func (s *Server) listDefaultQuotas(in *quotasInput, region string) (any, *apiError) {
	qs, e := s.service(in.ServiceCode)
	if e != nil {
		return nil, e
	}
	entries := make([]any, 0, len(qs.quotas))
	for _, q := range qs.quotas {
		entries = append(entries, s.defaultEntry(qs, region, q))
	}
	items, next, e := pageQuotas("ListAWSDefaultServiceQuotas", region, in, entries)
	if e != nil {
		return nil, e
	}
	return withNext(map[string]any{"Quotas": items}, next), nil
}

func (s *Server) getDefaultQuota(in *quotasInput, region string) (any, *apiError) {
	qs, q, e := s.lookup(in)
	if e != nil {
		return nil, e
	}
	return map[string]any{"Quota": s.defaultEntry(qs, region, q)}, nil
}

// defaultEntry is an AWS default value, which carries no applied level.
func (s *Server) defaultEntry(qs *quotaService, region string, q Quota) map[string]any {
	m := s.entry(qs, region, q, q.Default, "")
	delete(m, "QuotaAppliedAtLevel")
	return m
}
