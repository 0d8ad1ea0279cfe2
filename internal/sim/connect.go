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

// route is one Amazon Connect REST operation that returns a paginated list.
type route struct {
	op     string
	method string
	path   string // e.g. "/users-summary/{InstanceId}"
	max    int    // the model's MaxResults maximum
	field  string // name of the result list
	// bodyPaging: MaxResults and NextToken travel in the JSON body.
	bodyPaging bool
	// noInstance: the instance is optional (account-level listings).
	noInstance bool
	// invalidRequest: the model has no InvalidParameterException for this
	// operation, so validation failures use InvalidRequestException.
	invalidRequest bool
	// count: the response carries ApproximateTotalCount for kind.
	count bool
	kind  string
	// parent: the second path parameter, an id of this kind.
	parent string
	list   func(c *connectCall) (vlist, *apiError)
	// extra adds fields to the response besides the list and NextToken.
	extra func(c *connectCall) map[string]any
}

// connectCall is a parsed Connect request.
type connectCall struct {
	s       *Server
	rt      *route
	region  string
	params  map[string]string
	query   url.Values
	body    map[string]any
	in      *instance
	parent  int // index of the parent resource, when rt.parent is set
	instRef string
}

func (c *connectCall) str(key string) string {
	if v, ok := c.body[key].(string); ok {
		return v
	}
	return ""
}

func (c *connectCall) invalid(msg string) *apiError {
	code := "InvalidParameterException"
	if c.rt.invalidRequest {
		code = "InvalidRequestException"
	}
	return &apiError{status: http.StatusBadRequest, code: code, msg: msg}
}

func notFound(msg string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "ResourceNotFoundException", msg: msg}
}

func (s *Server) serveConnect(rw http.ResponseWriter, req *request) {
	rid := s.requestID()
	rt, params := matchRoute(req.r)
	if rt == nil {
		s.record(ServiceConnect, "UnknownOperation")
		writeRESTError(rw, rid, &apiError{status: http.StatusNotFound, code: "UnknownOperationException",
			msg: fmt.Sprintf("No operation matches %s %s", req.r.Method, req.r.URL.Path)})
		return
	}
	c := &connectCall{s: s, rt: rt, region: req.region, params: params, query: req.r.URL.Query(), body: map[string]any{}}
	if len(bytes.TrimSpace(req.body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(req.body))
		dec.UseNumber()
		if err := dec.Decode(&c.body); err != nil {
			writeRESTError(rw, rid, &apiError{status: http.StatusBadRequest, code: "SerializationException", msg: "request body is not a JSON object"})
			return
		}
	}
	c.instRef = params["InstanceId"]
	if c.instRef == "" {
		c.instRef = c.str("InstanceId")
	}
	if c.instRef == "" {
		c.instRef = c.query.Get("instanceId")
	}
	ci := callInfo{service: ServiceConnect, op: rt.op, region: req.region, instance: c.instRef}
	c.in = s.findInstance(req.region, c.instRef)
	if c.in != nil {
		ci.instance = c.in.id
	}
	if p := params[secondParam(rt.path)]; p != "" {
		ci.resources = []string{p}
	}
	if e := s.admit(req.r.Context(), ci); e != nil {
		writeRESTError(rw, rid, e)
		return
	}
	out, e := c.run()
	if e != nil {
		writeRESTError(rw, rid, e)
		return
	}
	writeJSON(rw, rid, "application/json", out)
}

// findInstance resolves an instance id or ARN in region.
func (s *Server) findInstance(region, ref string) *instance {
	if ref == "" {
		return nil
	}
	if i := strings.LastIndex(ref, ":instance/"); i >= 0 && strings.HasPrefix(ref, "arn:") {
		in := s.w.byRef[ref[i+len(":instance/"):]]
		if in == nil || in.arn != ref || in.region != region {
			return nil
		}
		return in
	}
	in := s.w.byRef[ref]
	if in == nil || in.id != ref || in.region != region {
		return nil
	}
	return in
}

