// Package awserr puts the failures of AWS calls into the small set of
// kinds cqmon reasons about (throttled, access denied, not enabled...) and
// words them for people. It is a leaf: the collectors, the stores and the
// programs use it without depending on the package that builds clients.
package awserr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// Kind is the small set of failure classes cqmon reasons about.
type Kind string

// Failure kinds.
const (
	KindThrottled    Kind = "throttled"
	KindAccessDenied Kind = "access denied"
	// KindNotEnabled: the service or feature is not enabled for the
	// account or instance, or the resource does not exist.
	KindNotEnabled Kind = "not enabled"
	// KindNotInRegion: the service has no endpoint in the Region.
	KindNotInRegion Kind = "not in region"
	KindInvalid     Kind = "invalid request"
	KindMalformed   Kind = "malformed response"
	KindTransient   Kind = "transient"
	KindCanceled    Kind = "canceled"
	// KindSkipped: cqmon chose not to make the calls (too many of them).
	KindSkipped Kind = "not measured"
)

// throttles recognises the SDK's throttling answers.
var throttles = retry.IsErrorThrottles(retry.DefaultThrottles)

// IsThrottle reports whether err is one attempt's throttling answer, as
// the SDK's retryer sees it.
func IsThrottle(err error) bool { return throttles.IsErrorThrottle(err).Bool() }

var codeKinds = map[string]Kind{
	"AccessDeniedException":                 KindAccessDenied,
	"AccessDenied":                          KindAccessDenied,
	"UnauthorizedOperation":                 KindAccessDenied,
	"UnrecognizedClientException":           KindAccessDenied,
	"InvalidClientTokenId":                  KindAccessDenied,
	"ExpiredTokenException":                 KindAccessDenied,
	"ResourceNotFoundException":             KindNotEnabled,
	"NoSuchResourceException":               KindNotEnabled,
	"NotFoundException":                     KindNotEnabled,
	"ServiceQuotaTemplateNotInUseException": KindNotEnabled,
	"InvalidParameterException":             KindInvalid,
	"InvalidRequestException":               KindInvalid,
	"ValidationException":                   KindInvalid,
	"IllegalArgumentException":              KindInvalid,
	"UnknownOperationException":             KindNotInRegion,
	"InternalServiceException":              KindTransient,
	"InternalServerException":               KindTransient,
	"ServiceException":                      KindTransient,
}

// ErrMalformed marks an answer that does not make sense (a pagination
// token that repeats, a value of the wrong kind). Collectors wrap it.
var ErrMalformed = errors.New("malformed response")

// ErrSkipped marks a measurement cqmon chose not to make because it would
// cost too many calls; collectors wrap it with the reason.
var ErrSkipped = errors.New("not measured")

// Classify puts an AWS call's error into one Kind.
func Classify(err error) Kind {
	if err == nil {
		return ""
	}
	if contextEnded(err) {
		return KindCanceled
	}
	if errors.Is(err, ErrMalformed) {
		return KindMalformed
	}
	if errors.Is(err, ErrSkipped) {
		return KindSkipped
	}
	if IsThrottle(err) || errors.As(err, new(*retry.MaxAttemptsError)) && hasThrottle(err) {
		return KindThrottled
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		if k, ok := codeKinds[api.ErrorCode()]; ok {
			return k
		}
		if strings.Contains(api.ErrorCode(), "Throttl") {
			return KindThrottled
		}
		return KindInvalid
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return KindNotInRegion
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return KindMalformed
	}
	return KindTransient
}

// contextEnded reports whether err is the call's context ending (the run
// was stopped or ran out of time). An HTTP client's own timeout also
// matches context.DeadlineExceeded under errors.Is, but it is a transient
// failure of one attempt, so the chain is searched for the context's
// error itself.
func contextEnded(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e == context.Canceled || e == context.DeadlineExceeded {
			return true
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			return slices.ContainsFunc(j.Unwrap(), contextEnded)
		}
	}
	return false
}

func hasThrottle(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && IsThrottle(api)
}

// Reason is a one-line, user-facing account of a failed call: its kind,
// the operation and AWS's error code, e.g.
// "access denied: connect:ListUsers (AccessDeniedException)".
func Reason(err error) string {
	if err == nil {
		return ""
	}
	kind := Classify(err)
	op := ""
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		op = iamPrefix(oe.ServiceID) + ":" + oe.OperationName
	} else if kind == KindSkipped || kind == KindMalformed {
		return err.Error() // already worded for people by cqmon itself
	}
	detail := ""
	var api smithy.APIError
	if errors.As(err, &api) {
		detail = api.ErrorCode()
		if msg := api.ErrorMessage(); msg != "" && kind != KindThrottled {
			detail += ": " + msg
		}
	} else if kind == KindCanceled {
		detail = "stopped before an answer"
		if errors.Is(err, context.DeadlineExceeded) {
			detail = "the run's deadline passed"
		}
	} else {
		detail = Short(err)
	}
	switch kind {
	case KindThrottled:
		detail += ", after retries"
	}
	if op == "" {
		return fmt.Sprintf("%s (%s)", kind, detail)
	}
	return fmt.Sprintf("%s: %s (%s)", kind, op, detail)
}

// Short is the last part of err's message, the cause without the context
// wrapped around it, when that part is short enough to read.
func Short(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && len(s)-i < 200 {
		return s[i+2:]
	}
	return s
}

// iamPrefix maps the SDK's service ID to the IAM action prefix users see
// in policies.
func iamPrefix(serviceID string) string {
	switch serviceID {
	case "Connect":
		return "connect"
	case "Service Quotas":
		return "servicequotas"
	case "CloudWatch":
		return "cloudwatch"
	case "STS":
		return "sts"
	case "ConnectCases":
		return "cases"
	case "Customer Profiles":
		return "profile"
	case "QConnect":
		return "wisdom"
	case "Voice ID":
		return "voiceid"
	case "AppIntegrations":
		return "app-integrations"
	case "ConnectCampaignsV2":
		return "connect-campaigns"
	}
	return strings.ToLower(strings.ReplaceAll(serviceID, " ", ""))
}
