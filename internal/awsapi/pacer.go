// Package awsapi is the one place where cqmon's AWS calls are shaped:
// clients are built here, every call is paced through a per-operation
// token bucket, retried by the SDK's standard retryer and counted (package
// awserr classifies the failures). Collectors never sleep or retry by
// themselves.
package awsapi

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"

	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/quota"
)

// Rates, in requests per second, that AWS documents for the calls cqmon
// makes. Throttles are per account and Region and shared with every other
// caller, so cqmon spends only Share of each.
const (
	// ConnectDefaultRate is the Connect API's documented default for any
	// operation not listed otherwise (2 rps, burst 5: Connect admin guide,
	// "Amazon Connect API throttling quotas").
	ConnectDefaultRate = 2.0
	// ConnectListRate is the Service Quotas default (us-east-1) of the
	// "Rate of <Operation> API requests" quota for the List operations that
	// AWS raised to 10 rps (ListUsers, ListQueues, ListPrompts, ...).
	ConnectListRate = 10.0
	// ConnectIntegrationAssociationsRate is the documented 25 rps of
	// ListIntegrationAssociations (Service Quotas shows 50).
	ConnectIntegrationAssociationsRate = 25.0
	// ServiceQuotasRate is a conservative budget for Service Quotas, whose
	// own throttle is low and cannot be raised; AWS does not publish it.
	ServiceQuotasRate = 5.0
	// CloudWatchGetMetricDataRate is CloudWatch's default GetMetricData
	// quota (50 transactions per second).
	CloudWatchGetMetricDataRate = 50.0
	// STSRate is a small budget for the one GetCallerIdentity of a run.
	STSRate = 5.0
	// STSAssumeRoleRate is STS's request quota, 600 per second per
	// account and Region (IAM and STS quotas): a run of an Organization
	// assumes one role per account from the caller's account.
	STSAssumeRoleRate = 600.0
	// OrganizationsRate paces the listing of an Organization. AWS
	// publishes no rate for Organizations' List calls, so cqmon takes
	// Connect's conservative default; a listing is a page per 20 accounts.
	OrganizationsRate = 2.0

	// Connect's related services, from the throttling tables of their
	// pages in the Amazon Connect Administrator Guide.

	// CasesRate is Cases' rate for ListDomains, ListFields, ListLayouts,
	// ListTemplates and ListCaseRules (2 rps; burst 5 or 10).
	CasesRate = 2.0
	// CasesFieldOptionsRate is Cases' ListFieldOptions rate (6 rps, burst 16).
	CasesFieldOptionsRate = 6.0
	// ProfilesRate is Customer Profiles' TPS for ListDomains,
	// ListProfileObjectTypes, ListIntegrations, ListEventStreams and
	// ListCalculatedAttributeDefinitions (5). ListEventTriggers is not in
	// the table and gets the same budget.
	ProfilesRate = 5.0
	// QConnectRate is Amazon Q in Connect's TPS for all APIs but a few
	// write and search calls (10).
	QConnectRate = 10.0
	// VoiceIDRate is Voice ID's TPS for the domain APIs (2). The watchlist
	// and fraudster list calls are not in the table and get the same.
	VoiceIDRate = 2.0
	// AppIntegrationsRate budgets AppIntegrations' list calls: AWS
	// publishes no default (their rate quotas exist only in Service
	// Quotas), so cqmon assumes Connect's default of 2 rps.
	AppIntegrationsRate = 2.0
	// CampaignsListRate is outbound campaigns' ListCampaigns rate (5 rps,
	// burst 10, per account and Region).
	CampaignsListRate = 5.0
	// SNSPublishRate is far below SNS's Publish quota (thousands per
	// second); a run publishes one message per instance.
	SNSPublishRate = 20.0
	// DefaultShare is the part of each operation's rate cqmon uses, leaving
	// the rest to the customer's production integrations.
	DefaultShare = 0.5
	// DefaultShareMax is the most of an operation's rate cqmon uses when
	// the customer's own recent calls leave that much idle.
	DefaultShareMax = 0.8
	// MinShare and MaxShare bound a share: under a twentieth of an
	// operation's rate a large account's scan would outlast any deadline.
	MinShare = 0.05
	MaxShare = 1.0
)

// CheckShare reports whether share is a share of an operation's rate
// cqmon may be given; the error gives the value and the range.
func CheckShare(share float64) error {
	if !quota.InRange(share, MinShare, MaxShare) {
		return fmt.Errorf("%v is outside %v-%v", share, MinShare, MaxShare)
	}
	return nil
}

