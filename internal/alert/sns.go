package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
)

// Publisher is the part of the SNS client the SNS channel uses.
type Publisher interface {
	Publish(ctx context.Context, params *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// MaxSNSBytes is SNS's limit on a published message, attributes included
// (256 KiB).
const MaxSNSBytes = 256 * 1024

// snsReserve is kept free of the message body for the subject and the
// message attributes, which count toward MaxSNSBytes.
const snsReserve = 2 * 1024

// SNS publishes messages to a topic with MessageStructure=json: plain text
// for email (and as the default), the JSON document for SQS, Lambda and
// HTTPS subscribers, and the subject for SMS. With chatbot set, HTTPS
// subscribers get an AWS Chatbot custom notification instead: Chatbot
// subscribes to a topic over HTTPS, so it reads the "https" key.
type SNS struct {
	client  Publisher
	topic   string
	chatbot bool
}

// NewSNS returns a channel publishing to the topic with client, which must
// be configured for the topic's Region.
func NewSNS(client Publisher, topicARN string) *SNS { return &SNS{client: client, topic: topicARN} }

// NewChatbotSNS is NewSNS for a topic AWS Chatbot reads: its HTTPS
// subscribers get the Chatbot custom notification.
func NewChatbotSNS(client Publisher, topicARN string) *SNS {
	return &SNS{client: client, topic: topicARN, chatbot: true}
}

// String implements Channel.
func (s *SNS) String() string {
	if s.chatbot {
		return "chatbot:" + s.topic
	}
	return "sns:" + s.topic
}

// Send implements Channel. A message over MaxSNSBytes is trimmed.
func (s *SNS) Send(ctx context.Context, m Message) error {
	m, err := fit(m, MaxSNSBytes-snsReserve, func(m Message) (int, error) {
		body, err := snsMessage(m, s.chatbot)
		return len(body), err
	})
	if err != nil {
		return permanent{err}
	}
	in, err := publishInput(s.topic, m, s.chatbot)
	if err != nil {
		return permanent{err}
	}
	if _, err := s.client.Publish(ctx, in); err != nil {
		var api smithy.APIError
		if errors.As(err, &api) && snsPermanent[api.ErrorCode()] {
			return permanent{fmt.Errorf("publish: %w", err)}
		}
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// snsPermanent are the SNS error codes a retry cannot fix.
var snsPermanent = map[string]bool{
	"NotFound":              true,
	"AuthorizationError":    true,
	"InvalidParameter":      true,
	"InvalidParameterValue": true,
	"InvalidSecurity":       true,
}

// publishInput builds the Publish call for a message.
func publishInput(topic string, m Message, chatbot bool) (*sns.PublishInput, error) {
	body, err := snsMessage(m, chatbot)
	if err != nil {
		return nil, err
	}
	attrs := map[string]types.MessageAttributeValue{}
	for k, v := range Attributes(m) {
		attrs[k] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	return &sns.PublishInput{
		TopicArn:          aws.String(topic),
		Subject:           aws.String(m.Subject()),
		Message:           aws.String(body),
		MessageStructure:  aws.String("json"),
		MessageAttributes: attrs,
	}, nil
}

// snsMessage is the MessageStructure=json body: one string per protocol;
// with chatbot, the "https" string is the Chatbot custom notification.
func snsMessage(m Message, chatbot bool) (string, error) {
	doc, err := m.JSON()
	if err != nil {
		return "", err
	}
	https := doc
	if chatbot {
		if https, err = chatbotJSON(m); err != nil {
			return "", err
		}
	}
	text := m.Text()
	b, err := json.Marshal(map[string]string{
		"default": text,
		"email":   text,
		"sqs":     string(doc),
		"lambda":  string(doc),
		"https":   string(https),
		"sms":     m.Subject(),
	})
	if err != nil {
		return "", fmt.Errorf("encode SNS message: %w", err)
	}
	return string(b), nil
}

// Attributes are the message attributes subscribers can filter on:
// instance_id ("account" for account-level messages), kind, severity,
// region, account_id and account_name; empty values are left out, as SNS
// refuses them.
func Attributes(m Message) map[string]string {
	id := m.InstanceID
	if id == "" {
		id = "account"
	}
	a := map[string]string{}
	for k, v := range map[string]string{"instance_id": id, "kind": string(m.Kind), "severity": string(m.Severity), "region": m.Region,
		"account_id": m.Account, "account_name": m.AccountName} {
		if v != "" {
			a[k] = v
		}
	}
	return a
}

// permanent marks a delivery error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }
