package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// webhookTimeout bounds one POST when the caller gives no HTTP client.
const webhookTimeout = 10 * time.Second

// Webhook posts messages as Slack-compatible JSON: "text" holds the
// subject and plain text (shown by Slack in notifications and by other
// chat tools that read only "text"), "blocks" the message in Block Kit
// (see slackPayload).
type Webhook struct {
	client *http.Client
	url    string
}

// NewWebhook returns a channel posting to rawURL with client (nil: a client
// with a 10-second timeout).
func NewWebhook(client *http.Client, rawURL string) *Webhook {
	if client == nil {
		client = &http.Client{Timeout: webhookTimeout}
	}
	// A redirect is never followed: it would send the message (and the
	// URL's secret path) wherever the server points, another host included.
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Webhook{client: &c, url: rawURL}
}

// String implements Channel; the URL's path is hidden.
func (w *Webhook) String() string { return "webhook:" + Redact(w.url) }

// Send implements Channel. A 2xx answer means delivered; 4xx answers
// other than 408 and 429 are not retried.
func (w *Webhook) Send(ctx context.Context, m Message) error {
	m, err := slackFit(m)
	if err != nil {
		return permanent{err}
	}
	body, err := json.Marshal(slackPayload(m))
	if err != nil {
		return permanent{fmt.Errorf("encode webhook body: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return permanent{fmt.Errorf("post: %w", unwrapURL(err))}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		// *url.Error repeats the URL, whose path is a secret.
		return fmt.Errorf("post: %w", unwrapURL(err))
	}
	defer resp.Body.Close()
	// Drained so the connection can be reused, never quoted: a server may
	// echo the request's path, which is the webhook's secret. The status
	// line's text comes from the server too; only its code is shown.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	code := resp.StatusCode
	switch {
	case code/100 == 2:
		return nil
	case code/100 == 3:
		return permanent{fmt.Errorf("post: HTTP %d %s: redirects are not followed (give the final URL)", code, http.StatusText(code))}
	}
	err = fmt.Errorf("post: HTTP %d %s", code, http.StatusText(code))
	if code/100 == 4 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests {
		return permanent{err}
	}
	return err
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// chunks splits text at line ends into pieces of at most limit bytes; a
// single longer line is cut.
func chunks(text string, limit int) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(strings.TrimRight(text, "\n"), "\n") {
		if cur.Len() > 0 && cur.Len()+len(line) > limit {
			out = append(out, strings.TrimRight(cur.String(), "\n"))
			cur.Reset()
		}
		for len(line) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			out, line = append(out, line[:cut]), line[cut:]
		}
		cur.WriteString(line)
	}
	if cur.Len() > 0 {
		out = append(out, strings.TrimRight(cur.String(), "\n"))
	}
	return out
}
