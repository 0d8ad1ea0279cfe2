// Package jsonclient calls AWS JSON APIs (restJson1 and awsJson1.0) for the
// few services whose aws-sdk-go-v2 module the Go module proxy does not serve
// (Amazon Q in Connect, Voice ID, outbound campaigns v2). It is built from
// the SDK's own parts so that these calls behave like every other client's:
// the aws.Config credentials and retryer, SigV4 signing, the standard
// endpoint settings, and the middleware a caller adds through
// aws.Config.APIOptions (cqmon's pacer). Errors are smithy.OperationError
// values wrapping smithy.GenericAPIError, as generated clients return them.
package jsonclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/restjson"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Service describes one AWS service as its API model does.
type Service struct {
	// ID is the model's serviceId ("QConnect", "Voice ID").
	ID string
	// SigningName is the SigV4 service name ("wisdom").
	SigningName string
	// EndpointPrefix is the host prefix of the default endpoint.
	EndpointPrefix string
	// TargetPrefix, for awsJson1.0 services, prefixes X-Amz-Target
	// ("VoiceID"); empty for restJson1 services.
	TargetPrefix string
}

// Options configures a Client.
type Options struct {
	// BaseEndpoint overrides the endpoint (the simulator, a VPC endpoint).
	BaseEndpoint *string
	// HTTPClient sends the requests; nil means the aws.Config's.
	HTTPClient aws.HTTPClient
}

// Client calls one service in one Region.
type Client struct {
	cfg      aws.Config
	opts     Options
	svc      Service
	region   string
	endpoint string
	creds    aws.CredentialsProvider
	retryer  aws.Retryer
	http     aws.HTTPClient
	apiOpts  []func(*middleware.Stack) error
	signer   *v4.Signer
}

// New builds a client for svc from cfg. The endpoint is, in order:
// Options.BaseEndpoint, AWS_ENDPOINT_URL_<SERVICE ID> (as the SDK spells
// it: upper case, spaces as underscores), cfg.BaseEndpoint (AWS_ENDPOINT_URL
// or the profile's endpoint_url), else https://<prefix>.<region>.amazonaws.com.
func New(cfg aws.Config, svc Service, optFns ...func(*Options)) *Client {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	c := &Client{cfg: cfg, opts: o, svc: svc, region: cfg.Region, creds: cfg.Credentials, apiOpts: cfg.APIOptions, signer: v4.NewSigner()}
	c.http = o.HTTPClient
	if c.http == nil {
		c.http = cfg.HTTPClient
	}
	if c.http == nil {
		c.http = awshttp.NewBuildableClient()
	}
	if cfg.Retryer != nil {
		c.retryer = cfg.Retryer()
	} else {
		c.retryer = retry.NewStandard()
	}
	c.endpoint = resolveEndpoint(cfg, svc, o.BaseEndpoint)
	return c
}

func resolveEndpoint(cfg aws.Config, svc Service, override *string) string {
	if override != nil && *override != "" {
		return strings.TrimRight(*override, "/")
	}
	if !strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		env := "AWS_ENDPOINT_URL_" + strings.ToUpper(strings.ReplaceAll(svc.ID, " ", "_"))
		if v := os.Getenv(env); v != "" {
			return strings.TrimRight(v, "/")
		}
		if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
			return strings.TrimRight(*cfg.BaseEndpoint, "/")
		}
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(cfg.Region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return fmt.Sprintf("https://%s.%s.%s", svc.EndpointPrefix, cfg.Region, suffix)
}

// With returns the client with optFns applied to a copy of its options,
// for the per-call options of an operation; c itself when there are none.
func (c *Client) With(optFns ...func(*Options)) *Client {
	if len(optFns) == 0 {
		return c
	}
	o := c.opts
	for _, fn := range optFns {
		fn(&o)
	}
	return New(c.cfg, c.svc, func(p *Options) { *p = o })
}

// Endpoint returns the base URL the client calls.
func (c *Client) Endpoint() string { return c.endpoint }

// Call is one operation: its name, HTTP binding and JSON body. For
// awsJson1.0 services Method and Path are ignored (POST /).
type Call struct {
	Operation string
	Method    string
	// Path is the request path with its labels already escaped.
	Path  string
	Query url.Values
	// Body is encoded as JSON; nil sends no body (restJson1) or {} (awsJson).
	Body any
}

