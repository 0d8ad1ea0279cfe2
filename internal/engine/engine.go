package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/quota"
)

// ErrIncomplete is returned (with the report) when no Region could be
// scanned: the run did not complete.
var ErrIncomplete = errors.New("the run could not complete")

// Engine runs scans with one client factory and catalog.
type Engine struct {
	Factory *awsapi.Factory
	Catalog *catalog.Catalog
	Config  Config
	// Progress, when set, receives short progress lines.
	Progress func(format string, args ...any)
	// Now, when set, replaces the clock (tests).
	Now func() time.Time
	// RunID, when set, is the run's id (see NewRunID).
	RunID string
	// CallerAccount is the account of the run's own credentials, the
	// report's account_id when it covers several accounts.
	CallerAccount string
}

// Target is one account a run considers: scanned with Factory, or
// skipped for the reason in Skip.
type Target struct {
	// AccountID is the account's id; empty means "the account of
	// Factory's credentials", asked of STS.
	AccountID   string
	AccountName string
	// Factory builds the account's clients, with the account's
	// credentials and its own pacing budgets.
	Factory *awsapi.Factory
	// Skip, when set, is why the account is not scanned on purpose
	// (reported with status skipped): a suspended account.
	Skip string
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

func (e *Engine) progress(format string, args ...any) {
	if e.Progress != nil {
		e.Progress(format, args...)
	}
}

// Run performs one scan of the account of e.Factory's credentials. It
// returns the report even when it also returns an error: whatever was
// measured is kept.
func (e *Engine) Run(ctx context.Context) (*quota.Report, error) {
	return e.RunAccounts(ctx, []Target{{Factory: e.Factory}}, 1)
}

// accountRun is what the scan of one account gave.
type accountRun struct {
	status            quota.AccountStatus
	instances         []quota.InstanceReport
	account           []quota.Result
	errors            []quota.RunError
	verified, unknown []string
}

// scanAccount scans every Region of one account with its own factory
// (its own pacing budgets: accounts are separate throttling domains).
func (e *Engine) scanAccount(ctx context.Context, t Target, regions []string, started time.Time) accountRun {
	ar := accountRun{status: quota.AccountStatus{AccountID: t.AccountID, AccountName: t.AccountName, Status: quota.AccountOK}}
	if t.Skip != "" {
		ar.status.Status, ar.status.Reason = quota.AccountSkipped, t.Skip
		return ar
	}
	if err := t.Factory.Credentials(ctx); err != nil {
		// Listed in the run's errors too, for the table of a run of one
		// account, which has no accounts section.
		ar.status.Status, ar.status.Reason = quota.AccountError, "credentials: "+awserr.Reason(err)
		ar.errors = append(ar.errors, quota.RunError{Scope: "account", Message: ar.status.Reason})
		return ar
	}
	if ar.status.AccountID == "" {
		id, err := t.Factory.For(regions[0]).STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			ar.errors = append(ar.errors, quota.RunError{Scope: "account", Message: "identify account: " + awserr.Reason(err)})
		} else {
			ar.status.AccountID = aws.ToString(id.Account)
		}
	}
	sub := *e
	sub.Factory = t.Factory
	if t.AccountID != "" {
		sub.Progress = func(format string, args ...any) { e.progress(t.AccountID+" "+format, args...) }
	}
	var mu sync.Mutex
	var g errgroup.Group
	scanned := 0
	for _, region := range regions {
		g.Go(func() error {
			rr := sub.scanRegion(ctx, region, started)
			mu.Lock()
			defer mu.Unlock()
			ar.instances = append(ar.instances, rr.instances...)
			ar.account = append(ar.account, rr.account...)
			ar.errors = append(ar.errors, rr.errors...)
			ar.verified = append(ar.verified, rr.verified...)
			ar.unknown = append(ar.unknown, rr.unknown...)
			if rr.discovered {
				scanned++
			}
			return nil
		})
	}
	_ = g.Wait()
	id, name := ar.status.AccountID, ar.status.AccountName
	for i := range ar.instances {
		ar.instances[i].AccountID, ar.instances[i].AccountName = id, name
	}
	for i := range ar.account {
		ar.account[i].AccountID, ar.account[i].AccountName = id, name
	}
	if scanned == 0 {
		reason := "no Region could be scanned"
		for _, re := range ar.errors {
			if re.Scope == "discovery" {
				reason += ": " + re.Message
				break
			}
		}
		ar.status.Status, ar.status.Reason = quota.AccountError, reason
	}
	return ar
}

