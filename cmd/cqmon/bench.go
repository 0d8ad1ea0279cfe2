package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/monitor"
	"github.com/cqmon/cqmon/internal/sim"
)

// AWS's default rates, as the simulator applies them, for the benchmark's
// scaled throttle rules (Connect admin guide and Service Quotas defaults).
var benchConnectRates = map[string]float64{
	"ListUsers": 10, "ListQueues": 10, "ListRoutingProfiles": 10, "ListRoutingProfileQueues": 10,
	"ListQuickConnects": 10, "ListQueueQuickConnects": 10, "ListPrompts": 10, "ListHoursOfOperations": 10,
	"ListAgentStatuses": 10, "ListUserHierarchyGroups": 10, "ListUserProficiencies": 10,
	"ListPredefinedAttributes": 10, "ListIntegrationAssociations": 25,
}

// benchCase is one simulated account, or an Organization of accounts
// alike.
type benchCase struct {
	name      string
	instances int
	counts    map[string]int
	children  map[string]sim.ChildCounts
	// accounts and regions, when set, make the case an Organization of
	// that many accounts, each with instances in every Region.
	accounts, regions int
	// shapes, when set, are the case's instances, each its own.
	shapes []sim.Instance
}

// benchRegions are the Regions of the organization cases.
var benchRegions = []string{"us-east-1", "eu-west-2"}

func benchCounts(users, flows, queues, profiles int) map[string]int {
	return map[string]int{
		"users": users, "contactFlows": flows, "queues": queues, "routingProfiles": profiles,
		"securityProfiles": 20, "hoursOfOperations": 10, "quickConnects": 50, "prompts": 100,
		"agentStatuses": 10, "userHierarchyGroups": 50, "phoneNumbers": 20, "lambdaFunctions": 20,
		"lexV2BotAliases": 10, "contactFlowModules": 20, "taskTemplates": 10,
		// Proficiencies name predefined attribute values: 2 attributes of
		// 3 values each.
		"predefinedAttributes": 2,
	}
}

var benchChildren = map[string]sim.ChildCounts{
	"routingProfileQueues": {Others: 12}, "queueQuickConnects": {Others: 5},
	"userProficiencies": {Others: 3}, "hoursOfOperationOverrides": {Others: 2},
}

func benchCases(which string) ([]benchCase, error) {
	typical := benchCase{name: "typical", instances: 3, counts: benchCounts(2000, 300, 50, 20), children: benchChildren}
	large := benchCase{name: "large", instances: 20, counts: benchCounts(20000, 2000, 500, 200), children: benchChildren}
	var growth []benchCase
	for _, n := range []int{1, 5, 20} {
		for _, u := range []int{100, 10000, 100000} {
			growth = append(growth, benchCase{name: fmt.Sprintf("growth-%di-%du", n, u), instances: n, counts: benchCounts(u, 50, 20, 10), children: benchChildren})
		}
	}
	switch which {
	case "org":
		// One account-Region alone, then 1, 10 and 100 accounts of two
		// Regions each.
		cases := []benchCase{typical}
		for _, n := range []int{1, 10, 100} {
			c := typical
			c.name, c.accounts, c.regions = fmt.Sprintf("org-%d", n), n, 2
			cases = append(cases, c)
		}
		return cases, nil
	case "perparent":
		return []benchCase{perParentCase()}, nil
	case "typical":
		return []benchCase{typical}, nil
	case "large":
		return []benchCase{large}, nil
	case "growth":
		return growth, nil
	case "all":
		return append([]benchCase{typical, large, perParentCase()}, growth...), nil
	}
	return nil, usagef("scenario: %q is not one of typical, large, perparent, growth, org, all", which)
}

