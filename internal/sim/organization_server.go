package sim

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Organizations speaks awsJson1_1: POST / with
// X-Amz-Target: AWSOrganizationsV20161128.<Operation>.
const (
	orgTargetPrefix = "AWSOrganizationsV20161128."
	// orgMaxResults is the largest page Organizations' List calls return.
	orgMaxResults = 20
)

var roleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})$`)

var sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// serveOrganization answers what the management server answers for the
// whole Organization (STS AssumeRole, Organizations) and hands calls
// signed with a member's credentials to that member. It reports whether
// it answered.
func (s *Server) serveOrganization(rw http.ResponseWriter, req *request, service string) bool {
	account := s.w.account
	if key := accessKey(req.r.Header.Get("Authorization")); strings.HasPrefix(key, "ASIA") {
		s.mu.Lock()
		a, ok := s.keys[key]
		s.mu.Unlock()
		if !ok {
			e := &apiError{status: http.StatusForbidden, code: "InvalidClientTokenId", msg: "The security token included in the request is invalid."}
			if service == ServiceSTS {
				writeXMLError(rw, s.requestID(), e)
			} else {
				writeRESTError(rw, s.requestID(), e)
			}
			return true
		}
		account = a
	}
	switch {
	case service == ServiceSTS && stsAction(req.body) == "AssumeRole":
		s.assumeRole(rw, req, account)
		return true
	case service == ServiceOrganizations:
		s.serveOrgAPI(rw, req, account)
		return true
	case account != s.w.account:
		s.members[account].route(rw, req, service)
		return true
	}
	return false
}

// accessKey is the access key id of a SigV4 Authorization header.
func accessKey(auth string) string {
	_, rest, _ := strings.Cut(auth, "Credential=")
	key, _, _ := strings.Cut(rest, "/")
	return strings.TrimSpace(key)
}

func stsAction(body []byte) string {
	form, _ := url.ParseQuery(string(body))
	return form.Get("Action")
}

type stsAssumed struct {
	XMLName   xml.Name `xml:"AssumeRoleResponse"`
	XMLNS     string   `xml:"xmlns,attr"`
	Arn       string   `xml:"AssumeRoleResult>AssumedRoleUser>Arn"`
	RoleID    string   `xml:"AssumeRoleResult>AssumedRoleUser>AssumedRoleId"`
	KeyID     string   `xml:"AssumeRoleResult>Credentials>AccessKeyId"`
	Secret    string   `xml:"AssumeRoleResult>Credentials>SecretAccessKey"`
	Token     string   `xml:"AssumeRoleResult>Credentials>SessionToken"`
	Expiry    string   `xml:"AssumeRoleResult>Credentials>Expiration"`
	Request   string   `xml:"ResponseMetadata>RequestId"`
	PackedPct int      `xml:"AssumeRoleResult>PackedPolicySize"`
}

// assumeRole answers STS AssumeRole from caller: the management account
// may assume a role its member trusts it with, with the ExternalId the
// role asks for; anything else is AccessDenied, as in AWS.
func (s *Server) assumeRole(rw http.ResponseWriter, req *request, caller string) {
	rid := s.requestID()
	if e := s.admit(req.r.Context(), callInfo{service: ServiceSTS, op: "AssumeRole", region: req.region}); e != nil {
		writeXMLError(rw, rid, e)
		return
	}
	form, _ := url.ParseQuery(string(req.body))
	roleARN, session := form.Get("RoleArn"), form.Get("RoleSessionName")
	if !sessionNameRE.MatchString(session) {
		writeXMLError(rw, rid, &apiError{status: http.StatusBadRequest, code: "ValidationError",
			msg: fmt.Sprintf("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint", session)})
		return
	}
	denied := &apiError{status: http.StatusForbidden, code: "AccessDenied",
		msg: fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", s.callerARN(caller), roleARN)}
	m := roleARNRE.FindStringSubmatch(roleARN)
	if m == nil {
		writeXMLError(rw, rid, &apiError{status: http.StatusBadRequest, code: "ValidationError", msg: roleARN + " is invalid"})
		return
	}
	target, name := m[1], m[2]
	member, ok := s.w.org.member(target)
	if !ok || caller != s.w.account || member.world == nil || member.Status != "ACTIVE" {
		writeXMLError(rw, rid, denied)
		return
	}
	var role *OrgRole
	for i := range member.Roles {
		if member.Roles[i].Name == name {
			role = &member.Roles[i]
		}
	}
	if role == nil || role.ExternalID != "" && form.Get("ExternalId") != role.ExternalID {
		writeXMLError(rw, rid, denied)
		return
	}
	s.mu.Lock()
	key := fmt.Sprintf("ASIA%016X", len(s.keys)+1)
	s.keys[key] = target
	s.mu.Unlock()
	writeXML(rw, rid, http.StatusOK, stsAssumed{
		XMLNS: stsXMLNS, Request: rid,
		Arn:    fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", target, name, session),
		RoleID: "AROASIMULATOR" + target[:7] + ":" + session,
		KeyID:  key, Secret: "simulator-secret-" + key, Token: "simulator-session-" + key,
		Expiry: time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
	})
}

type orgInput struct {
	ParentId   string
	ChildType  string
	MaxResults *int
	NextToken  string
}

type orgAccountOut struct {
	Id              string
	Arn             string
	Email           string
	Name            string
	Status          string
	State           string
	JoinedMethod    string
	JoinedTimestamp float64
}

// serveOrgAPI answers AWS Organizations for caller; only the management
// account may list the Organization.
func (s *Server) serveOrgAPI(rw http.ResponseWriter, req *request, caller string) {
	rid := s.requestID()
	op, ok := strings.CutPrefix(req.r.Header.Get("X-Amz-Target"), orgTargetPrefix)
	handlers := map[string]func(*orgInput) (any, *apiError){
		"ListAccounts":          s.orgListAccounts,
		"ListAccountsForParent": s.orgListAccountsForParent,
		"ListChildren":          s.orgListChildren,
		"ListRoots":             s.orgListRoots,
	}
	h := handlers[op]
	if !ok || h == nil {
		s.record(ServiceOrganizations, "UnknownOperation")
		writeJSONError(rw, rid, &apiError{status: http.StatusBadRequest, code: "UnknownOperationException", msg: "Unknown operation " + op})
		return
	}
	if e := s.admit(req.r.Context(), callInfo{service: ServiceOrganizations, op: op, region: req.region}); e != nil {
		writeJSONError(rw, rid, e)
		return
	}
	if caller != s.w.account {
		writeJSONError(rw, rid, &apiError{status: http.StatusBadRequest, code: "AccessDeniedException", msg: "You don't have permissions to access this resource."})
		return
	}
	var in orgInput
	if len(req.body) > 0 {
		if err := json.Unmarshal(req.body, &in); err != nil {
			writeJSONError(rw, rid, &apiError{status: http.StatusBadRequest, code: "SerializationException", msg: "cannot decode the request"})
			return
		}
	}
	out, e := h(&in)
	if e != nil {
		writeJSONError(rw, rid, e)
		return
	}
	writeJSON(rw, rid, "application/x-amz-json-1.1", out)
}

func orgInvalid(reason, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidInputException", msg: msg + " (" + reason + ")"}
}

// orgPage cuts n items to one page of in's size and token.
func orgPage(in *orgInput, n int) (from, to int, next *string, e *apiError) {
	size := orgMaxResults
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > orgMaxResults {
			return 0, 0, nil, orgInvalid("INVALID_INPUT", fmt.Sprintf("MaxResults %d is outside 1-%d", *in.MaxResults, orgMaxResults))
		}
		size = *in.MaxResults
	}
	if in.NextToken != "" {
		v, err := strconv.Atoi(strings.TrimPrefix(in.NextToken, "page-"))
		if err != nil || v < 0 || v > n || !strings.HasPrefix(in.NextToken, "page-") {
			return 0, 0, nil, orgInvalid("INVALID_PAGINATION_TOKEN", "The NextToken is not valid.")
		}
		from = v
	}
	to = min(from+size, n)
	if to < n {
		t := fmt.Sprintf("page-%d", to)
		next = &t
	}
	return from, to, next, nil
}

func (s *Server) orgAccount(m orgMember) orgAccountOut {
	status := m.Status
	if status == "CLOSED" {
		status = "SUSPENDED" // Status has no CLOSED; State does
	}
	return orgAccountOut{
		Id: m.ID, Arn: fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", s.w.account, s.w.org.id, m.ID),
		Email: "aws+" + m.ID + "@example.com", Name: m.Name, Status: status, State: m.Status,
		JoinedMethod: "CREATED", JoinedTimestamp: float64(defaultCreated.Unix()),
	}
}

func (s *Server) orgAccounts(keep func(orgMember) bool, in *orgInput) (any, *apiError) {
	var all []orgAccountOut
	for _, m := range s.w.org.accounts {
		if keep(m) {
			all = append(all, s.orgAccount(m))
		}
	}
	from, to, next, e := orgPage(in, len(all))
	if e != nil {
		return nil, e
	}
	return map[string]any{"Accounts": append([]orgAccountOut{}, all[from:to]...), "NextToken": next}, nil
}

func (s *Server) orgListAccounts(in *orgInput) (any, *apiError) {
	return s.orgAccounts(func(orgMember) bool { return true }, in)
}

func (s *Server) orgParentExists(id string) *apiError {
	if id == orgRoot {
		return nil
	}
	for _, u := range s.w.org.units {
		if u.ID == id {
			return nil
		}
	}
	return &apiError{status: http.StatusBadRequest, code: "ParentNotFoundException", msg: "We can't find a root or OU with the ParentId that you specified."}
}

func (s *Server) orgListAccountsForParent(in *orgInput) (any, *apiError) {
	if e := s.orgParentExists(in.ParentId); e != nil {
		return nil, e
	}
	return s.orgAccounts(func(m orgMember) bool { return s.w.org.parentOf(m.OrgAccount) == in.ParentId }, in)
}

func (s *Server) orgListChildren(in *orgInput) (any, *apiError) {
	if e := s.orgParentExists(in.ParentId); e != nil {
		return nil, e
	}
	type child struct{ Id, Type string }
	var all []child
	switch in.ChildType {
	case "ACCOUNT":
		for _, m := range s.w.org.accounts {
			if s.w.org.parentOf(m.OrgAccount) == in.ParentId {
				all = append(all, child{m.ID, "ACCOUNT"})
			}
		}
	case "ORGANIZATIONAL_UNIT":
		for _, u := range s.w.org.units {
			parent := u.Parent
			if parent == "" {
				parent = orgRoot
			}
			if parent == in.ParentId {
				all = append(all, child{u.ID, "ORGANIZATIONAL_UNIT"})
			}
		}
	default:
		return nil, orgInvalid("INVALID_ENUM", fmt.Sprintf("ChildType %q is not ACCOUNT or ORGANIZATIONAL_UNIT", in.ChildType))
	}
	from, to, next, e := orgPage(in, len(all))
	if e != nil {
		return nil, e
	}
	return map[string]any{"Children": append([]child{}, all[from:to]...), "NextToken": next}, nil
}

func (s *Server) orgListRoots(in *orgInput) (any, *apiError) {
	root := map[string]any{"Id": orgRoot, "Name": "Root",
		"Arn": fmt.Sprintf("arn:aws:organizations::%s:root/%s/%s", s.w.account, s.w.org.id, orgRoot), "PolicyTypes": []any{}}
	return map[string]any{"Roots": []any{root}}, nil
}

// callerARN is the identity STS names in a denial.
func (s *Server) callerARN(account string) string {
	if m, ok := s.members[account]; ok {
		return m.w.caller.Arn
	}
	return s.w.caller.Arn
}