// connectRates lists the Connect operations whose applied default is not
// ConnectDefaultRate (Service Quotas "Rate of <Op> API requests", 2024).
var connectRates = map[string]float64{
	"ListUsers":                   ConnectListRate,
	"ListQueues":                  ConnectListRate,
	"ListRoutingProfiles":         ConnectListRate,
	"ListRoutingProfileQueues":    ConnectListRate,
	"ListQuickConnects":           ConnectListRate,
	"ListQueueQuickConnects":      ConnectListRate,
	"ListPrompts":                 ConnectListRate,
	"ListHoursOfOperations":       ConnectListRate,
	"ListAgentStatuses":           ConnectListRate,
	"ListUserHierarchyGroups":     ConnectListRate,
	"ListUserProficiencies":       ConnectListRate,
	"ListPredefinedAttributes":    ConnectListRate,
	"ListIntegrationAssociations": ConnectIntegrationAssociationsRate,
}

// DefaultRate returns the documented rate of a service's operation. The
// service is the SDK's service ID ("Connect", "Service Quotas", ...).
func DefaultRate(service, operation string) float64 {
	switch service {
	case "Connect":
		if r, ok := connectRates[operation]; ok {
			return r
		}
		return ConnectDefaultRate
	case "Service Quotas":
		return ServiceQuotasRate
	case "CloudWatch":
		return CloudWatchGetMetricDataRate
	case "STS":
		if operation == "AssumeRole" {
			return STSAssumeRoleRate
		}
		return STSRate
	case "Organizations":
		return OrganizationsRate
	case "ConnectCases":
		if operation == "ListFieldOptions" {
			return CasesFieldOptionsRate
		}
		return CasesRate
	case "Customer Profiles":
		return ProfilesRate
	case "QConnect":
		return QConnectRate
	case "Voice ID":
		return VoiceIDRate
	case "AppIntegrations":
		return AppIntegrationsRate
	case "ConnectCampaignsV2":
		if operation == "ListCampaigns" {
			return CampaignsListRate
		}
	case "SNS":
		return SNSPublishRate
	}
	return ConnectDefaultRate
}

// OpStats counts the attempts of one operation.
type OpStats struct {
	Service   string `json:"service"`
	Operation string `json:"operation"`
	Calls     int    `json:"calls"`
	Throttled int    `json:"throttled"`
	Errors    int    `json:"errors"`
	// Rate is the calls per second the operation was paced at last (the
	// highest over Regions), and Share that rate's part of the limit.
	Rate  float64 `json:"rate"`
	Share float64 `json:"share"`
}

// Pacer owns one token bucket per (region, service, operation) and counts
// every attempt that goes through it.
type Pacer struct {
	share, shareMax float64
	rates           func(service, operation string) float64

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	stats     map[string]*OpStats
	overrides map[string]float64
	// shares holds the share of the operations whose customer's use was
	// read (SpendIdle); the others spend share.
	shares map[string]float64
}

// NewPacer returns a pacer spending share (0 < share <= 1) of each
// operation's rate as given by rates (DefaultRate when nil). shareMax is
// the most of a rate SpendIdle may grant, never under share; 0 means
// DefaultShareMax.
func NewPacer(share, shareMax float64, rates func(service, operation string) float64) *Pacer {
	if rates == nil {
		rates = DefaultRate
	}
	if shareMax <= 0 {
		shareMax = DefaultShareMax
	}
	return &Pacer{share: share, shareMax: max(share, shareMax), rates: rates, buckets: map[string]*rate.Limiter{},
		stats: map[string]*OpStats{}, overrides: map[string]float64{}, shares: map[string]float64{}}
}

// SpendIdle sizes an operation's budget from the customer's own recent
// peak rate of it (CloudWatch AWS/Usage CallCount): whatever the peak
// leaves of the limit, up to shareMax of it. A busy operation gets less
// than the base share, down to backoffFloor of it, so that cqmon never
// spends what the customer's integrations use.
func (p *Pacer) SpendIdle(region, service, op string, peakRPS float64) {
	if peakRPS < 0 {
		return
	}
	key := region + "/" + service + "/" + op
	p.mu.Lock()
	defer p.mu.Unlock()
	limit := p.rateOf(region, service, op)
	if limit <= 0 {
		return
	}
	share := min(p.shareMax, (limit-peakRPS)/limit)
	p.shares[key] = max(share, p.share*backoffFloor)
	if b, ok := p.buckets[key]; ok {
		r := limit * p.shares[key]
		b.SetLimit(rate.Limit(r))
		b.SetBurst(burstFor(r))
	}
}

// shareOf is the share an operation spends in a Region.
func (p *Pacer) shareOf(key string) float64 {
	if s, ok := p.shares[key]; ok {
		return s
	}
	return p.share
}

