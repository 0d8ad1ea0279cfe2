// Package sim simulates the AWS APIs that cqmon calls (Amazon Connect and
// its related services, Service Quotas, CloudWatch GetMetricData and STS
// GetCallerIdentity) over
// HTTP, so that the real AWS SDK clients can talk to it with a base endpoint,
// static credentials and any region. It models AWS as described by a
// Scenario, including pagination, MaxResults caps, throttling, latency and
// injected faults.
package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// maxBody bounds request bodies; AWS rejects far smaller payloads already.
const maxBody = 8 << 20

// Server answers AWS API calls from a scenario. It is an http.Handler and is
// safe for concurrent use.
type Server struct {
	w           *world
	now         func() time.Time
	throttleOff bool
	latencyOff  bool
	log         *slog.Logger
	seq         atomic.Uint64

	// reqMu guards requests: the increase requests, which
	// RequestServiceQuotaIncrease adds to.
	reqMu    sync.Mutex
	requests []quotaRequest

	mu      sync.Mutex
	stats   map[OpKey]*OpStats
	recent  map[OpKey][]time.Time
	buckets map[bucketKey]*rate.Limiter
	rng     *rand.Rand

	// members answer the calls signed with a member account's
	// credentials, when the scenario has an Organization.
	members map[string]*Server
	keys    map[string]string // access key id → account, for assumed roles
}

// Option configures a Server.
type Option func(*Server)

// WithClock sets the clock that relative scenario times ("ago") and metric
// windows are measured against. Throttling and the rate statistics always
// use the real monotonic clock, since the SDK retries in real time.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithoutThrottling disables every token bucket.
func WithoutThrottling() Option { return func(s *Server) { s.throttleOff = true } }

// WithoutLatency disables injected latency.
func WithoutLatency() Option { return func(s *Server) { s.latencyOff = true } }

// WithLogger logs each call at debug level and faults at info level.
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// New returns a server for scenario sc. It panics if sc does not pass
// Validate; scenarios from LoadScenario and DemoScenario always do.
func New(sc *Scenario, opts ...Option) *Server {
	w, err := compile(sc)
	if err != nil {
		panic(fmt.Sprintf("sim: invalid scenario: %v", err))
	}
	s := newServer(w, opts)
	if w.org != nil {
		s.members, s.keys = map[string]*Server{}, map[string]string{}
		for _, m := range w.org.accounts {
			if m.world != nil {
				s.members[m.ID] = newServer(m.world, opts)
			}
		}
	}
	return s
}

func newServer(w *world, opts []Option) *Server {
	s := &Server{
		w:       w,
		now:     time.Now,
		log:     slog.New(slog.DiscardHandler),
		stats:   map[OpKey]*OpStats{},
		recent:  map[OpKey][]time.Time{},
		buckets: map[bucketKey]*rate.Limiter{},
		rng:     rand.New(rand.NewPCG(1, 2)),
	}
	s.throttleOff = w.throttleOff
	s.requests = append([]quotaRequest(nil), w.requests...)
	for _, o := range opts {
		o(s)
	}
	return s
}

// Start serves on addr (e.g. "127.0.0.1:0") and returns the base URL to use
// as the SDK clients' BaseEndpoint, and a function that stops the server.
func (s *Server) Start(addr string) (baseURL string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("simulator stopped", "err", err)
		}
	}()
	stop = func() {
		// Let calls in flight finish, briefly: Shutdown would otherwise
		// wait five seconds for connections a client opened but never used.
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if hs.Shutdown(ctx) != nil {
			_ = hs.Close()
		}
		<-done
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// ServeHTTP routes a request by the service and region of its SigV4
// credential scope.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	region, service, ok := credentialScope(r.Header.Get("Authorization"))
	if !ok {
		writeRESTError(rw, s.requestID(), &apiError{status: http.StatusForbidden,
			code: "MissingAuthenticationTokenException", msg: "Missing Authentication Token"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeRESTError(rw, s.requestID(), &apiError{status: http.StatusBadRequest,
			code: "SerializationException", msg: "cannot read request body"})
		return
	}
	req := &request{r: r, body: body, region: region}
	if s.members != nil && s.serveOrganization(rw, req, service) {
		return
	}
	s.route(rw, req, service)
}

// route answers a call from this server's account.
func (s *Server) route(rw http.ResponseWriter, req *request, service string) {
	switch service {
	case "connect":
		s.serveConnect(rw, req)
	case "servicequotas":
		s.serveQuotas(rw, req)
	case "monitoring":
		s.serveCloudWatch(rw, req)
	case "sts":
		s.serveSTS(rw, req)
	case ServiceOrganizations:
		s.record(ServiceOrganizations, "Unknown")
		writeJSONError(rw, s.requestID(), &apiError{status: http.StatusBadRequest, code: "AWSOrganizationsNotInUseException",
			msg: "Your account is not a member of an organization."})
	case ServiceCases:
		s.serveRelated(rw, req, casesService)
	case ServiceProfiles:
		s.serveRelated(rw, req, profilesService)
	case ServiceQConnect:
		s.serveRelated(rw, req, qconnectService)
	case ServiceVoiceID:
		s.serveRelated(rw, req, voiceIDService)
	case ServiceAppIntegrations:
		s.serveRelated(rw, req, appIntegrationsService)
	case ServiceCampaigns:
		s.serveRelated(rw, req, campaignsService)
	default:
		writeRESTError(rw, s.requestID(), &apiError{status: http.StatusForbidden, code: "InvalidSignatureException",
			msg: fmt.Sprintf("Credential should be scoped to a valid service, not %q.", service)})
	}
}

// request is one incoming call with its body read.
type request struct {
	r      *http.Request
	body   []byte
	region string
}

// credentialScope extracts region and service from
// "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...".
func credentialScope(auth string) (region, service string, ok bool) {
	_, rest, found := strings.Cut(auth, "Credential=")
	if !found {
		return "", "", false
	}
	cred, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[2] == "" {
		return "", "", false
	}
	return parts[2], parts[3], true
}

func (s *Server) requestID() string {
	n := s.seq.Add(1)
	return fmt.Sprintf("00000000-5151-4000-8000-%012x", n)
}

// apiError is an AWS error response before protocol encoding.
type apiError struct {
	status    int
	code      string
	msg       string
	queryCode string // CloudWatch only: the awsQuery error code
}

// record counts a call in the statistics and returns its counters.
func (s *Server) record(service, op string) *OpStats {
	key := OpKey{Service: service, Operation: op}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.statsFor(key)
	st.Calls++
	s.recordRate(key, time.Now())
	return st
}

// callInfo identifies a call for statistics, throttling and faults.
type callInfo struct {
	service, op, region, instance string
	resources                     []string
}

// admit runs the parts common to every call: statistics, latency, the token
// bucket and injected faults. A non-nil error must be returned to the caller.
func (s *Server) admit(ctx context.Context, ci callInfo) *apiError {
	st := s.record(ci.service, ci.op)
	s.mu.Lock()
	delay := s.delayFor(ci)
	s.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	s.log.Debug("call", "service", ci.service, "op", ci.op, "region", ci.region, "instance", ci.instance)

	if !s.throttleOff && !s.limiter(ci).Allow() {
		s.mu.Lock()
		st.Throttled++
		s.mu.Unlock()
		return throttleError(ci.service)
	}
	if e := s.fault(ci); e != nil {
		s.mu.Lock()
		st.Faults++
		s.mu.Unlock()
		s.log.Info("injected fault", "service", ci.service, "op", ci.op, "instance", ci.instance, "code", e.code)
		return e
	}
	return nil
}
