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

// Run performs one scan. It returns the report even when it also returns
// an error: whatever was measured is kept.
func (e *Engine) Run(ctx context.Context) (*quota.Report, error) {
	if err := e.Config.Validate(); err != nil {
		return nil, err
	}
	if err := CheckSkipServices(e.Catalog.Measured(), e.Config.SkipServices); err != nil {
		return nil, fmt.Errorf("skip-service: %w", err)
	}
	started := e.now()
	regions := e.Config.Regions
	if len(regions) == 0 {
		if e.Factory.Region() == "" {
			return nil, fmt.Errorf("regions: none given and no default Region configured (set --regions, AWS_REGION or a profile region)")
		}
		regions = []string{e.Factory.Region()}
	}
	rep := &quota.Report{
		SchemaVersion: quota.SchemaVersion,
		RunID:         runID(started),
		StartedAt:     started,
		Regions:       regions,
		Threshold:     e.Config.Threshold,
		Lookback:      quota.FormatDuration(e.Config.Lookback),
		Instances:     []quota.InstanceReport{},
		Account:       quota.AccountReport{Metrics: []quota.Result{}},
		Errors:        []quota.RunError{},
	}
	id, err := e.Factory.For(regions[0]).STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		rep.Errors = append(rep.Errors, quota.RunError{Scope: "account", Message: "identify account: " + awsapi.Reason(err)})
	} else {
		rep.AccountID = aws.ToString(id.Account)
	}

	var mu sync.Mutex
	var g errgroup.Group
	scanned := 0
	verified, unknown := map[string]bool{}, map[string]bool{}
	for _, region := range regions {
		g.Go(func() error {
			rr := e.scanRegion(ctx, region, started)
			mu.Lock()
			defer mu.Unlock()
			rep.Instances = append(rep.Instances, rr.instances...)
			rep.Account.Metrics = append(rep.Account.Metrics, rr.account...)
			rep.Errors = append(rep.Errors, rr.errors...)
			for _, k := range rr.verified {
				verified[k] = true
			}
			for _, k := range rr.unknown {
				unknown[k] = true
			}
			if rr.discovered {
				scanned++
			}
			return nil
		})
	}
	_ = g.Wait()

	sort.Slice(rep.Instances, func(i, j int) bool {
		a, b := rep.Instances[i], rep.Instances[j]
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.InstanceAlias < b.InstanceAlias
	})
	SortResults(rep.Account.Metrics)
	rep.Account.Summary = quota.Summarize(rep.Account.Metrics)
	rep.Errors = mergeRegions(rep.Errors)
	rep.Coverage = coverage(e.Catalog.All(), verified, unknown)
	rep.FinishedAt = e.now()
	if scanned == 0 {
		return rep, fmt.Errorf("%w: no Region could be scanned", ErrIncomplete)
	}
	return rep, nil
}

func runID(t time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return t.Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
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