// RunAccounts scans every target, at most concurrency accounts at once,
// and merges them into one report: every instance and account-level result
// names its account, and the report's accounts list every target with its
// status. One account failing never stops the others. It returns
// ErrIncomplete (with the report) when no account could be scanned.
func (e *Engine) RunAccounts(ctx context.Context, targets []Target, concurrency int) (*quota.Report, error) {
	if err := e.Config.Validate(); err != nil {
		return nil, err
	}
	if err := CheckSkipServices(e.Catalog.Measured(), e.Config.SkipServices); err != nil {
		return nil, fmt.Errorf("skip-service: %w", err)
	}
	if concurrency < 1 {
		return nil, fmt.Errorf("account-concurrency: %d is less than 1", concurrency)
	}
	started := e.now()
	regions := e.Config.Regions
	if len(regions) == 0 {
		if e.Factory == nil || e.Factory.Region() == "" {
			return nil, fmt.Errorf("regions: none given and no default Region configured (set --regions, AWS_REGION or a profile region)")
		}
		regions = []string{e.Factory.Region()}
	}
	id := e.RunID
	if id == "" {
		id = NewRunID(started)
	}
	rep := &quota.Report{
		SchemaVersion: quota.SchemaVersion,
		RunID:         id,
		StartedAt:     started,
		Regions:       regions,
		Threshold:     e.Config.Threshold,
		Lookback:      quota.FormatDuration(e.Config.Lookback),
		Accounts:      []quota.AccountStatus{},
		Instances:     []quota.InstanceReport{},
		Account:       quota.AccountReport{Metrics: []quota.Result{}},
		Errors:        []quota.RunError{},
	}
	runs := make([]accountRun, len(targets))
	g := errgroup.Group{}
	g.SetLimit(concurrency)
	for i, t := range targets {
		g.Go(func() error {
			runs[i] = e.scanAccount(ctx, t, regions, started)
			return nil
		})
	}
	_ = g.Wait()

	verified, unknown := map[string]bool{}, map[string]bool{}
	multi := len(targets) > 1
	for _, ar := range runs {
		rep.Accounts = append(rep.Accounts, ar.status)
		rep.Instances = append(rep.Instances, ar.instances...)
		rep.Account.Metrics = append(rep.Account.Metrics, ar.account...)
		errs := mergeRegions(ar.errors)
		for i := range errs {
			if multi {
				errs[i].AccountID = ar.status.AccountID
			}
		}
		rep.Errors = append(rep.Errors, errs...)
		for _, k := range ar.verified {
			verified[k] = true
		}
		for _, k := range ar.unknown {
			unknown[k] = true
		}
	}
	if !multi {
		rep.AccountID = runs[0].status.AccountID
	} else {
		rep.AccountID = e.CallerAccount
	}
	sort.Slice(rep.Instances, func(i, j int) bool {
		a, b := rep.Instances[i], rep.Instances[j]
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.InstanceAlias < b.InstanceAlias
	})
	SortResults(rep.Account.Metrics)
	sort.SliceStable(rep.Account.Metrics, func(i, j int) bool {
		return rep.Account.Metrics[i].AccountID < rep.Account.Metrics[j].AccountID
	})
	rep.Account.Summary = quota.Summarize(rep.Account.Metrics)
	rep.Coverage = coverage(e.Catalog.All(), verified, unknown)
	rep.FinishedAt = e.now()
	if rep.Scanned() == 0 {
		what := "no Region could be scanned"
		if multi {
			what = "no account could be scanned"
		}
		return rep, fmt.Errorf("%w: %s", ErrIncomplete, what)
	}
	return rep, nil
}

// NewRunID returns a run id: the start time and a random suffix. Callers
// that need the id before the run (an assumed role's session name) make
// it first and set Engine.RunID.
func NewRunID(t time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// SortResults orders results for reading: violations first, then the
// others by utilization (highest first), unknown last; ties by name.
func SortResults(rs []quota.Result) {
	rank := func(r quota.Result) int {
		switch r.Status {
		case quota.StatusViolation:
			return 0
		case quota.StatusOK:
			return 1
		}
		return 2
	}
	util := func(r quota.Result) float64 {
		if r.Utilization == nil {
			return -1
		}
		return *r.Utilization
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		if util(a) != util(b) {
			return util(a) > util(b)
		}
		return a.QuotaName < b.QuotaName
	})
}

// mergeRegions reports a problem found the same way in several Regions (a
// catalog code Service Quotas does not know) once, naming the Regions.
func mergeRegions(errs []quota.RunError) []quota.RunError {
	type key struct{ scope, message string }
	regions := map[key][]string{}
	var order []key
	for _, e := range errs {
		k := key{e.Scope, e.Message}
		if _, ok := regions[k]; !ok {
			order = append(order, k)
		}
		if e.Region != "" {
			regions[k] = append(regions[k], e.Region)
		}
	}
	out := make([]quota.RunError, 0, len(order))
	for _, k := range order {
		rs := regions[k]
		sort.Strings(rs)
		out = append(out, quota.RunError{Region: strings.Join(rs, ","), Scope: k.scope, Message: k.message})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Region < out[j].Region })
	return out
}

// coverage is the catalog's coverage with the run's code checks: a code is
// verified when Service Quotas listed it in any Region, unknown when it
// answered for the service but listed it in none.
func coverage(defs []quota.Definition, verified, unknown map[string]bool) *quota.Coverage {
	c := quota.CoverageOf(defs)
	idx := map[string]int{}
	for i, s := range c.Services {
		idx[s.Service] = i
	}
	for _, d := range defs {
		s := &c.Services[idx[d.Service]]
		switch {
		case verified[d.Key]:
			s.CodesVerified++
		case unknown[d.Key]:
			s.CodesUnknown = append(s.CodesUnknown, d.Code)
		}
	}
	return &c
}
