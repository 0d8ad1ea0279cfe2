package alert

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// chatbotNotification is a custom notification of AWS Chatbot (now Amazon
// Q Developer in chat applications), in the event format its
// documentation gives (chatbot/latest/adminguide/custom-notifs.html):
// version "1.0", source "custom", the content shown in the channel, and
// metadata whose threadId groups the updates of one instance in a thread.
type chatbotNotification struct {
	Version  string          `json:"version"`
	Source   string          `json:"source"`
	ID       string          `json:"id,omitempty"`
	Content  chatbotContent  `json:"content"`
	Metadata chatbotMetadata `json:"metadata"`
}

type chatbotContent struct {
	TextType    string   `json:"textType"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	NextSteps   []string `json:"nextSteps,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
}

type chatbotMetadata struct {
	ThreadID          string            `json:"threadId"`
	Summary           string            `json:"summary"`
	EventType         string            `json:"eventType"`
	AdditionalContext map[string]string `json:"additionalContext,omitempty"`
}

// ChatbotThreadID is the thread a message's updates share in a chat
// channel: one per account and instance (or the account's quotas).
func ChatbotThreadID(m Message) string {
	id := m.InstanceID
	if id == "" {
		id = "account"
	}
	return "cqmon-" + orUnknown(m.Account) + "-" + id
}

// chatbotJSON is the message as a Chatbot custom notification. Its
// description is the message in Chatbot's client markdown; each
// adjustable violation's increase link is a next step.
func chatbotJSON(m Message) ([]byte, error) {
	var d strings.Builder
	d.WriteString(slackEscape(m.scopeLine()) + "\n")
	for _, it := range m.Violations {
		d.WriteString("\n• " + strings.ReplaceAll(slackViolation(m, it), "\n", "\n    "))
	}
	if n := m.Omitted.Violations; n > 0 {
		fmt.Fprintf(&d, "\n• ... and %s left out to fit the message size limit", plural(n, "more violation"))
	}
	if len(m.Recovered) > 0 {
		fmt.Fprintf(&d, "\n\n*Recovered* (below %s%%)", quota.FormatNumber(m.RecoverBelow))
		for _, it := range m.Recovered {
			d.WriteString("\n" + slackRecovered(m, it))
		}
	}
	if len(m.Unknown) > 0 {
		d.WriteString("\n\n" + slackUnknownTitle)
		for _, it := range m.Unknown {
			d.WriteString("\n" + slackUnknown(m, it))
		}
	}
	s := m.Summary
	fmt.Fprintf(&d, "\n\n%d quotas monitored · max %.1f%% · average %.1f%%", s.MetricsCount, s.MaxUtilization, s.AvgUtilization)

	var next []string
	for _, it := range m.Violations {
		if u := m.increaseURL(it.Result); u != "" {
			next = append(next, fmt.Sprintf("<%s|Request an increase> of %s", u, slackEscape(it.Result.QuotaName)))
		} else if !it.Result.Adjustable {
			next = append(next, fmt.Sprintf("Reduce the usage of %s (not adjustable)", slackEscape(it.Result.QuotaName)))
		}
	}
	keywords := []string{"cqmon", string(m.Kind)}
	if m.Severity != "" && m.Severity != SeverityOK {
		keywords = append(keywords, string(m.Severity))
	}
	context := map[string]string{}
	for k, v := range Attributes(m) {
		context[k] = v
	}
	if m.RunID != "" {
		context["run_id"] = m.RunID
	}
	n := chatbotNotification{
		Version: "1.0", Source: "custom", ID: strings.TrimPrefix(m.RunID+"/"+ChatbotThreadID(m), "/"),
		Content: chatbotContent{TextType: "client-markdown", Title: m.Subject(), Description: d.String(), NextSteps: next, Keywords: keywords},
		Metadata: chatbotMetadata{ThreadID: ChatbotThreadID(m), Summary: m.Subject(), EventType: "cqmon-" + string(m.Kind),
			AdditionalContext: context},
	}
	b, err := json.Marshal(n)
	if err != nil {
		return nil, fmt.Errorf("encode Chatbot notification: %w", err)
	}
	return b, nil
}
