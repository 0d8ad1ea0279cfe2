package awserr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/aws/smithy-go"
)

func TestClassify(t *testing.T) {
	api := func(code string) error { return &smithy.GenericAPIError{Code: code, Message: "m"} }
	op := func(service, name string, err error) error {
		return &smithy.OperationError{ServiceID: service, OperationName: name, Err: err}
	}
	tests := []struct {
		name   string
		err    error
		kind   Kind
		reason string
	}{
		{"malformed", fmt.Errorf("list users: %w: the token repeats", ErrMalformed), KindMalformed, "list users: malformed response: the token repeats"},
		{"skipped", fmt.Errorf("%w: 1200 users, more than 1000", ErrSkipped), KindSkipped, "not measured: 1200 users, more than 1000"},
		{"canceled", fmt.Errorf("call: %w", context.Canceled), KindCanceled, "canceled (stopped before an answer)"},
		{"deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), KindCanceled, "canceled (the run's deadline passed)"},
		{"plain", errors.New("dial: connection reset"), KindTransient, "transient (connection reset)"},
		{"access denied", op("Connect", "ListUsers", api("AccessDeniedException")), KindAccessDenied, "access denied: connect:ListUsers (AccessDeniedException: m)"},
		{"not enabled", op("Voice ID", "ListDomains", api("ResourceNotFoundException")), KindNotEnabled, "not enabled: voiceid:ListDomains (ResourceNotFoundException: m)"},
		{"unknown code", op("Some Service", "Get", api("WeirdException")), KindInvalid, "invalid request: someservice:Get (WeirdException: m)"},
		{"throttling code", op("Connect", "ListQueues", api("ThrottlingException")), KindThrottled, "throttled: connect:ListQueues (ThrottlingException, after retries)"},
		{"no endpoint", &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}, KindNotInRegion, "not in region (no such host)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err); got != tt.kind {
				t.Errorf("Classify() = %q, want %q", got, tt.kind)
			}
			if got := Reason(tt.err); got != tt.reason {
				t.Errorf("Reason() = %q, want %q", got, tt.reason)
			}
		})
	}
	if Classify(nil) != "" || Reason(nil) != "" {
		t.Errorf("Classify(nil), Reason(nil) = %q, %q; want empty", Classify(nil), Reason(nil))
	}
}