// perParentCase is an account whose cost lies in per-parent quotas: one
// instance with 50 routing profiles, one of which holds 78 queue
// configurations (near the threshold of the default 100), and one with 60
// users holding 4 proficiencies each.
func perParentCase() benchCase {
	profiles := benchCounts(40, 50, 30, 50)
	users := benchCounts(60, 50, 20, 10)
	return benchCase{name: "perparent", shapes: []sim.Instance{
		{Alias: "bench-profiles", Counts: profiles, Children: map[string]sim.ChildCounts{
			"routingProfileQueues": {List: []int{0, 78}, Others: 12}, "queueQuickConnects": {Others: 5},
			"userProficiencies": {Others: 0}, "hoursOfOperationOverrides": {Others: 2}}},
		{Alias: "bench-users", Counts: users, Children: map[string]sim.ChildCounts{
			"routingProfileQueues": {Others: 12}, "queueQuickConnects": {Others: 5},
			"userProficiencies": {Others: 4}, "hoursOfOperationOverrides": {Others: 2}}},
	}}
}

// scenario builds the simulator scenario of a case: AWS's default rates
// times scale, 20-50 ms latency per call.
func (c benchCase) scenario(scale float64) *sim.Scenario {
	sc := c.account("210987654321", scale)
	sc.ServiceQuotas = benchQuotas()
	if c.accounts == 0 {
		return sc
	}
	// An Organization: the management account is the first of the
	// accounts; every member is alike and trusts it with cqmon-reader.
	sc.Organization = &sim.Organization{ManagementName: "bench-000"}
	for i := 1; i < c.accounts; i++ {
		id := fmt.Sprintf("2%011d", i)
		sc.Organization.Accounts = append(sc.Organization.Accounts, sim.OrgAccount{
			ID: id, Name: fmt.Sprintf("bench-%03d", i), Roles: []sim.OrgRole{{Name: awsapi.DefaultRoleName}},
			Scenario: c.account(id, scale),
		})
	}
	return sc
}

// account is the scenario of one account of the case, without its
// Service Quotas (an Organization's members take the management's).
func (c benchCase) account(id string, scale float64) *sim.Scenario {
	sc := &sim.Scenario{Account: id, Regions: []string{"us-east-1"}}
	if c.regions > 0 {
		sc.Regions = benchRegions[:c.regions]
	}
	sc.Instances = append(sc.Instances, c.shapes...)
	for _, region := range sc.Regions {
		for i := range c.instances {
			alias := fmt.Sprintf("bench-%02d", i)
			if c.regions > 0 {
				alias = fmt.Sprintf("bench-%s-%02d", region, i)
			}
			sc.Instances = append(sc.Instances, sim.Instance{Alias: alias, Region: region, Counts: c.counts, Children: c.children})
		}
	}
	for op, r := range benchConnectRates {
		sc.Throttle.Rules = append(sc.Throttle.Rules, sim.RateRule{Service: "connect", Operation: op, Rate: r * scale, Burst: int(math.Ceil(r * 1.5 * scale))})
	}
	sc.Throttle.Rules = append(sc.Throttle.Rules,
		sim.RateRule{Service: "connect", Operation: "*", Rate: 2 * scale, Burst: int(5 * scale)},
		sim.RateRule{Service: "servicequotas", Operation: "*", Rate: 10 * scale, Burst: int(10 * scale)},
	)
	// The related services, at the highest of their documented rates so
	// that only cqmon's own budget paces them.
	for _, svc := range []string{"cases", "profile", "wisdom", "voiceid", "app-integrations", "connect-campaigns"} {
		sc.Throttle.Rules = append(sc.Throttle.Rules, sim.RateRule{Service: svc, Operation: "*", Rate: 10 * scale, Burst: int(10 * scale)})
	}
	sc.Latency = []sim.LatencyRule{{Min: "20ms", Max: "50ms"}}
	return sc
}

