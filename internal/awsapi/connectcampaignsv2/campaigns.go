// Package connectcampaignsv2 is a client for the Amazon Connect outbound
// campaigns (v2) call cqmon makes (endpoint and signing name
// "connect-campaigns", restJson1). It mirrors the names and shapes of
// aws-sdk-go-v2's service/connectcampaignsv2, which the Go module proxy
// does not serve.
package connectcampaignsv2

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cqmon/cqmon/internal/awsapi/jsonclient"
)

// ServiceID is the API model's service id, used in errors and metrics.
const ServiceID = "ConnectCampaignsV2"

var service = jsonclient.Service{ID: ServiceID, SigningName: "connect-campaigns", EndpointPrefix: "connect-campaigns"}

// Options configures the client.
type Options = jsonclient.Options

// Client calls outbound campaigns v2 in one Region.
type Client struct{ jc *jsonclient.Client }

// NewFromConfig returns a client for cfg's Region and credentials.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return &Client{jc: jsonclient.New(cfg, service, optFns...)}
}

// InstanceIdFilterOperator compares a campaign's instance; only Eq exists.
type InstanceIdFilterOperator string

// InstanceIdFilterOperatorEq matches the campaigns of one instance.
const InstanceIdFilterOperatorEq InstanceIdFilterOperator = "Eq"

// InstanceIdFilter selects campaigns by Connect instance.
type InstanceIdFilter struct {
	Operator InstanceIdFilterOperator `json:"operator"`
	Value    *string                  `json:"value"`
}

// CampaignFilters narrows ListCampaigns.
type CampaignFilters struct {
	InstanceIdFilter *InstanceIdFilter `json:"instanceIdFilter,omitempty"`
}

// ListCampaignsInput pages through campaigns (MaxResults 1-50).
type ListCampaignsInput struct {
	Filters    *CampaignFilters `json:"filters,omitempty"`
	MaxResults *int32           `json:"maxResults,omitempty"`
	NextToken  *string          `json:"nextToken,omitempty"`
}

// ListCampaignsOutput is one page of campaigns.
type ListCampaignsOutput struct {
	CampaignSummaryList []CampaignSummary `json:"campaignSummaryList"`
	NextToken           *string           `json:"nextToken"`
}

// CampaignSummary describes a campaign.
type CampaignSummary struct {
	Arn               *string  `json:"arn"`
	ConnectInstanceId *string  `json:"connectInstanceId"`
	Id                *string  `json:"id"`
	Name              *string  `json:"name"`
	ChannelSubtypes   []string `json:"channelSubtypes"`
}

// ListCampaigns lists campaigns (POST /v2/campaigns-summary).
func (c *Client) ListCampaigns(ctx context.Context, in *ListCampaignsInput, optFns ...func(*Options)) (*ListCampaignsOutput, error) {
	out := &ListCampaignsOutput{}
	err := c.jc.With(optFns...).Do(ctx, jsonclient.Call{Operation: "ListCampaigns", Method: "POST", Path: "/v2/campaigns-summary", Body: in}, out)
	return out, err
}
