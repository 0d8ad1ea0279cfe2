// Package qconnect is a client for the Amazon Q in Connect list calls
// cqmon makes (endpoint and signing name "wisdom", restJson1). It mirrors
// the names and shapes of aws-sdk-go-v2's service/qconnect, which the Go
// module proxy does not serve, so that callers can switch to the SDK module
// by changing an import path.
package qconnect

import (
	"context"
	"net/url"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cqmon/cqmon/internal/awsapi/jsonclient"
)

// ServiceID is the API model's service id, used in errors and metrics.
const ServiceID = "QConnect"

var service = jsonclient.Service{ID: ServiceID, SigningName: "wisdom", EndpointPrefix: "wisdom"}

// Options configures the client.
type Options = jsonclient.Options

// Client calls Amazon Q in Connect in one Region.
type Client struct{ jc *jsonclient.Client }

// NewFromConfig returns a client for cfg's Region and credentials.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return &Client{jc: jsonclient.New(cfg, service, optFns...)}
}

func listCall(op, path string, maxResults *int32, token *string) jsonclient.Call {
	q := url.Values{}
	if maxResults != nil {
		q.Set("maxResults", strconv.Itoa(int(*maxResults)))
	}
	if token != nil {
		q.Set("nextToken", *token)
	}
	return jsonclient.Call{Operation: op, Method: "GET", Path: path, Query: q}
}

// ListAssistantsInput pages through the Region's assistants.
type ListAssistantsInput struct {
	MaxResults *int32
	NextToken  *string
}

// ListAssistantsOutput is one page of assistants.
type ListAssistantsOutput struct {
	AssistantSummaries []AssistantSummary `json:"assistantSummaries"`
	NextToken          *string            `json:"nextToken"`
}

// AssistantSummary describes an assistant.
type AssistantSummary struct {
	AssistantArn *string `json:"assistantArn"`
	AssistantId  *string `json:"assistantId"`
	Name         *string `json:"name"`
	Status       string  `json:"status"`
	Type         string  `json:"type"`
}

// ListAssistants lists assistants (GET /assistants).
func (c *Client) ListAssistants(ctx context.Context, in *ListAssistantsInput, optFns ...func(*Options)) (*ListAssistantsOutput, error) {
	out := &ListAssistantsOutput{}
	err := c.jc.With(optFns...).Do(ctx, listCall("ListAssistants", "/assistants", in.MaxResults, in.NextToken), out)
	return out, err
}

// ListKnowledgeBasesInput pages through the Region's knowledge bases.
type ListKnowledgeBasesInput struct {
	MaxResults *int32
	NextToken  *string
}

// ListKnowledgeBasesOutput is one page of knowledge bases.
type ListKnowledgeBasesOutput struct {
	KnowledgeBaseSummaries []KnowledgeBaseSummary `json:"knowledgeBaseSummaries"`
	NextToken              *string                `json:"nextToken"`
}

// KnowledgeBaseSummary describes a knowledge base.
type KnowledgeBaseSummary struct {
	KnowledgeBaseArn  *string `json:"knowledgeBaseArn"`
	KnowledgeBaseId   *string `json:"knowledgeBaseId"`
	KnowledgeBaseType string  `json:"knowledgeBaseType"`
	Name              *string `json:"name"`
	Status            string  `json:"status"`
}

// ListKnowledgeBases lists knowledge bases (GET /knowledgeBases).
func (c *Client) ListKnowledgeBases(ctx context.Context, in *ListKnowledgeBasesInput, optFns ...func(*Options)) (*ListKnowledgeBasesOutput, error) {
	out := &ListKnowledgeBasesOutput{}
	err := c.jc.With(optFns...).Do(ctx, listCall("ListKnowledgeBases", "/knowledgeBases", in.MaxResults, in.NextToken), out)
	return out, err
}

// ListContentsInput pages through the content of a knowledge base.
type ListContentsInput struct {
	KnowledgeBaseId *string
	MaxResults      *int32
	NextToken       *string
}

// ListContentsOutput is one page of content summaries.
type ListContentsOutput struct {
	ContentSummaries []ContentSummary `json:"contentSummaries"`
	NextToken        *string          `json:"nextToken"`
}

// ContentSummary describes one piece of content.
type ContentSummary struct {
	ContentId       *string `json:"contentId"`
	KnowledgeBaseId *string `json:"knowledgeBaseId"`
	Name            *string `json:"name"`
	Status          string  `json:"status"`
}