// benchQuotas is the demo account's Service Quotas catalog at AWS's
// defaults: nothing applied or requested, and no rate quotas (their values
// would pace cqmon at AWS's unscaled rates).
func benchQuotas() sim.ServiceQuotas {
	sq := sim.DemoScenario().ServiceQuotas
	sq.Requests = nil
	for code, svc := range sq.Services {
		var qs []sim.Quota
		for _, q := range svc.Quotas {
			if !strings.HasPrefix(q.Name, "Rate of ") {
				qs = append(qs, q)
			}
		}
		svc.Quotas, svc.Applied, svc.ResourceDefaults, svc.InstanceApplied = qs, nil, nil, nil
		sq.Services[code] = svc
	}
	return sq
}

// benchResult is what one scan of a case cost.
type benchResult struct {
	name        string
	wall        time.Duration
	calls       int
	throttled   int
	lowerBound  time.Duration
	bottleneck  string
	peakRSSKiB  int
	perOp       map[string]int
	rates       map[string]float64
	quotas      int
	unknown     int
	simStarting time.Duration
	// scanned counts the accounts scanned (org cases); accountRegions is
	// the number of account-Regions the case has.
	scanned, accountRegions int
}

// cmdBench measures full scans of simulated accounts: wall time, calls by
// operation, throttling answers, the lower bound the rate limits impose on
// those calls, and peak memory. Each case runs in a child process (this
// same binary, "bench-one") so its peak RSS is the scan's alone, against a
// simulator in another child process.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stdout)
	which := fs.String("scenario", "typical", "typical, large, perparent, growth, org or all")
	scale, share := benchRateFlags(fs)
	accountConcurrency := fs.Int("account-concurrency", defaultBenchAccountConcurrency, "accounts scanned at once in the org cases")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *accountConcurrency < 1 || *accountConcurrency > 256 {
		return usagef("account-concurrency: %d is outside 1-256", *accountConcurrency)
	}
	if !(*scale > 0 && *scale <= 1000) {
		return usagef("scale: %v is outside (0, 1000]", *scale)
	}
	if err := awsapi.CheckShare(*share); err != nil {
		return usagef("rate-share: %v", err)
	}
	cases, err := benchCases(*which)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cqmon bench: %s/%s, %d CPUs, %s; rate scale %v, share %v, latency 20-50 ms\n\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), *scale, *share)
	var results []benchResult
	for _, c := range cases {
		fmt.Fprintf(stderr, "bench: %s ...\n", c.name)
		r, err := runBenchCase(ctx, self, c, *scale, *share, *accountConcurrency)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		results = append(results, r)
	}
	printBench(stdout, results)
	printOrgBench(stdout, results, *accountConcurrency)
	return nil
}

