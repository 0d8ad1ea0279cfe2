// Command cqmon-lambda is cqmon as an AWS Lambda function (runtime
// provided.al2023, executable "bootstrap"). Each invocation, scheduled by
// EventBridge or manual, runs one monitoring run: it scans every Amazon
// Connect instance of the configured Regions, keeps the report in the
// configured stores, publishes the alerts the run's news calls for, and
// returns a JSON summary. In the stack's organization modes a Step
// Functions state machine invokes it instead, once to list the run's
// accounts and Regions, once per account and Region to scan it, and once
// to write the run's summary (see org.go and docs/deploy.md).
//
// Configuration comes from the environment (see internal/lambdaconfig and
// docs/deploy.md). It is checked at cold start: a bad value fails the
// function's initialisation with a message naming the variable and value.
//
// Build with:
//
//	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap ./cmd/cqmon-lambda
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/lambdaconfig"
)

func main() {
	engine.SetMemoryLimit(os.Getenv("GOMEMLIMIT"), engine.LambdaMemoryLimit(os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")))
	os.Exit(run(context.Background(), os.Getenv, os.Stdout))
}

// run prepares the handler and serves invocations; it returns only when
// the cold start failed.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) int {
	cfg, err := lambdaconfig.Load(getenv)
	log := newLogger(stdout, cfg.LogLevel)
	if err != nil {
		return initFailed(log, getenv("AWS_LAMBDA_RUNTIME_API"), err)
	}
	h, err := newHandler(ctx, cfg, setup{Out: stdout}, log)
	if err != nil {
		return initFailed(log, getenv("AWS_LAMBDA_RUNTIME_API"), err)
	}
	lambda.Start(h)
	return 0
}

// newLogger writes JSON lines to stdout, which Lambda sends to the
// function's log group and CloudWatch Logs Insights reads field by field.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// initErrorType classifies a cold start that failed on its configuration.
const initErrorType = "Runtime.InvalidConfiguration"

// initFailed logs the error and reports it to the Lambda runtime API, so
// an invoke answers with the message itself instead of a bare exit
// status, then returns the process's exit status.
func initFailed(log *slog.Logger, runtimeAPI string, err error) int {
	log.Error("cold start failed", "error", err.Error())
	if runtimeAPI != "" {
		if rerr := postInitError(runtimeAPI, err); rerr != nil {
			log.Error("reporting the cold start failure to the runtime API failed", "error", rerr.Error())
		}
	}
	return 1
}

// postInitError sends the runtime API's initialisation error.
func postInitError(runtimeAPI string, cause error) error {
	body, err := json.Marshal(map[string]any{"errorMessage": cause.Error(), "errorType": initErrorType})
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+runtimeAPI+"/2018-06-01/runtime/init/error", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Lambda-Runtime-Function-Error-Type", initErrorType)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("runtime API answered %s", resp.Status)
	}
	return nil
}