// ListContents lists a knowledge base's content
// (GET /knowledgeBases/{knowledgeBaseId}/contents).
func (c *Client) ListContents(ctx context.Context, in *ListContentsInput, optFns ...func(*Options)) (*ListContentsOutput, error) {
	out := &ListContentsOutput{}
	path := "/knowledgeBases/" + url.PathEscape(aws.ToString(in.KnowledgeBaseId)) + "/contents"
	err := c.jc.With(optFns...).Do(ctx, listCall("ListContents", path, in.MaxResults, in.NextToken), out)
	return out, err
}

// ListQuickResponsesInput pages through a knowledge base's quick responses.
type ListQuickResponsesInput struct {
	KnowledgeBaseId *string
	MaxResults      *int32
	NextToken       *string
}

// ListQuickResponsesOutput is one page of quick responses.
type ListQuickResponsesOutput struct {
	QuickResponseSummaries []QuickResponseSummary `json:"quickResponseSummaries"`
	NextToken              *string                `json:"nextToken"`
}

// QuickResponseSummary describes a quick response.
type QuickResponseSummary struct {
	QuickResponseId *string `json:"quickResponseId"`
	Name            *string `json:"name"`
	Status          string  `json:"status"`
}

// ListQuickResponses lists a knowledge base's quick responses
// (GET /knowledgeBases/{knowledgeBaseId}/quickResponses).
func (c *Client) ListQuickResponses(ctx context.Context, in *ListQuickResponsesInput, optFns ...func(*Options)) (*ListQuickResponsesOutput, error) {
	out := &ListQuickResponsesOutput{}
	path := "/knowledgeBases/" + url.PathEscape(aws.ToString(in.KnowledgeBaseId)) + "/quickResponses"
	err := c.jc.With(optFns...).Do(ctx, listCall("ListQuickResponses", path, in.MaxResults, in.NextToken), out)
	return out, err
}

// ListMessageTemplatesInput pages through a knowledge base's message
// templates.
type ListMessageTemplatesInput struct {
	KnowledgeBaseId *string
	MaxResults      *int32
	NextToken       *string
}

// ListMessageTemplatesOutput is one page of message templates.
type ListMessageTemplatesOutput struct {
	MessageTemplateSummaries []MessageTemplateSummary `json:"messageTemplateSummaries"`
	NextToken                *string                  `json:"nextToken"`
}

// MessageTemplateSummary describes a message template.
type MessageTemplateSummary struct {
	MessageTemplateId *string `json:"messageTemplateId"`
	Name              *string `json:"name"`
	ChannelSubtype    string  `json:"channelSubtype"`
}

// ListMessageTemplates lists a knowledge base's message templates
// (GET /knowledgeBases/{knowledgeBaseId}/messageTemplates).
func (c *Client) ListMessageTemplates(ctx context.Context, in *ListMessageTemplatesInput, optFns ...func(*Options)) (*ListMessageTemplatesOutput, error) {
	out := &ListMessageTemplatesOutput{}
	path := "/knowledgeBases/" + url.PathEscape(aws.ToString(in.KnowledgeBaseId)) + "/messageTemplates"
	err := c.jc.With(optFns...).Do(ctx, listCall("ListMessageTemplates", path, in.MaxResults, in.NextToken), out)
	return out, err
}

// ListAssistantAssociationsInput pages through an assistant's associations.
type ListAssistantAssociationsInput struct {
	AssistantId *string
	MaxResults  *int32
	NextToken   *string
}

// ListAssistantAssociationsOutput is one page of associations.
type ListAssistantAssociationsOutput struct {
	AssistantAssociationSummaries []AssistantAssociationSummary `json:"assistantAssociationSummaries"`
	NextToken                     *string                       `json:"nextToken"`
}

// AssistantAssociationSummary describes one association of an assistant.
type AssistantAssociationSummary struct {
	AssistantAssociationId *string `json:"assistantAssociationId"`
	AssistantId            *string `json:"assistantId"`
	AssociationType        string  `json:"associationType"`
}

// ListAssistantAssociations lists an assistant's associations
// (GET /assistants/{assistantId}/associations).
func (c *Client) ListAssistantAssociations(ctx context.Context, in *ListAssistantAssociationsInput, optFns ...func(*Options)) (*ListAssistantAssociationsOutput, error) {
	out := &ListAssistantAssociationsOutput{}
	path := "/assistants/" + url.PathEscape(aws.ToString(in.AssistantId)) + "/associations"
	err := c.jc.With(optFns...).Do(ctx, listCall("ListAssistantAssociations", path, in.MaxResults, in.NextToken), out)
	return out, err
}
