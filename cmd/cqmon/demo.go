package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/monitor"
	"github.com/cqmon/cqmon/internal/sim"
)

// simCredentials are the keys clients sign simulator requests with; the
// simulator checks their form, not their value.
var simCredentials = credentials.NewStaticCredentialsProvider("AKIASIMULATOR", "simulator-secret", "")

func loadScenario(path string) (*sim.Scenario, error) {
	if path == "" {
		return sim.DemoScenario(), nil
	}
	sc, err := sim.LoadScenarioFile(path)
	if err != nil {
		return nil, usagef("scenario: %v", err)
	}
	return sc, nil
}

// cmdDemo runs the same scan as cmdScan against the built-in simulator,
// started on a loopback port for the length of the run.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stdout)
	rf := addRunFlags(fs, "none")
	rf.table = addTableFlags(fs)
	scenario := fs.String("scenario", "", "simulator scenario file (default: the built-in demo account)")
	org := fs.Bool("org", false, "scan every account of the scenario's Organization (default scenario: a two-account Organization)")
	if err := parse(fs, args); err != nil {
		return err
	}
	sc, err := loadScenario(*scenario)
	if err != nil {
		return err
	}
	if *org && *scenario == "" {
		sc = sim.OrgDemoScenario()
	}
	if *org {
		rf.accounts = monitor.Accounts{Org: true}
		limitMemory(rf.accounts)
	}
	url, stop, err := sim.New(sc).Start("127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start simulator: %w", err)
	}
	defer stop()
	rf.cfg.Regions = sc.Regions
	opts, err := rf.options("none", stdout, stderr)
	if err != nil {
		return err
	}
	f, err := awsapi.NewFactory(ctx, awsapi.Options{
		Region: sc.Regions[0], Endpoint: url, StaticCredentials: &simCredentials, Share: float64(rf.share), ShareMax: float64(rf.shareMax),
	})
	if err != nil {
		return err
	}
	if !rf.quiet {
		what := "account"
		if *org {
			what = "Organization of management account"
		}
		fmt.Fprintf(stderr, "demo: simulated AWS %s %s at %s (no real AWS calls)\n", what, sc.Account, url)
	}
	return runAndPrint(ctx, f, opts, rf, stdout, stderr)
}

// cmdSimulate serves the simulator until interrupted and prints the
// endpoint settings that point AWS tools at it.
func cmdSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("simulate", stdout)
	listen := fs.String("listen", defaultListen, "address to listen on (host:port; an empty host is every interface)")
	scenario := fs.String("scenario", "", "scenario file (default: the built-in demo account)")
	if err := parse(fs, args); err != nil {
		return err
	}
	addr, err := listenAddr(*listen, stderr)
	if err != nil {
		return err
	}
	sc, err := loadScenario(*scenario)
	if err != nil {
		return err
	}
	url, stop, err := sim.New(sc).Start(addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer stop()
	v, _ := simCredentials.Retrieve(ctx)
	fmt.Fprintf(stdout, "# cqmon simulator for account %s, Regions %s; export these, then run: cqmon scan --regions %s\n",
		sc.Account, strings.Join(sc.Regions, ", "), strings.Join(sc.Regions, ","))
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL=%s\n", url)
	fmt.Fprintf(stdout, "export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s\n", v.AccessKeyID, v.SecretAccessKey, sc.Regions[0])
	fmt.Fprintf(stdout, "unset AWS_PROFILE AWS_SESSION_TOKEN\n")
	<-ctx.Done()
	return nil
}