// SetRate replaces the documented rate of one operation in one Region
// with the rate AWS applies to this account (its "Rate of <Operation> API
// requests" quota), so cqmon's share follows a raised or lowered throttle.
func (p *Pacer) SetRate(region, service, op string, rps float64) {
	if rps <= 0 {
		return
	}
	key := region + "/" + service + "/" + op
	p.mu.Lock()
	defer p.mu.Unlock()
	p.overrides[key] = rps
	if b, ok := p.buckets[key]; ok {
		r := rps * p.shareOf(key)
		b.SetLimit(rate.Limit(r))
		b.SetBurst(burstFor(r))
	}
}

// rate returns the full rate of an operation: the applied one when known.
func (p *Pacer) rateOf(region, service, op string) float64 {
	if r, ok := p.overrides[region+"/"+service+"/"+op]; ok {
		return r
	}
	return p.rates(service, op)
}

// burstFor allows one second's budget at once (at least one call): short
// fan-outs start quickly without exceeding the share over a second.
func burstFor(r float64) int { return max(1, int(r)) }

func (p *Pacer) bucket(region, service, op string) (*rate.Limiter, *OpStats) {
	key := region + "/" + service + "/" + op
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.buckets[key]
	if !ok {
		r := p.rateOf(region, service, op) * p.shareOf(key)
		b = rate.NewLimiter(rate.Limit(r), burstFor(r))
		p.buckets[key] = b
	}
	st, ok := p.stats[service+"/"+op]
	if !ok {
		st = &OpStats{Service: service, Operation: op}
		p.stats[service+"/"+op] = st
	}
	return b, st
}

// Rearm restores every operation's base budget for the next run of a
// long-lived process (a warm Lambda): the halving after a throttle and the
// shares from the customer's use apply to one run.
func (p *Pacer) Rearm() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.shares)
	for key, b := range p.buckets {
		parts := strings.SplitN(key, "/", 3)
		if len(parts) != 3 {
			continue
		}
		r := p.rateOf(parts[0], parts[1], parts[2]) * p.share
		b.SetLimit(rate.Limit(r))
		b.SetBurst(burstFor(r))
	}
}

// Totals sums the calls and throttling answers of every operation.
func (p *Pacer) Totals() (calls, throttled int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.stats {
		calls += s.Calls
		throttled += s.Throttled
	}
	return calls, throttled
}

// Stats returns the counts per operation, sorted by service and operation.
func (p *Pacer) Stats() []OpStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]OpStats, 0, len(p.stats))
	for _, s := range p.stats {
		out = append(out, *s)
	}
	for key, b := range p.buckets {
		parts := strings.SplitN(key, "/", 3)
		if len(parts) != 3 {
			continue
		}
		for i := range out {
			if out[i].Service == parts[1] && out[i].Operation == parts[2] && float64(b.Limit()) > out[i].Rate {
				out[i].Rate = float64(b.Limit())
				if limit := p.rateOf(parts[0], parts[1], parts[2]); limit > 0 {
					out[i].Share = out[i].Rate / limit
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Operation < out[j].Operation
	})
	return out
}

// backoffFloor is the lowest fraction of its budget an operation is slowed
// to after throttling responses.
const backoffFloor = 0.125

// HandleFinalize paces one attempt. It sits after the SDK's Retry step, so
// every retry waits for its token too; a throttling answer halves the
// operation's rate for the rest of the run (never below backoffFloor of it).
func (p *Pacer) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	region := awsmiddleware.GetRegion(ctx)
	service, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	b, st := p.bucket(region, service, op)
	if err := b.Wait(ctx); err != nil {
		if ctx.Err() == nil {
			// The limiter refuses a wait that would pass ctx's deadline
			// with an error of its own: it is the deadline all the same.
			err = context.DeadlineExceeded
		}
		return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("pace %s %s: %w", service, op, err)
	}
	out, md, err := next.HandleFinalize(ctx, in)
	p.mu.Lock()
	st.Calls++
	if err != nil {
		st.Errors++
		if awserr.IsThrottle(err) {
			st.Throttled++
			floor := rate.Limit(p.rateOf(region, service, op) * p.shareOf(region+"/"+service+"/"+op) * backoffFloor)
			if l := b.Limit() / 2; l >= floor {
				b.SetLimitAt(time.Now(), l)
			}
		}
	}
	p.mu.Unlock()
	return out, md, err
}

// ID names the middleware.
func (p *Pacer) ID() string { return "cqmon.Pacer" }

// AddTo installs the pacer on a client's middleware stack.
func (p *Pacer) AddTo(stack *middleware.Stack) error {
	return stack.Finalize.Insert(p, "Retry", middleware.After)
}