func runBenchCase(ctx context.Context, self string, c benchCase, scale, share float64, accountConcurrency int) (benchResult, error) {
	dir, err := os.MkdirTemp("", "cqmon-bench")
	if err != nil {
		return benchResult{}, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "scenario.json")
	data, _ := json.Marshal(c.scenario(scale))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return benchResult{}, err
	}
	simCmd := exec.CommandContext(ctx, self, "simulate", "--listen", "127.0.0.1:0", "--scenario", path)
	out, _ := simCmd.StdoutPipe()
	var simErr bytes.Buffer
	simCmd.Stderr = &simErr
	if err := simCmd.Start(); err != nil {
		return benchResult{}, err
	}
	defer func() { _ = simCmd.Process.Kill(); _ = simCmd.Wait() }()
	url := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "export AWS_ENDPOINT_URL="); ok {
			url = u
			break
		}
	}
	if url == "" {
		_ = simCmd.Wait()
		return benchResult{}, fmt.Errorf("simulator printed no endpoint: %s", strings.TrimSpace(simErr.String()))
	}
	oneArgs := []string{"bench-one", "--endpoint", url, "--scale", fmt.Sprint(scale), "--rate-share", fmt.Sprint(share)}
	if c.accounts > 0 {
		oneArgs = append(oneArgs, "--org", "--regions", strings.Join(benchRegions[:c.regions], ","),
			"--account-concurrency", fmt.Sprint(accountConcurrency))
	}
	// The scan runs from a copy of this binary, out of the page cache:
	// run from the file the simulator also maps, its resident set would
	// count code pages the simulator touched (up to 9 MiB), which no real
	// run has.
	scanner := filepath.Join(dir, "cqmon-scan")
	if err := copyFile(self, scanner); err != nil {
		return benchResult{}, err
	}
	if err := dropPageCache(scanner); err != nil {
		return benchResult{}, fmt.Errorf("drop %s from the page cache: %w", scanner, err)
	}
	one := exec.CommandContext(ctx, scanner, oneArgs...)
	one.Stderr = os.Stderr
	res, err := one.Output()
	if err != nil {
		return benchResult{}, fmt.Errorf("bench-one: %w", err)
	}
	var r benchOne
	if err := json.Unmarshal(res, &r); err != nil {
		return benchResult{}, err
	}
	br := benchResult{name: c.name, wall: time.Duration(r.WallMS) * time.Millisecond, calls: r.Calls, throttled: r.Throttled,
		peakRSSKiB: r.PeakRSSKiB, perOp: r.PerOp, rates: r.Rates, quotas: r.Quotas, unknown: r.Unknown, scanned: r.Scanned,
		accountRegions: max(c.accounts, 1) * max(c.regions, 1)}
	if c.accounts > 0 {
		// Each account has its own budgets: the per-operation bound of
		// one account-Region is the typical case's, not this sum's.
		return br, nil
	}
	// The rate limits' lower bound: operations run in parallel, so the
	// slowest operation's calls at its budget bound the run. An operation
	// the account left idle may have been paced above the base share: its
	// budget is the highest rate it was paced at.
	took := func(op string) time.Duration {
		n := r.PerOp[op]
		if n == 0 {
			return 0
		}
		svc, name, _ := strings.Cut(op, "/")
		rps := max(awsapi.DefaultRate(svc, name)*scale*share, r.Rates[op])
		// The pacer lets one second's budget (at least one call) go at once.
		burst := max(1, int(rps))
		return time.Duration(float64(max(0, n-burst)) / rps * float64(time.Second))
	}
	for op := range r.PerOp {
		if d := took(op); d > br.lowerBound {
			br.lowerBound, br.bottleneck = d, op
		}
	}
	// One chain runs in sequence: the increase requests are listed for
	// the service codes the Service Quotas listing answered for.
	const sq = "Service Quotas/"
	chain := max(took(sq+"ListServiceQuotas"), took(sq+"ListAWSDefaultServiceQuotas")) + took(sq+"ListRequestedServiceQuotaChangeHistory")
	if chain > br.lowerBound {
		br.lowerBound, br.bottleneck = chain, "Service Quotas limits, then requests"
	}
	return br, nil
}

// benchOne is the JSON a bench-one child prints.
type benchOne struct {
	WallMS    int64          `json:"wall_ms"`
	Calls     int            `json:"calls"`
	Throttled int            `json:"throttled"`
	PerOp     map[string]int `json:"per_op"`
	// Rates holds the highest rate each operation was paced at, per second.
	Rates      map[string]float64 `json:"rates"`
	PeakRSSKiB int                `json:"peak_rss_kib"`
	Quotas     int                `json:"quotas"`
	Unknown    int                `json:"unknown"`
	Scanned    int                `json:"scanned"`
}

// benchRateFlags adds the rate flags bench passes on to bench-one.
func benchRateFlags(fs *flag.FlagSet) (scale, share *float64) {
	sc, sh := numberFlag(1), numberFlag(awsapi.DefaultShare)
	fs.Var(&sc, "scale", "multiply every rate limit (AWS's and cqmon's budget alike) to shorten long cases; figures are reported as measured")
	fs.Var(&sh, "rate-share", "share of each rate cqmon may use (0.05-1)")
	return (*float64)(&sc), (*float64)(&sh)
}

