package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Connect's related services, by SigV4 signing name (the name the server
// routes on, and the service name of scenarios, Stats and faults).
const (
	ServiceCases           = "cases"
	ServiceProfiles        = "profile"
	ServiceQConnect        = "wisdom"
	ServiceVoiceID         = "voiceid"
	ServiceAppIntegrations = "app-integrations"
	ServiceCampaigns       = "connect-campaigns"
)

// relatedService is one related service as the simulator serves it.
type relatedService struct {
	name string
	// target is the awsJson1.0 X-Amz-Target prefix; "" for restJson1.
	target string
	// Paging names: in the query string (restJson1) or the JSON body.
	maxName, tokenName string
	bodyPaging         bool
	// outToken names the NextToken member of responses.
	outToken string
	// invalid is the error code of a request that fails validation.
	invalid string
	// throttle is the error the service answers when throttled.
	throttle apiError
	// availability returns how the service answers in a region's data.
	availability func(rs *regionServices) string
	routes       []relatedRoute
}

// relatedRoute is one list operation.
type relatedRoute struct {
	op, method, path string // path parameters as {Name}
	max              int    // the model's MaxResults maximum
	field            string // the result list
	list             func(c *relatedCall) (vlist, *apiError)
}

// relatedCall is one parsed request.
type relatedCall struct {
	s      *Server
	region string
	rs     *regionServices // never nil
	params map[string]string
	query  url.Values
	body   map[string]any
}

func (c *relatedCall) str(key string) string {
	v, _ := c.body[key].(string)
	return v
}

var emptyServices = &regionServices{campaigns: map[string]int{}}

func (s *Server) serveRelated(rw http.ResponseWriter, req *request, svc *relatedService) {
	rid := s.requestID()
	writeErr := func(e *apiError) {
		if svc.target != "" {
			writeJSONError(rw, rid, e)
			return
		}
		writeRESTError(rw, rid, e)
	}
	rt, params := svc.match(req.r)
	if rt == nil {
		s.record(svc.name, "UnknownOperation")
		writeErr(&apiError{status: http.StatusNotFound, code: "UnknownOperationException",
			msg: fmt.Sprintf("No operation matches %s %s", req.r.Method, req.r.URL.Path)})
		return
	}
	c := &relatedCall{s: s, region: req.region, rs: emptyServices, params: params, query: req.r.URL.Query(), body: map[string]any{}}
	if rs := s.w.services[req.region]; rs != nil {
		c.rs = rs
	}
	if len(bytes.TrimSpace(req.body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(req.body))
		dec.UseNumber()
		if err := dec.Decode(&c.body); err != nil {
			writeErr(&apiError{status: http.StatusBadRequest, code: "SerializationException", msg: "request body is not a JSON object"})
			return
		}
	}
	ci := callInfo{service: svc.name, op: rt.op, region: req.region}
	for _, v := range params {
		ci.resources = append(ci.resources, v)
	}
	if e := s.admit(req.r.Context(), ci); e != nil {
		writeErr(e)
		return
	}
	if e := unavailable(svc, svc.availability(c.rs), rt.op); e != nil {
		writeErr(e)
		return
	}
	out, e := c.run(svc, rt)
	if e != nil {
		writeErr(e)
		return
	}
	ct := "application/json"
	if svc.target != "" {
		ct = "application/x-amz-json-1.0"
	}
	writeJSON(rw, rid, ct, out)
}

// unavailable is the answer of a service that does not serve the region's
// data, as AWS gives it.
func unavailable(svc *relatedService, availability, op string) *apiError {
	status := http.StatusNotFound
	if svc.target != "" {
		status = http.StatusBadRequest
	}
	switch availability {
	case NotEnabled:
		return &apiError{status: status, code: "ResourceNotFoundException",
			msg: fmt.Sprintf("%s is not enabled for this account in this Region.", svc.name)}
	case AccessDenied:
		return &apiError{status: http.StatusForbidden, code: "AccessDeniedException",
			msg: fmt.Sprintf("User: arn:aws:sts::assumed-role/cqmon is not authorized to perform: %s:%s", svc.name, op)}
	case NotInRegion, EndOfSupport:
		return &apiError{status: status, code: "UnknownOperationException", msg: "The requested operation is not available."}
	}
	return nil
}

