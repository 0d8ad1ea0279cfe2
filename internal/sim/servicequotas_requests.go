package sim

import (
	"fmt"
	"slices"
	"time"
)

// requestStatuses are Service Quotas' RequestStatus values.
var requestStatuses = []string{"PENDING", "CASE_OPENED", "APPROVED", "DENIED", "CASE_CLOSED", "NOT_APPROVED", "INVALID_REQUEST"}

// requestWindow is how far back ListRequestedServiceQuotaChangeHistory
// answers: "Responses include any open or closed requests within 90 days."
const requestWindow = 90 * 24 * time.Hour

// quotaRequest is one increase request; a scenario's carry ago (they
// move with the server clock), filed ones carry at.
type quotaRequest struct {
	id, caseID, region, service, code, contextID, status string
	desired                                              float64
	ago                                                  time.Duration
	at                                                   time.Time
}

func (r quotaRequest) created(now time.Time) time.Time {
	if !r.at.IsZero() {
		return r.at
	}
	return now.Add(-r.ago)
}

func (r quotaRequest) open() bool { return r.status == "PENDING" || r.status == "CASE_OPENED" }

func compileRequest(w *world, path string, i int, r QuotaRequest) (quotaRequest, error) {
	q := quotaRequest{id: r.ID, caseID: r.CaseID, region: r.Region, service: r.Service, code: r.Code, status: r.Status, desired: r.DesiredValue}
	if q.id == "" {
		q.id = fmt.Sprintf("5c0e%028x", i+1)
	}
	if q.status == "" {
		q.status = "PENDING"
	}
	if err := oneOf(path+".status", q.status, requestStatuses); err != nil {
		return q, err
	}
	qs, ok := w.quotas[r.Service]
	if !ok {
		return q, bad(path+".service", r.Service, "is not a service of serviceQuotas.services")
	}
	quota, e := qs.quota(r.Code)
	if e != nil {
		return q, bad(path+".code", r.Code, "is not a quota of "+r.Service)
	}
	if r.Instance != "" {
		in, ok := w.byRef[r.Instance]
		if !ok {
			return q, bad(path+".instance", r.Instance, "is not an instance id or alias")
		}
		if !quota.ResourceLevel {
			return q, bad(path+".instance", r.Instance, "names an instance, but "+r.Code+" is not a resource-level quota")
		}
		q.contextID = in.arn
		if q.region == "" {
			q.region = in.region
		}
	}
	if q.region == "" {
		q.region = w.regions[0]
	}
	if !slices.Contains(w.regions, q.region) {
		return q, bad(path+".region", q.region, "is not one of the scenario's regions")
	}
	d, err := parseDur(path+".ago", r.Ago)
	if err != nil {
		return q, err
	}
	q.ago = d
	return q, nil
}

// requestEntry renders a RequestedServiceQuotaChange.
func (s *Server) requestEntry(r quotaRequest, now time.Time) map[string]any {
	qs := s.w.quotas[r.service]
	q, _ := qs.quota(r.code)
	created := r.created(now)
	m := map[string]any{
		"Id": r.id, "ServiceCode": r.service, "ServiceName": qs.name, "QuotaCode": r.code, "QuotaName": q.Name,
		"DesiredValue": r.desired, "Status": r.status, "Created": epoch(created), "LastUpdated": epoch(created),
		"Requester": s.w.caller.Arn, "GlobalQuota": q.Global, "Unit": q.Unit,
		"QuotaArn":              fmt.Sprintf("arn:aws:servicequotas:%s:%s:%s/%s", r.region, s.w.account, r.service, r.code),
		"QuotaRequestedAtLevel": "ACCOUNT",
	}
	if r.caseID != "" {
		m["CaseId"] = r.caseID
	}
	if r.contextID != "" {
		m["QuotaRequestedAtLevel"] = "RESOURCE"
		m["QuotaContext"] = map[string]any{"ContextScope": "RESOURCE", "ContextScopeType": connectContextType, "ContextId": r.contextID}
	}
	return m
}

// listRequests answers ListRequestedServiceQuotaChangeHistory: the
// requests of the last 90 days in this region, newest first, filtered by
// service, status and level (ACCOUNT by default).
func (s *Server) listRequests(in *quotasInput, region string) (any, *apiError) {
	if in.ServiceCode != "" {
		if _, e := s.service(in.ServiceCode); e != nil {
			return nil, e
		}
	}
	level := in.QuotaRequestedAtLevel
	if level == "" {
		level = "ACCOUNT"
	}
	if !slices.Contains([]string{"ACCOUNT", "RESOURCE", "ALL"}, level) {
		return nil, quotasError("ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'quotaRequestedAtLevel' failed to satisfy constraint: Member must satisfy enum value set: [ACCOUNT, RESOURCE, ALL]", level))
	}
	if in.Status != "" && !slices.Contains(requestStatuses, in.Status) {
		return nil, quotasError("ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [PENDING, CASE_OPENED, APPROVED, DENIED, CASE_CLOSED, NOT_APPROVED, INVALID_REQUEST]", in.Status))
	}
	now := s.now()
	s.reqMu.Lock()
	var picked []quotaRequest
	for _, r := range s.requests {
		switch {
		case r.region != region, in.ServiceCode != "" && r.service != in.ServiceCode,
			in.Status != "" && r.status != in.Status, now.Sub(r.created(now)) > requestWindow,
			level == "ACCOUNT" && r.contextID != "", level == "RESOURCE" && r.contextID == "":
			continue
		}
		picked = append(picked, r)
	}
	s.reqMu.Unlock()
	slices.SortStableFunc(picked, func(a, b quotaRequest) int { return b.created(now).Compare(a.created(now)) })
	entries := make([]any, len(picked))
	for i, r := range picked {
		entries[i] = s.requestEntry(r, now)
	}
	scoped := *in
	scoped.QuotaAppliedAtLevel = level + "|" + in.Status
	items, next, e := pageQuotas("ListRequestedServiceQuotaChangeHistory", region, &scoped, entries)
	if e != nil {
		return nil, e
	}
	return withNext(map[string]any{"RequestedQuotas": items}, next), nil
}

// requestIncrease answers RequestServiceQuotaIncrease with Service
// Quotas' errors: NoSuchResourceException for an unknown service or
// quota, IllegalArgumentException for a quota that is not adjustable or a
// value not above the applied one, ResourceAlreadyExistsException while
// a request for the same quota and context is open. A ContextId that
// names no instance of the region is accepted and answered with status
// INVALID_REQUEST, as AWS does for a bad ARN.
func (s *Server) requestIncrease(in *quotasInput, region string) (any, *apiError) {
	qs, q, e := s.lookup(in)
	if e != nil {
		return nil, e
	}
	if in.DesiredValue == nil {
		return nil, quotasError("ValidationException", "1 validation error detected: Value null at 'desiredValue' failed to satisfy constraint: Member must not be null")
	}
	if !q.Adjustable {
		return nil, quotasError("IllegalArgumentException", fmt.Sprintf("The quota %s of service %s is not adjustable.", q.Code, qs.code))
	}
	req := quotaRequest{region: region, service: qs.code, code: q.Code, status: "PENDING", desired: *in.DesiredValue, at: s.now().UTC().Truncate(time.Second)}
	current := qs.accountValue(q)
	if in.ContextId != "" {
		if !q.ResourceLevel {
			return nil, quotasError("IllegalArgumentException", fmt.Sprintf("The quota %s of service %s is not applied at resource level; omit the context.", q.Code, qs.code))
		}
		req.contextID = in.ContextId
		current = qs.starValue(q)
		if inst := s.findInstance(region, in.ContextId); inst == nil {
			req.status = "INVALID_REQUEST"
		} else if v, ok := qs.instApplied[inst.id][q.Code]; ok {
			current = v
		}
	}
	if req.desired <= current {
		return nil, quotasError("IllegalArgumentException", fmt.Sprintf("The requested value %v must be greater than the current quota value %v.", req.desired, current))
	}
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	for _, r := range s.requests {
		if r.region == region && r.service == req.service && r.code == req.code && r.contextID == req.contextID && r.open() {
			return nil, quotasError("ResourceAlreadyExistsException", "Only one open service quota increase request is allowed per quota.")
		}
	}
	req.id = fmt.Sprintf("5c0f%028x", s.seq.Add(1))
	s.requests = append(s.requests, req)
	return map[string]any{"RequestedQuota": s.requestEntry(req, req.at)}, nil
}