// cmdBenchOne runs one scan against a simulator and prints its cost as
// JSON; cmdBench runs it in a child process.
func cmdBenchOne(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench-one", stdout)
	endpoint := fs.String("endpoint", "", "simulator URL")
	scale, share := benchRateFlags(fs)
	org := fs.Bool("org", false, "scan every account of the simulated Organization")
	regions := listFlag{"us-east-1"}
	fs.Var(&regions, "regions", "Regions")
	accountConcurrency := fs.Int("account-concurrency", defaultBenchAccountConcurrency, "accounts at once")
	memProfile := fs.String("memprofile", "", "write a heap profile here after the scan")
	if err := parse(fs, args); err != nil {
		return err
	}
	f, err := awsapi.NewFactory(ctx, awsapi.Options{
		Region: "us-east-1", Endpoint: *endpoint, StaticCredentials: &simCredentials, Share: *share,
		Rates: func(svc, op string) float64 { return awsapi.DefaultRate(svc, op) * *scale },
	})
	if err != nil {
		return err
	}
	cfg := engine.DefaultConfig()
	cfg.Regions = regions
	e := &engine.Engine{Factory: f, Catalog: catalog.Default(), Config: cfg}
	start := time.Now()
	targets := []engine.Target{{Factory: f}}
	if *org {
		// As cqmon scan --org does.
		accounts := monitor.Accounts{Org: true}
		limitMemory(accounts)
		e.RunID = engine.NewRunID(start)
		if targets, e.CallerAccount, err = accounts.Targets(ctx, f, e.RunID); err != nil {
			return err
		}
	}
	rep, err := e.RunAccounts(ctx, targets, *accountConcurrency)
	if err != nil {
		return err
	}
	r := benchOne{WallMS: time.Since(start).Milliseconds(), PerOp: map[string]int{}, Rates: map[string]float64{}, PeakRSSKiB: peakRSS(), Scanned: rep.Scanned()}
	for _, t := range targets {
		for _, s := range t.Factory.Pacer().Stats() {
			op := s.Service + "/" + s.Operation
			r.Calls += s.Calls
			r.Throttled += s.Throttled
			r.PerOp[op] += s.Calls
			r.Rates[op] = max(r.Rates[op], s.Rate)
		}
	}
	t := rep.Totals()
	r.Quotas, r.Unknown = t.MetricsCount, t.UnknownCount
	if *memProfile != "" {
		if err := writeHeapProfile(*memProfile); err != nil {
			return err
		}
	}
	return json.NewEncoder(stdout).Encode(r)
}

// peakRSS reads the process's high-water resident set (Linux).
func peakRSS() int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kib)
			return kib
		}
	}
	return 0
}

func printBench(w io.Writer, results []benchResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\twall\tlower bound\twall/bound\tcalls\tneeded\tthrottled\tpeak RSS\tquotas\tunknown\tbottleneck\t")
	for _, r := range results {
		ratio := 0.0
		if r.lowerBound > 0 {
			ratio = r.wall.Seconds() / r.lowerBound.Seconds()
		}
		bound, vs := fmt.Sprintf("%.1fs", r.lowerBound.Seconds()), fmt.Sprintf("%.2f", ratio)
		if r.lowerBound == 0 {
			// Org cases: each account has its own budgets (see printOrgBench).
			bound, vs = "-", "-"
		}
		fmt.Fprintf(tw, "%s\t%.1fs\t%s\t%s\t%d\t%d\t%d\t%.1f MiB\t%d\t%d\t%s\t\n", r.name, r.wall.Seconds(), bound, vs,
			r.calls, r.calls-r.throttled, r.throttled, float64(r.peakRSSKiB)/1024, r.quotas, r.unknown, r.bottleneck)
	}
	tw.Flush()
	for _, r := range results {
		fmt.Fprintf(w, "\n%s: calls by operation, and the rate each was paced at\n", r.name)
		ops := make([]string, 0, len(r.perOp))
		for op := range r.perOp {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		for _, op := range ops {
			fmt.Fprintf(w, "  %-45s %6d  %7.2f/s\n", op, r.perOp[op], r.rates[op])
		}
	}
}

// copyFile copies an executable.
func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