func (c *connectCall) run() (map[string]any, *apiError) {
	rt := c.rt
	if c.in == nil && !rt.noInstance {
		if c.instRef == "" {
			return nil, c.invalid("InstanceId is required")
		}
		return nil, notFound(fmt.Sprintf("Instance not found: %s", c.instRef))
	}
	if c.in == nil && c.instRef != "" {
		return nil, notFound(fmt.Sprintf("Instance not found: %s", c.instRef))
	}
	if c.in != nil && c.in.status != "ACTIVE" {
		return nil, notFound(fmt.Sprintf("Instance %s is not active (status %s)", c.in.id, c.in.status))
	}
	size, token, e := c.paging()
	if e != nil {
		return nil, e
	}
	if rt.parent != "" {
		id := c.params[secondParam(rt.path)]
		idx, ok := lookupParent(c.in, rt.parent, id)
		if !ok {
			return nil, notFound(fmt.Sprintf("%s not found: %s", strings.TrimSuffix(rt.parent, "s"), id))
		}
		c.parent = idx
	}
	v, e := rt.list(c)
	if e != nil {
		return nil, e
	}
	items, next, ok := page(rt.op, c.scope(), v, size, token)
	if !ok {
		return nil, c.invalid("The nextToken is not valid.")
	}
	out := map[string]any{rt.field: items}
	if next != "" {
		out["NextToken"] = next
	}
	if rt.count {
		out["ApproximateTotalCount"] = max(0, v.len()+c.in.skew[rt.kind])
	}
	if rt.extra != nil {
		for k, val := range rt.extra(c) {
			out[k] = val
		}
	}
	return out, nil
}

// paging reads and checks MaxResults and NextToken.
func (c *connectCall) paging() (size int, token string, e *apiError) {
	raw, name := c.query.Get("maxResults"), "maxResults"
	token = c.query.Get("nextToken")
	if c.rt.bodyPaging {
		name = "MaxResults"
		raw, token = "", c.str("NextToken")
		if n, ok := c.body["MaxResults"].(json.Number); ok {
			raw = n.String()
		}
	}
	size = min(c.rt.max, 100)
	if raw == "" {
		return size, token, nil
	}
	n, err := strconv.Atoi(raw)
	switch {
	case err != nil:
		return 0, "", c.invalid(fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be an integer", raw, name))
	case n < 1:
		return 0, "", c.invalid(fmt.Sprintf("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to 1", n, name))
	case n > c.rt.max:
		return 0, "", c.invalid(fmt.Sprintf("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", n, name, c.rt.max))
	}
	return n, token, nil
}

// scope is what a NextToken is bound to: everything in the request except
// the page size and the token itself.
func (c *connectCall) scope() string {
	q := url.Values{}
	for k, v := range c.query {
		if k != "maxResults" && k != "nextToken" {
			q[k] = v
		}
	}
	b := map[string]any{}
	for k, v := range c.body {
		if k != "MaxResults" && k != "NextToken" {
			b[k] = v
		}
	}
	bj, _ := json.Marshal(b)
	return fmt.Sprintf("%s|%v|%s|%s", c.region, c.params, q.Encode(), bj)
}

// matchRoute finds the route of a request and its path parameters.
func matchRoute(r *http.Request) (*route, map[string]string) {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i := range connectRoutes {
		rt := &connectRoutes[i]
		if rt.method != r.Method {
			continue
		}
		pat := strings.Split(strings.Trim(rt.path, "/"), "/")
		if len(pat) != len(segs) {
			continue
		}
		params := map[string]string{}
		ok := true
		for j, p := range pat {
			if strings.HasPrefix(p, "{") {
				v, err := url.PathUnescape(segs[j])
				if err != nil || v == "" {
					ok = false
					break
				}
				params[strings.Trim(p, "{}")] = v
			} else if p != segs[j] {
				ok = false
				break
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

// secondParam names the path parameter after {InstanceId}, if any.
func secondParam(path string) string {
	var names []string
	for _, p := range strings.Split(path, "/") {
		if strings.HasPrefix(p, "{") && p != "{InstanceId}" {
			names = append(names, strings.Trim(p, "{}"))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// lookupParent resolves a parent id; queue parents may be agent queues,
// which are indexed after the standard queues.
func lookupParent(in *instance, kind, id string) (int, bool) {
	if idx, ok := lookup(in, kind, id); ok {
		return idx, true
	}
	if kind == "queues" {
		if idx, ok := lookup(in, "agentQueues", id); ok {
			return in.counts["queues"] + idx, true
		}
	}
	return 0, false
}

func writeJSON(rw http.ResponseWriter, rid, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeRESTError(rw, rid, &apiError{status: http.StatusInternalServerError, code: "InternalServiceException", msg: err.Error()})
		return
	}
	rw.Header().Set("Content-Type", contentType)
	rw.Header().Set("X-Amzn-RequestId", rid)
	rw.WriteHeader(http.StatusOK)
	_, _ = rw.Write(b)
}

// writeRESTError writes an error as restJson1 services do: the code in the
// X-Amzn-ErrorType header and the message in the body.
func writeRESTError(rw http.ResponseWriter, rid string, e *apiError) {
	b, _ := json.Marshal(map[string]string{"Message": e.msg})
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("X-Amzn-RequestId", rid)
	rw.Header().Set("X-Amzn-ErrorType", e.code)
	rw.WriteHeader(e.status)
	_, _ = rw.Write(b)
}
