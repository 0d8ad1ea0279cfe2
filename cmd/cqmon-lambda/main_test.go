package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/lambdaconfig"
	"github.com/cqmon/cqmon/internal/mototest"
)

func TestMain(m *testing.M) { mototest.Main(m) }

// A bad variable fails the cold start: the process exits non-zero, logs
// the message and reports it to the runtime API, so that an invoke
// answers with the message itself.
func TestBadConfigurationFailsTheColdStart(t *testing.T) {
	type initError struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	got := make(chan initError, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/2018-06-01/runtime/init/error" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		var e initError
		if err := json.NewDecoder(r.Body).Decode(&e); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if h := r.Header.Get("Lambda-Runtime-Function-Error-Type"); h != initErrorType {
			t.Errorf("error type header = %q, want %q", h, initErrorType)
		}
		got <- e
		w.WriteHeader(http.StatusAccepted)
	}))
	defer api.Close()

	vars := map[string]string{
		lambdaconfig.EnvThreshold:     "150",
		"AWS_LAMBDA_RUNTIME_API":      strings.TrimPrefix(api.URL, "http://"),
		lambdaconfig.EnvUseDynamoDB:   "false",
		lambdaconfig.EnvRetentionDays: "90",
	}
	var logs bytes.Buffer
	if code := run(context.Background(), func(k string) string { return vars[k] }, &logs); code != 1 {
		t.Errorf("run() = %d, want 1", code)
	}
	const want = `THRESHOLD_PERCENTAGE: "150" is outside 1-99`
	select {
	case e := <-got:
		if e.ErrorMessage != want || e.ErrorType != initErrorType {
			t.Errorf("init error = %+v, want message %q", e, want)
		}
	default:
		t.Error("the runtime API got no init error")
	}
	lines := logLines(t, &logs)
	if len(lines) != 1 || lines[0]["level"] != "ERROR" || lines[0]["error"] != want {
		t.Errorf("logs = %v, want one ERROR line with the message", lines)
	}
}

// Without a state store, the cold start warns that every run alerts again.
func TestNoStoreWarning(t *testing.T) {
	cfg := lambdaconfig.Default()
	cfg.TopicARN = "arn:aws:sns:us-east-1:123456789012:alerts"
	var logs bytes.Buffer
	if _, err := newHandler(context.Background(), cfg, offlineSetup(), newLogger(&logs, cfg.LogLevel)); err != nil {
		t.Fatal(err)
	}
	if !hasLine(logLines(t, &logs), "WARN", alert.NoStoreWarning) {
		t.Errorf("cold start logs lack the no-store warning:\n%s", logs.String())
	}
}

func TestPayloadMustBeJSON(t *testing.T) {
	var logs bytes.Buffer
	h, err := newHandler(context.Background(), lambdaconfig.Default(), offlineSetup(), newLogger(&logs, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Invoke(context.Background(), []byte("not json")); err == nil || !strings.Contains(err.Error(), "not a JSON object") {
		t.Errorf("Invoke(not json) = %v, want an error saying so", err)
	}
}

// logLines decodes JSON log lines.
func logLines(t *testing.T, r io.Reader) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(r)
	for {
		var m map[string]any
		if err := dec.Decode(&m); err == io.EOF {
			return out
		} else if err != nil {
			t.Fatalf("a log line is not JSON: %v", err)
		}
		out = append(out, m)
	}
}

func hasLine(lines []map[string]any, level, msg string) bool {
	for _, l := range lines {
		if l["level"] == level && l["msg"] == msg {
			return true
		}
	}
	return false
}
