package awsapi

import (
	"net"
	"net/http"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Timeouts of the HTTP client every AWS client shares (the scan's, and the
// stores' clients built from Factory.Config). The SDK sets none that
// bounds a server which accepts a connection and never answers: one such
// endpoint would hold a run forever. A timed-out attempt is retried like
// any other transient failure.
const (
	// DefaultConnectTimeout bounds opening a TCP connection.
	DefaultConnectTimeout = 10 * time.Second
	// DefaultTLSHandshakeTimeout bounds the TLS handshake (the SDK's own
	// default).
	DefaultTLSHandshakeTimeout = 10 * time.Second
	// DefaultResponseHeaderTimeout bounds the wait for an answer once a
	// request is sent. AWS's read APIs answer in well under a second; the
	// slowest call cqmon makes (a GetMetricData over many series, an S3
	// write of a large report) takes a few.
	DefaultResponseHeaderTimeout = 30 * time.Second
)

// Timeouts overrides the HTTP client's timeouts; zero fields keep the
// defaults above.
type Timeouts struct {
	Connect, TLSHandshake, ResponseHeader time.Duration
}

func (t Timeouts) withDefaults() Timeouts {
	if t.Connect == 0 {
		t.Connect = DefaultConnectTimeout
	}
	if t.TLSHandshake == 0 {
		t.TLSHandshake = DefaultTLSHandshakeTimeout
	}
	if t.ResponseHeader == 0 {
		t.ResponseHeader = DefaultResponseHeaderTimeout
	}
	return t
}

// httpClient is the SDK's buildable client (which keeps honouring
// AWS_CA_BUNDLE) with the timeouts set.
func httpClient(t Timeouts) *awshttp.BuildableClient {
	t = t.withDefaults()
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = t.Connect }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.TLSHandshakeTimeout = t.TLSHandshake
			tr.ResponseHeaderTimeout = t.ResponseHeader
		})
}
