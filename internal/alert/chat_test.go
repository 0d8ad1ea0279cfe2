package alert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/cqmon/cqmon/internal/golden"
	"github.com/cqmon/cqmon/internal/quota"
)

// chatbotSchema compiles the documented event format of Chatbot custom
// notifications (testdata/chatbot-custom-notification.schema.json).
func chatbotSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	const path = "testdata/chatbot-custom-notification.schema.json"
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(path, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, b []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(v)
}

// TestChatbotNotificationsMatchTheSchema checks every kind of message, as
// published to a chatbot: topic's HTTPS subscribers, against the
// documented event format, and that the schema refuses what Chatbot
// would not show.
func TestChatbotNotificationsMatchTheSchema(t *testing.T) {
	schema := chatbotSchema(t)
	for name, m := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			in, err := publishInput("arn:aws:sns:us-east-1:123456789012:chat", m, true)
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]string
			if err := json.Unmarshal([]byte(*in.Message), &body); err != nil {
				t.Fatal(err)
			}
			if err := validate(t, schema, []byte(body["https"])); err != nil {
				t.Errorf("the https key is not a Chatbot custom notification: %v\n%s", err, body["https"])
			}
			if !strings.Contains(body["sqs"], `"schema_version":1`) || body["email"] != m.Text() {
				t.Errorf("other protocols changed: sqs %.60q email %.60q", body["sqs"], body["email"])
			}
			var n chatbotNotification
			json.Unmarshal([]byte(body["https"]), &n)
			if n.Metadata.ThreadID != ChatbotThreadID(m) || n.Content.Title != m.Subject() {
				t.Errorf("thread %q title %q, want %q %q", n.Metadata.ThreadID, n.Content.Title, ChatbotThreadID(m), m.Subject())
			}
			if name == "new" {
				var pretty bytes.Buffer
				json.Indent(&pretty, []byte(body["https"]), "", "  ")
				golden.Check(t, "new.chatbot.json", append(pretty.Bytes(), '\n'))
			}
		})
	}
	for _, bad := range []string{
		`{"version":"2.0","source":"custom","content":{"description":"x"}}`,
		`{"version":"1.0","source":"cqmon","content":{"description":"x"}}`,
		`{"version":"1.0","source":"custom","content":{"title":"x"}}`,
		`{"version":"1.0","source":"custom","content":{"description":"x"},"metadata":{"threadID":"x"}}`,
	} {
		if err := validate(t, schema, []byte(bad)); err == nil {
			t.Errorf("the schema accepts %s", bad)
		}
	}
}

// TestChatbotThreads: the messages of one instance share a thread, other
// instances and the account's quotas have their own.
func TestChatbotThreads(t *testing.T) {
	cases := goldenCases(t)
	if a, b := ChatbotThreadID(cases["new"]), ChatbotThreadID(cases["recovery"]); a != b {
		t.Errorf("one instance, two threads: %q and %q", a, b)
	}
	seen := map[string]string{}
	for _, name := range []string{"new", "long-alias", "account"} {
		id := ChatbotThreadID(cases[name])
		if other, ok := seen[id]; ok {
			t.Errorf("%s and %s share thread %q", name, other, id)
		}
		seen[id] = name
	}
}

// TestSNSWithoutChatbotKeepsTheDocument: a plain sns: channel still sends
// the JSON document to HTTPS subscribers.
func TestSNSWithoutChatbotKeepsTheDocument(t *testing.T) {
	m := goldenCases(t)["new"]
	in, err := publishInput("arn:aws:sns:us-east-1:123456789012:t", m, false)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]string
	json.Unmarshal([]byte(*in.Message), &body)
	if body["https"] != body["sqs"] {
		t.Errorf("https = %.80q, want the document", body["https"])
	}
}

// TestSlackWithinLimits lays out messages far past Slack's limits and
// checks every limit of a Block Kit message, and that what was left out
// is counted.
func TestSlackWithinLimits(t *testing.T) {
	var rs []quota.Result
	for i := range 300 {
		r := res(fmt.Sprintf("L-%08X", i), strings.Repeat("A quota with a long name ", 8)+fmt.Sprint(i), 95, 100, quota.LimitInstance, true)
		r.Reason = strings.Repeat("why ", 900)
		rs = append(rs, r)
	}
	for i := range 300 {
		rs = append(rs, unknown(fmt.Sprintf("L-1%07X", i), fmt.Sprintf("Unknown quota %03d", i), strings.Repeat("denied ", 30)))
	}
	m := only(t, at(t0), report(instance(instA, strings.Repeat("alias-", 40), rs...)))
	fitted, err := slackFit(m)
	if err != nil {
		t.Fatal(err)
	}
	p := slackPayload(fitted)
	if n := len(p.Blocks); n > slackMaxBlocks {
		t.Errorf("%d blocks, more than %d", n, slackMaxBlocks)
	}
	if n := utf8.RuneCountInString(p.Text); n > slackTextLimit {
		t.Errorf("text of %d characters", n)
	}
	buttons := 0
	for i, b := range p.Blocks {
		limit := slackSectionLimit
		if b.Type == "header" {
			limit = slackHeaderLimit
		}
		texts := b.Elements
		if b.Text != nil {
			texts = append(texts, *b.Text)
		}
		for _, tx := range texts {
			if n := utf8.RuneCountInString(tx.Text); n > limit || n == 0 {
				t.Errorf("block %d (%s): text of %d characters, limit %d", i, b.Type, n, limit)
			}
		}
		if a := b.Accessory; a != nil {
			buttons++
			if utf8.RuneCountInString(a.Text.Text) > slackButtonTextLimit || len(a.URL) > slackURLLimit || !strings.HasPrefix(a.URL, "https://") {
				t.Errorf("block %d: button %+v out of limits", i, a)
			}
		}
	}
	if buttons == 0 || fitted.Omitted.Violations == 0 {
		t.Errorf("%d buttons, %d violations left out: want both", buttons, fitted.Omitted.Violations)
	}
	if got := len(fitted.Violations) + fitted.Omitted.Violations; got != 300 {
		t.Errorf("listed+omitted violations = %d, want 300", got)
	}
	last := p.Blocks[len(p.Blocks)-1]
	if last.Type != "context" || !strings.Contains(last.Elements[0].Text, "left out to fit Slack's limits") {
		t.Errorf("last block %+v does not say what was left out", last)
	}
}
