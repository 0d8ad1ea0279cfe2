package awsapi

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appintegrations"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connectcases"
	"github.com/aws/aws-sdk-go-v2/service/customerprofiles"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"github.com/cqmon/cqmon/internal/awsapi/connectcampaignsv2"
	"github.com/cqmon/cqmon/internal/awsapi/qconnect"
	"github.com/cqmon/cqmon/internal/awsapi/voiceid"
)

// DefaultMaxAttempts is how many times a call is tried in all (the first
// try and four retries) before its quota is reported unknown. Throttling
// answers back off exponentially with jitter, up to MaxBackoff.
const DefaultMaxAttempts = 5

// DefaultMaxBackoff caps one back-off delay between attempts.
const DefaultMaxBackoff = 10 * time.Second

// Options configures the factory.
type Options struct {
	// Region is the default Region; empty means the SDK's configured one.
	Region string
	// Profile is a shared-config profile name; empty means the default
	// credential chain (AWS_PROFILE, environment keys, SSO, instance role).
	Profile string
	// Endpoint, when set, is the base endpoint of every client (the
	// simulator). Otherwise the SDK resolves endpoints, honouring
	// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>.
	Endpoint string
	// StoreEndpoint, when set, is the base endpoint of the DynamoDB and S3
	// clients of the stores (tests). Otherwise the SDK resolves theirs,
	// honouring AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, even when
	// Endpoint is set: the simulator keeps no history.
	StoreEndpoint string
	// StaticCredentials, when set, replace the credential chain and the
	// shared config files are not read (used with the simulator, which
	// needs no account, so a user's AWS_PROFILE cannot get in the way).
	StaticCredentials *credentials.StaticCredentialsProvider
	// Share of each operation's rate to use; 0 means DefaultShare.
	Share float64
	// ShareMax is the most of an operation's rate to use when the
	// customer's own recent use leaves it idle; 0 means DefaultShareMax.
	ShareMax float64
	// Rates overrides DefaultRate (tests and benchmarks).
	Rates func(service, operation string) float64
	// MaxAttempts per call; 0 means DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff caps one back-off delay; 0 means DefaultMaxBackoff.
	MaxBackoff time.Duration
	// Timeouts of the HTTP client; zero fields mean the defaults.
	Timeouts Timeouts
}

// Factory builds every AWS client cqmon uses, once per Region, all sharing
// one Pacer.
type Factory struct {
	cfg   aws.Config
	opts  Options
	pacer *Pacer

	mu      sync.Mutex
	clients map[string]*Clients

	storeOnce sync.Once
	dynamodb  *dynamodb.Client
	s3        *s3.Client
}

// Clients are the service clients of one Region.
type Clients struct {
	Region        string
	Connect       *connect.Client
	ServiceQuotas *servicequotas.Client
	CloudWatch    *cloudwatch.Client
	STS           *sts.Client
	SNS           *sns.Client
	// Connect's related services. Q in Connect, Voice ID and outbound
	// campaigns use cqmon's own small clients (package jsonclient): the Go
	// module proxy does not serve their SDK modules.
	Cases           *connectcases.Client
	Profiles        *customerprofiles.Client
	QConnect        *qconnect.Client
	VoiceID         *voiceid.Client
	AppIntegrations *appintegrations.Client
	Campaigns       *connectcampaignsv2.Client
}

// NewFactory loads the AWS configuration and prepares the factory.
func NewFactory(ctx context.Context, opts Options) (*Factory, error) {
	if opts.Share == 0 {
		opts.Share = DefaultShare
	}
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	var load []func(*config.LoadOptions) error
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.StaticCredentials != nil {
		load = append(load,
			config.WithCredentialsProvider(*opts.StaticCredentials),
			config.WithSharedConfigFiles([]string{}),
			config.WithSharedCredentialsFiles([]string{}),
			config.WithSharedConfigProfile(""),
		)
	}
	load = append(load, config.WithHTTPClient(httpClient(opts.Timeouts)))
	load = append(load, config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = opts.MaxAttempts
			o.MaxBackoff = opts.MaxBackoff
			// The pacer already keeps cqmon under its share; the SDK's
			// client-side retry quota would only turn a burst of throttles
			// into "retry quota exceeded" failures.
			o.RateLimiter = ratelimit.None
		})
	}))
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return &Factory{
		cfg:     cfg,
		opts:    opts,
		pacer:   NewPacer(opts.Share, opts.ShareMax, opts.Rates),
		clients: map[string]*Clients{},
	}, nil
}

// Config is the loaded AWS configuration.
func (f *Factory) Config() aws.Config { return f.cfg.Copy() }

// DynamoDB returns the client of the DynamoDB store, in the default
// Region, built on first use. The stores' clients are not paced: they do
// not spend Connect's budget.
func (f *Factory) DynamoDB() *dynamodb.Client {
	f.storeOnce.Do(f.buildStoreClients)
	return f.dynamodb
}

// S3 returns the client of the S3 store, in the default Region, built on
// first use.
func (f *Factory) S3() *s3.Client {
	f.storeOnce.Do(f.buildStoreClients)
	return f.s3
}

func (f *Factory) buildStoreClients() {
	var base *string
	if f.opts.StoreEndpoint != "" {
		base = aws.String(f.opts.StoreEndpoint)
	}
	f.dynamodb = dynamodb.NewFromConfig(f.cfg, func(o *dynamodb.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) })
	f.s3 = s3.NewFromConfig(f.cfg, func(o *s3.Options) {
		o.BaseEndpoint = orDefault(base, o.BaseEndpoint)
		// Endpoints other than AWS's (moto, MinIO) seldom resolve
		// bucket subdomains.
		o.UsePathStyle = o.BaseEndpoint != nil
		// Objects written without a checksum (legacy ones) are read
		// unvalidated either way; the SDK would log each one.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}

// Region is the configured default Region ("" when none is configured).
func (f *Factory) Region() string { return f.cfg.Region }

// Pacer returns the pacer shared by every client.
func (f *Factory) Pacer() *Pacer { return f.pacer }

// For returns the clients of a Region, building them on first use.
func (f *Factory) For(region string) *Clients {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.clients[region]; ok {
		return c
	}
	cfg := f.cfg.Copy()
	cfg.Region = region
	cfg.APIOptions = append(cfg.APIOptions, func(s *middleware.Stack) error { return f.pacer.AddTo(s) })
	var base *string
	if f.opts.Endpoint != "" {
		base = aws.String(f.opts.Endpoint)
	}
	c := &Clients{
		Region:        region,
		Connect:       connect.NewFromConfig(cfg, func(o *connect.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),
		ServiceQuotas: servicequotas.NewFromConfig(cfg, func(o *servicequotas.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),
		CloudWatch:    cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),
		STS:           sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),
		SNS:           sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),

		Cases:           connectcases.NewFromConfig(cfg, func(o *connectcases.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),
		Profiles:        customerprofiles.NewFromConfig(cfg, func(o *customerprofiles.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),
		QConnect:        qconnect.NewFromConfig(cfg, func(o *qconnect.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),
		VoiceID:         voiceid.NewFromConfig(cfg, func(o *voiceid.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),
		AppIntegrations: appintegrations.NewFromConfig(cfg, func(o *appintegrations.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),
		Campaigns:       connectcampaignsv2.NewFromConfig(cfg, func(o *connectcampaignsv2.Options) { o.BaseEndpoint = orDefault(base, o.BaseEndpoint) }),
	}
	f.clients[region] = c
	return c
}

func orDefault(override, current *string) *string {
	if override != nil {
		return override
	}
	return current
}
