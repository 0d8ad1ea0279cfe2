package sim

import (
	"encoding/xml"
	"net/http"
	"net/url"
)

// STS speaks awsQuery: a form body with Action and Version, XML responses.

const stsXMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"

type stsIdentity struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	XMLNS   string   `xml:"xmlns,attr"`
	Arn     string   `xml:"GetCallerIdentityResult>Arn"`
	UserID  string   `xml:"GetCallerIdentityResult>UserId"`
	Account string   `xml:"GetCallerIdentityResult>Account"`
	Request string   `xml:"ResponseMetadata>RequestId"`
}

type stsError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	XMLNS   string   `xml:"xmlns,attr"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
	Request string   `xml:"RequestId"`
}

func (s *Server) serveSTS(rw http.ResponseWriter, req *request) {
	rid := s.requestID()
	form, err := url.ParseQuery(string(req.body))
	action := form.Get("Action")
	if err != nil || action != "GetCallerIdentity" {
		s.record(ServiceSTS, "UnknownOperation")
		writeXMLError(rw, rid, &apiError{status: http.StatusBadRequest, code: "InvalidAction",
			msg: "Could not find operation " + action + " for version " + form.Get("Version")})
		return
	}
	if e := s.admit(req.r.Context(), callInfo{service: ServiceSTS, op: action, region: req.region}); e != nil {
		writeXMLError(rw, rid, e)
		return
	}
	writeXML(rw, rid, http.StatusOK, stsIdentity{XMLNS: stsXMLNS, Arn: s.w.caller.Arn, UserID: s.w.caller.UserID,
		Account: s.w.account, Request: rid})
}

func writeXMLError(rw http.ResponseWriter, rid string, e *apiError) {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	writeXML(rw, rid, e.status, stsError{XMLNS: stsXMLNS, Type: typ, Code: e.code, Message: e.msg, Request: rid})
}

func writeXML(rw http.ResponseWriter, rid string, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte("<ErrorResponse/>")
	}
	rw.Header().Set("Content-Type", "text/xml")
	rw.Header().Set("X-Amzn-RequestId", rid)
	rw.WriteHeader(status)
	_, _ = rw.Write(append([]byte(xml.Header), b...))
}
