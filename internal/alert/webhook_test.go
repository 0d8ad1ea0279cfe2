package alert

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A server that echoes what it was sent (the path is the webhook's secret)
// in its body and in its status line's text must not get it into an error.
func TestWebhookErrorQuotesNothingFromTheServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A hijacked connection lets the status line's text be the path.
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 500 " + r.URL.Path + "\r\nContent-Length: 20\r\nConnection: close\r\n\r\nno such hook " + r.URL.Path[len(r.URL.Path)-7:])
		buf.Flush()
	}))
	t.Cleanup(srv.Close)
	w := NewWebhook(srv.Client(), srv.URL+"/services/T0/secret")
	err := w.Send(context.Background(), sample())
	if err == nil {
		t.Fatal("Send() succeeded against a failing server")
	}
	if strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("Send() error = %q, want HTTP 500 without the server's words", err)
	}
}

func TestWebhookFollowsNoRedirect(t *testing.T) {
	other, otherSrv := newHook(t, http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherSrv.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	for _, client := range []*http.Client{nil, srv.Client(), {}} {
		err := NewWebhook(client, srv.URL+"/services/T0/secret").Send(context.Background(), sample())
		var p permanent
		if err == nil || !errors.As(err, &p) || !strings.Contains(err.Error(), "HTTP 307") {
			t.Errorf("Send() error = %v, want a permanent HTTP 307 error", err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("Send() error = %q shows the path", err)
		}
	}
	if n := len(other.calls()); n != 0 {
		t.Errorf("the redirect's target got %d posts, want none", n)
	}
}

// sample is a message about one quota of one instance.
func sample() Message {
	rep := report(instance(instA, "acme-prod", flows(147)))
	return Plan(at(t0), rep, nil)[0].Message
}