// Do sends call and decodes the JSON answer into out.
func (c *Client) Do(ctx context.Context, call Call, out any) error {
	stack := middleware.NewStack(call.Operation, smithyhttp.NewStackRequest)
	err := stack.Initialize.Add(&awsmiddleware.RegisterServiceMetadata{
		ServiceID: c.svc.ID, SigningName: c.svc.SigningName, Region: c.region, OperationName: call.Operation,
	}, middleware.Before)
	if err == nil {
		err = stack.Serialize.Add(&serializer{c: c, call: call}, middleware.After)
	}
	if err == nil {
		err = stack.Finalize.Add(&signer{c: c}, middleware.After)
	}
	if err == nil {
		err = retry.AddRetryMiddlewares(stack, retry.AddRetryMiddlewaresOptions{Retryer: c.retryer})
	}
	if err == nil {
		err = stack.Deserialize.Add(&deserializer{out: out}, middleware.After)
	}
	for _, fn := range c.apiOpts {
		if err != nil {
			break
		}
		err = fn(stack)
	}
	if err == nil {
		handler := middleware.DecorateHandler(smithyhttp.NewClientHandler(c.http), stack)
		_, _, err = handler.Handle(ctx, call)
	}
	if err != nil {
		return &smithy.OperationError{ServiceID: c.svc.ID, OperationName: call.Operation, Err: err}
	}
	return nil
}

// serializer turns a Call into the HTTP request.
type serializer struct {
	c    *Client
	call Call
}

func (*serializer) ID() string { return "OperationSerializer" }

func (s *serializer) HandleSerialize(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return middleware.SerializeOutput{}, middleware.Metadata{}, fmt.Errorf("unexpected transport type %T", in.Request)
	}
	u, err := url.Parse(s.c.endpoint)
	if err != nil {
		return middleware.SerializeOutput{}, middleware.Metadata{}, &smithy.SerializationError{Err: fmt.Errorf("endpoint %q: %w", s.c.endpoint, err)}
	}
	body := s.call.Body
	method, path := s.call.Method, s.call.Path
	if s.c.svc.TargetPrefix != "" {
		method, path = "POST", "/"
		req.Header.Set("X-Amz-Target", s.c.svc.TargetPrefix+"."+s.call.Operation)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		if body == nil {
			body = struct{}{}
		}
	} else if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return middleware.SerializeOutput{}, middleware.Metadata{}, &smithy.SerializationError{Err: fmt.Errorf("path %q: %w", path, err)}
	}
	req.Method = method
	req.URL = u
	req.URL.Path = strings.TrimRight(u.Path, "/") + unescaped
	req.URL.RawPath = strings.TrimRight(u.EscapedPath(), "/") + path
	req.URL.RawQuery = s.call.Query.Encode()
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return middleware.SerializeOutput{}, middleware.Metadata{}, &smithy.SerializationError{Err: err}
		}
		if req, err = req.SetStream(bytes.NewReader(b)); err != nil {
			return middleware.SerializeOutput{}, middleware.Metadata{}, &smithy.SerializationError{Err: err}
		}
		req.ContentLength = int64(len(b))
	}
	in.Request = req
	return next.HandleSerialize(ctx, in)
}

// signer signs each attempt with SigV4.
type signer struct{ c *Client }

func (*signer) ID() string { return "Signing" }

func (s *signer) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("unexpected transport type %T", in.Request)
	}
	h := sha256.New()
	if stream := req.GetStream(); stream != nil {
		if _, err := io.Copy(h, stream); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("hash payload: %w", err)
		}
		if err := req.RewindStream(); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("rewind payload: %w", err)
		}
	}
	if s.c.creds != nil {
		creds, err := s.c.creds.Retrieve(ctx)
		if err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("retrieve credentials: %w", err)
		}
		built := req.Build(ctx)
		err = s.c.signer.SignHTTP(ctx, creds, built, hex.EncodeToString(h.Sum(nil)), s.c.svc.SigningName, s.c.region, time.Now())
		if err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("sign request: %w", err)
		}
		req.Header = built.Header
	}
	return next.HandleFinalize(ctx, in)
}

// deserializer decodes the answer, or turns an error answer into a
// smithy.GenericAPIError with AWS's error code.
type deserializer struct{ out any }

func (*deserializer) ID() string { return "OperationDeserializer" }

func (d *deserializer) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok {
		return out, md, &smithy.DeserializationError{Err: fmt.Errorf("unexpected response type %T", out.RawResponse)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return out, md, &smithy.DeserializationError{Err: fmt.Errorf("read response: %w", err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		code, msg, _ := restjson.GetErrorInfo(json.NewDecoder(bytes.NewReader(body)))
		if h := resp.Header.Get("X-Amzn-ErrorType"); h != "" {
			code = restjson.SanitizeErrorCode(h)
		}
		if code == "" {
			code = "UnknownError"
		}
		if msg == "" {
			msg = "UnknownError"
		}
		return out, md, &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: resp, Err: &smithy.GenericAPIError{Code: code, Message: msg}},
			RequestID:     resp.Header.Get("X-Amzn-RequestId"),
		}
	}
	if d.out != nil && len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, d.out); err != nil {
			return out, md, &smithy.DeserializationError{Err: err, Snapshot: body}
		}
	}
	out.Result = d.out
	return out, md, nil
}
