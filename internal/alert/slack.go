package alert

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cqmon/cqmon/internal/quota"
)

// Slack's limits on a message (Block Kit reference,
// api.slack.com/reference/block-kit/blocks and .../block-elements).
const (
	// slackTextLimit: Slack truncates a message's text past 40,000
	// characters; stay clear of it.
	slackTextLimit = 39000
	// slackMaxBlocks: a message holds at most 50 blocks.
	slackMaxBlocks = 50
	// slackSectionLimit: a section block's text is at most 3,000
	// characters.
	slackSectionLimit = 3000
	// slackHeaderLimit: a header block's text is at most 150 characters.
	slackHeaderLimit = 150
	// slackButtonTextLimit and slackURLLimit bound a button's text and
	// its URL.
	slackButtonTextLimit = 75
	slackURLLimit        = 3000
)

type slackTextObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackButton struct {
	Type     string          `json:"type"`
	Text     slackTextObject `json:"text"`
	URL      string          `json:"url"`
	ActionID string          `json:"action_id"`
}

type slackBlock struct {
	Type      string            `json:"type"`
	Text      *slackTextObject  `json:"text,omitempty"`
	Accessory *slackButton      `json:"accessory,omitempty"`
	Elements  []slackTextObject `json:"elements,omitempty"`
}

type slackMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// slackText is the message's "text": subject, blank line, body, escaped
// for Slack's mrkdwn. Slack shows it in notifications; chat tools that
// read only "text" show it instead of the blocks.
func slackText(m Message) string { return slackEscape(m.Subject() + "\n\n" + m.Text()) }

// slackFit trims m to Slack's block count and text size.
func slackFit(m Message) (Message, error) {
	m, err := fit(m, slackMaxBlocks, func(m Message) (int, error) { return len(slackPayload(m).Blocks), nil })
	if err != nil {
		return m, err
	}
	return fit(m, slackTextLimit, func(m Message) (int, error) { return len(slackText(m)), nil })
}

// slackPayload lays the message out in Block Kit: a header, the instance
// line, one section per violation with a button to request an increase,
// the recovered and unknown quotas, and a context line with the summary.
func slackPayload(m Message) slackMessage {
	mrkdwn := func(s string) *slackTextObject {
		return &slackTextObject{Type: "mrkdwn", Text: clip(s, slackSectionLimit)}
	}
	p := slackMessage{Text: slackText(m)}
	p.Blocks = append(p.Blocks,
		slackBlock{Type: "header", Text: &slackTextObject{Type: "plain_text", Text: clip(m.Subject(), slackHeaderLimit)}},
		slackBlock{Type: "section", Text: mrkdwn(slackEscape(m.scopeLine()))})
	for _, it := range m.Violations {
		b := slackBlock{Type: "section", Text: mrkdwn(slackViolation(m, it))}
		if u := m.increaseURL(it.Result); u != "" && len(u) <= slackURLLimit {
			b.Accessory = &slackButton{Type: "button", URL: u, ActionID: "increase-" + it.Result.QuotaID(),
				Text: slackTextObject{Type: "plain_text", Text: clip("Request an increase", slackButtonTextLimit)}}
		}
		p.Blocks = append(p.Blocks, b)
	}
	if len(m.Recovered) > 0 {
		var lines []string
		for _, it := range m.Recovered {
			lines = append(lines, slackRecovered(m, it))
		}
		p.Blocks = append(p.Blocks, slackList(fmt.Sprintf("*Recovered* (below %s%%)", quota.FormatNumber(m.RecoverBelow)), lines)...)
	}
	if len(m.Unknown) > 0 {
		var lines []string
		for _, it := range m.Unknown {
			lines = append(lines, slackUnknown(m, it))
		}
		p.Blocks = append(p.Blocks, slackList(slackUnknownTitle, lines)...)
	}
	s := m.Summary
	context := fmt.Sprintf("%d quotas monitored · max %.1f%% · average %.1f%%", s.MetricsCount, s.MaxUtilization, s.AvgUtilization)
	if n := m.Omitted.Violations + m.Omitted.Recovered + m.Omitted.Unknown; n > 0 {
		context += fmt.Sprintf(" · %d more left out to fit Slack's limits (%d violations, %d recovered, %d unknown)",
			n, m.Omitted.Violations, m.Omitted.Recovered, m.Omitted.Unknown)
	}
	if m.RunID != "" {
		context += " · cqmon run " + m.RunID
	}
	p.Blocks = append(p.Blocks, slackBlock{Type: "context", Elements: []slackTextObject{{Type: "mrkdwn", Text: clip(slackEscape(context), slackSectionLimit)}}})
	return p
}

// scopeLine names the instance (or account), Region and threshold.
func (m Message) scopeLine() string {
	line := fmt.Sprintf("Account %s (account-level quotas) · Regions %s", orUnknown(m.Account), m.Region)
	if m.InstanceID != "" {
		alias := m.InstanceAlias
		if alias == "" {
			alias = "(no alias)"
		}
		line = fmt.Sprintf("Instance %s (%s) · %s · account %s", alias, m.InstanceID, m.Region, orUnknown(m.Account))
	}
	return line + fmt.Sprintf(" · threshold %s%%", quota.FormatNumber(m.Threshold))
}

// slackViolation is one violation's section: name, figures, severity and
// mark, and where the limit came from.
func slackViolation(m Message, it Item) string {
	r := it.Result
	return fmt.Sprintf("%s*%s*: %s\n`%s` %s\n%s", regionTag(m, r), slackEscape(r.QuotaName), figures(r),
		it.Severity, markWords(it), slackEscape(strings.Join(m.violationDetail(r), "; ")))
}

// slackRecovered and slackUnknown are the list lines of a recovered and
// an unknown quota in mrkdwn.
func slackRecovered(m Message, it Item) string {
	return fmt.Sprintf("• %s*%s*: %s, was %s since %s", regionTag(m, it.Result),
		slackEscape(it.Result.QuotaName), figures(it.Result), orUnknown(string(it.Previous)), day(it))
}

func slackUnknown(m Message, it Item) string {
	return fmt.Sprintf("• %s*%s*: %s", regionTag(m, it.Result), slackEscape(it.Result.QuotaName), slackEscape(brief(it.Result.Reason, 140)))
}

const slackUnknownTitle = "*Unknown* (could not be measured: first seen, or for a new reason; never alerts)"

// markWords says why a violation is listed, in the words of the plain
// text.
func markWords(it Item) string {
	switch it.Mark {
	case MarkNew:
		return "new"
	case MarkEscalated:
		return fmt.Sprintf("escalated from %s, since %s", orUnknown(string(it.Previous)), day(it))
	case MarkReminder:
		return "since " + day(it) + ", reminder"
	}
	return "since " + day(it)
}

// slackList is a titled list in as few sections as the text limit
// allows.
func slackList(title string, lines []string) []slackBlock {
	var out []slackBlock
	for _, c := range chunks(title+"\n"+strings.Join(lines, "\n"), slackSectionLimit) {
		out = append(out, slackBlock{Type: "section", Text: &slackTextObject{Type: "mrkdwn", Text: c}})
	}
	return out
}

// clip shortens s to at most n characters (runes), ending in "...".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-3]) + "..."
}

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func slackEscape(s string) string { return slackEscaper.Replace(s) }
