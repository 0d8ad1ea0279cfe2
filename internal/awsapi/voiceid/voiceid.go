// Package voiceid is a client for the Amazon Connect Voice ID list calls
// cqmon makes (awsJson1.0, X-Amz-Target VoiceID.<Operation>). It mirrors
// the names and shapes of aws-sdk-go-v2's service/voiceid, which the Go
// module proxy does not serve. AWS ended support for Voice ID on 2026-05-20;
// callers must expect the service not to answer.
package voiceid

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cqmon/cqmon/internal/awsapi/jsonclient"
)

// ServiceID is the API model's service id, used in errors and metrics.
const ServiceID = "Voice ID"

var service = jsonclient.Service{ID: ServiceID, SigningName: "voiceid", EndpointPrefix: "voiceid", TargetPrefix: "VoiceID"}

// Options configures the client.
type Options = jsonclient.Options

// Client calls Voice ID in one Region.
type Client struct{ jc *jsonclient.Client }

// NewFromConfig returns a client for cfg's Region and credentials.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return &Client{jc: jsonclient.New(cfg, service, optFns...)}
}

// ListDomainsInput pages through the Region's domains (MaxResults 1-10).
type ListDomainsInput struct {
	MaxResults *int32  `json:"MaxResults,omitempty"`
	NextToken  *string `json:"NextToken,omitempty"`
}

// ListDomainsOutput is one page of domains.
type ListDomainsOutput struct {
	DomainSummaries []DomainSummary `json:"DomainSummaries"`
	NextToken       *string         `json:"NextToken"`
}

// DomainSummary describes a domain.
type DomainSummary struct {
	Arn          *string `json:"Arn"`
	DomainId     *string `json:"DomainId"`
	DomainStatus string  `json:"DomainStatus"`
	Name         *string `json:"Name"`
}

// ListDomains lists domains.
func (c *Client) ListDomains(ctx context.Context, in *ListDomainsInput, optFns ...func(*Options)) (*ListDomainsOutput, error) {
	out := &ListDomainsOutput{}
	err := c.jc.With(optFns...).Do(ctx, jsonclient.Call{Operation: "ListDomains", Body: in}, out)
	return out, err
}

// ListWatchlistsInput pages through a domain's watchlists.
type ListWatchlistsInput struct {
	DomainId   *string `json:"DomainId,omitempty"`
	MaxResults *int32  `json:"MaxResults,omitempty"`
	NextToken  *string `json:"NextToken,omitempty"`
}

// ListWatchlistsOutput is one page of watchlists.
type ListWatchlistsOutput struct {
	WatchlistSummaries []WatchlistSummary `json:"WatchlistSummaries"`
	NextToken          *string            `json:"NextToken"`
}

// WatchlistSummary describes a watchlist.
type WatchlistSummary struct {
	DefaultWatchlist *bool   `json:"DefaultWatchlist"`
	DomainId         *string `json:"DomainId"`
	Name             *string `json:"Name"`
	WatchlistId      *string `json:"WatchlistId"`
}

// ListWatchlists lists a domain's watchlists, the default one included.
func (c *Client) ListWatchlists(ctx context.Context, in *ListWatchlistsInput, optFns ...func(*Options)) (*ListWatchlistsOutput, error) {
	out := &ListWatchlistsOutput{}
	err := c.jc.With(optFns...).Do(ctx, jsonclient.Call{Operation: "ListWatchlists", Body: in}, out)
	return out, err
}

// ListFraudstersInput pages through the fraudsters of a domain, or of one
// of its watchlists.
type ListFraudstersInput struct {
	DomainId    *string `json:"DomainId,omitempty"`
	MaxResults  *int32  `json:"MaxResults,omitempty"`
	NextToken   *string `json:"NextToken,omitempty"`
	WatchlistId *string `json:"WatchlistId,omitempty"`
}

// ListFraudstersOutput is one page of fraudsters.
type ListFraudstersOutput struct {
	FraudsterSummaries []FraudsterSummary `json:"FraudsterSummaries"`
	NextToken          *string            `json:"NextToken"`
}

// FraudsterSummary describes a fraudster.
type FraudsterSummary struct {
	DomainId             *string  `json:"DomainId"`
	GeneratedFraudsterId *string  `json:"GeneratedFraudsterId"`
	WatchlistIds         []string `json:"WatchlistIds"`
}

// ListFraudsters lists fraudsters.
func (c *Client) ListFraudsters(ctx context.Context, in *ListFraudstersInput, optFns ...func(*Options)) (*ListFraudstersOutput, error) {
	out := &ListFraudstersOutput{}
	err := c.jc.With(optFns...).Do(ctx, jsonclient.Call{Operation: "ListFraudsters", Body: in}, out)
	return out, err
}
