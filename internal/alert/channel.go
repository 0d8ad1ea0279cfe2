package alert

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/cqmon/cqmon/internal/quota"
)

// Channel delivers messages somewhere people or programs will see them.
type Channel interface {
	// Send delivers one message; an error means it was not delivered.
	Send(ctx context.Context, m Message) error
	// String names the channel in reports and logs, without secrets.
	String() string
}

// Spec is a parsed channel specification.
type Spec struct {
	// Kind is "sns", "chatbot" (an SNS topic AWS Chatbot reads), "stdout"
	// or "webhook".
	Kind string
	// Target is the topic ARN or the webhook URL; empty for stdout.
	Target string
}

// String gives the spec in the syntax ParseSpec reads, with a webhook
// URL's path hidden (Slack webhook paths are secrets).
func (s Spec) String() string {
	switch s.Kind {
	case "stdout":
		return "stdout"
	case "webhook":
		return "webhook:" + Redact(s.Target)
	}
	return s.Kind + ":" + s.Target
}

var topicARN = regexp.MustCompile(`^arn:aws[a-z-]*:sns:([a-z]{2}(?:-[a-z]+)+-\d+):\d{12}:[A-Za-z0-9_-]{1,256}$`)

// ParseSpec reads one channel: "sns:<topic ARN>", "chatbot:<topic ARN>",
// "stdout" or "webhook:<https URL>".
func ParseSpec(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	kind, target, _ := strings.Cut(s, ":")
	target = strings.TrimSpace(target)
	switch strings.ToLower(kind) {
	case "stdout":
		if target != "" {
			return Spec{}, fmt.Errorf("channel %q: stdout takes no target", redactSpec(s))
		}
		return Spec{Kind: "stdout"}, nil
	case "sns", "chatbot":
		if strings.HasSuffix(target, ".fifo") {
			return Spec{}, fmt.Errorf("channel %q: FIFO topics are not supported (they deliver only to SQS)", redactSpec(s))
		}
		if !topicARN.MatchString(target) {
			return Spec{}, fmt.Errorf("channel %q: %q is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)", redactSpec(s), Redact(target))
		}
		return Spec{Kind: strings.ToLower(kind), Target: target}, nil
	case "webhook":
		u, err := url.Parse(target)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Spec{}, fmt.Errorf("channel %q: want an http(s) URL after webhook:", redactSpec(s))
		}
		return Spec{Kind: "webhook", Target: target}, nil
	}
	return Spec{}, fmt.Errorf("channel %q: unknown kind%s (want sns:<topic ARN>, chatbot:<topic ARN>, stdout or webhook:<URL>)", redactSpec(s), quotedKind(s))
}

// ParseSpecs reads a comma- or newline-separated list of channels, as
// given in an environment variable. The error names every bad entry.
func ParseSpecs(list string) ([]Spec, error) {
	return quota.ParseList(list, ",\n", ParseSpec)
}

// Deps are what channels are built from; the caller builds the clients.
type Deps struct {
	// SNS returns the SNS client for a Region (the topic's).
	SNS func(region string) Publisher
	// HTTP posts webhooks; nil means a client with a 10-second timeout.
	HTTP *http.Client
	// Stdout receives the stdout channel's messages.
	Stdout io.Writer
}

// Build makes the channel a spec describes.
func (s Spec) Build(d Deps) (Channel, error) {
	switch s.Kind {
	case "stdout":
		if d.Stdout == nil {
			return nil, fmt.Errorf("channel stdout: no writer")
		}
		return &Writer{w: d.Stdout}, nil
	case "sns", "chatbot":
		if d.SNS == nil {
			return nil, fmt.Errorf("channel %s: no SNS client", s)
		}
		region := topicARN.FindStringSubmatch(s.Target)
		if region == nil {
			return nil, fmt.Errorf("channel %s: not an SNS topic ARN", s)
		}
		if s.Kind == "chatbot" {
			return NewChatbotSNS(d.SNS(region[1]), s.Target), nil
		}
		return NewSNS(d.SNS(region[1]), s.Target), nil
	case "webhook":
		return NewWebhook(d.HTTP, s.Target), nil
	}
	return nil, fmt.Errorf("channel %s: unknown kind", s)
}

// Writer is the stdout channel: it prints each message's subject and
// plain text.
type Writer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewWriter returns a channel printing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Send implements Channel.
func (c *Writer) Send(_ context.Context, m Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	subject := m.Subject()
	if _, err := fmt.Fprintf(c.w, "%s\n%s\n%s\n", subject, strings.Repeat("=", len(subject)), m.Text()); err != nil {
		return fmt.Errorf("print message: %w", err)
	}
	return nil
}

// String implements Channel.
func (c *Writer) String() string { return "stdout" }