// match finds the route of a request: by X-Amz-Target for awsJson, by
// method and path for restJson.
func (svc *relatedService) match(r *http.Request) (*relatedRoute, map[string]string) {
	if svc.target != "" {
		op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), svc.target+".")
		for i := range svc.routes {
			if ok && r.Method == http.MethodPost && r.URL.Path == "/" && svc.routes[i].op == op {
				return &svc.routes[i], map[string]string{}
			}
		}
		return nil, nil
	}
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i := range svc.routes {
		rt := &svc.routes[i]
		pat := strings.Split(strings.Trim(rt.path, "/"), "/")
		if rt.method != r.Method || len(pat) != len(segs) {
			continue
		}
		params := map[string]string{}
		ok := true
		for j, p := range pat {
			if strings.HasPrefix(p, "{") {
				v, err := url.PathUnescape(segs[j])
				ok = ok && err == nil && v != ""
				params[strings.Trim(p, "{}")] = v
			} else {
				ok = ok && p == segs[j]
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

func (c *relatedCall) run(svc *relatedService, rt *relatedRoute) (map[string]any, *apiError) {
	invalid := func(msg string) *apiError {
		return &apiError{status: http.StatusBadRequest, code: svc.invalid, msg: msg}
	}
	raw, token := c.query.Get(svc.maxName), c.query.Get(svc.tokenName)
	if svc.bodyPaging {
		raw, token = "", c.str(svc.tokenName)
		if n, ok := c.body[svc.maxName].(json.Number); ok {
			raw = n.String()
		}
	}
	size := min(rt.max, 100)
	if raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > rt.max {
			return nil, invalid(fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have value between 1 and %d", raw, svc.maxName, rt.max))
		}
		size = n
	}
	v, e := rt.list(c)
	if e != nil {
		return nil, e
	}
	items, next, ok := page(svc.name+"."+rt.op, c.scope(svc), v, size, token)
	if !ok {
		return nil, invalid("The nextToken is not valid.")
	}
	out := map[string]any{rt.field: items}
	if next != "" {
		out[svc.outToken] = next
	}
	return out, nil
}

// scope binds a NextToken to everything in the request but the page size
// and the token.
func (c *relatedCall) scope(svc *relatedService) string {
	q := url.Values{}
	for k, v := range c.query {
		if k != svc.maxName && k != svc.tokenName {
			q[k] = v
		}
	}
	b := map[string]any{}
	for k, v := range c.body {
		if k != svc.maxName && k != svc.tokenName {
			b[k] = v
		}
	}
	bj, _ := json.Marshal(b)
	return fmt.Sprintf("%s|%v|%s|%s", c.region, c.params, q.Encode(), bj)
}

// countList is a list of n items built on demand by item.
func countList(n int, item func(i int) any) vlist {
	return vlist{{n: n, item: item}}
}

// relatedID is a stable UUID for a named resource of a region.
func relatedID(region, kind, name string) string {
	return derivedUUID(region + "/" + kind + "/" + name)
}

// relatedNotFound is the answer for a parent that does not exist.
func relatedNotFound(what, id string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "ResourceNotFoundException", msg: fmt.Sprintf("%s not found: %s", what, id)}
}

// relatedServices are the related services by signing name.
var relatedServices = map[string]*relatedService{
	ServiceCases: casesService, ServiceProfiles: profilesService, ServiceQConnect: qconnectService,
	ServiceVoiceID: voiceIDService, ServiceAppIntegrations: appIntegrationsService, ServiceCampaigns: campaignsService,
}

// relatedRate is the default token bucket of a related service's
// operation, from each service's documented throttling table; operations
// the tables leave out get the service's most common value.
func relatedRate(service, op string) (float64, int) {
	switch service {
	case ServiceCases:
		switch op {
		case "ListFieldOptions":
			return 6, 16
		case "ListDomains", "ListFields":
			return 2, 5
		}
		return 2, 10
	case ServiceProfiles:
		return 5, 5
	case ServiceQConnect:
		return 10, 10
	case ServiceVoiceID:
		return 2, 2
	case ServiceCampaigns:
		if op == "ListCampaigns" {
			return 5, 10
		}
		return 2, 5
	}
	// AppIntegrations publishes no default; Connect's 2/5 is assumed.
	return 2, 5
}
