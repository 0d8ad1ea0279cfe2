package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// skippable lists the services a run may skip: every service whose quotas
// the catalog measures, except Amazon Connect itself, whose instances the
// run is about.
func skippable(defs []quota.Definition) []string {
	return slices.DeleteFunc(quota.ServiceCodes(defs), func(s string) bool { return s == "connect" })
}

// CheckSkipServices names the first of skips that is not a service
// whose quotas defs measure, Connect excepted.
func CheckSkipServices(defs []quota.Definition, skips []string) error {
	ok := skippable(defs)
	for _, s := range skips {
		if !slices.Contains(ok, s) {
			return fmt.Errorf("%q is not a service cqmon measures besides Connect (one of %s)", s, strings.Join(ok, ", "))
		}
	}
	return nil
}

// skips reports whether the run skips d's service.
func (c Config) skips(d quota.Definition) bool { return slices.Contains(c.SkipServices, d.ServiceCode) }

// skippedResult is the result of a quota whose service the run skips: no
// call is made for it, not even for its limit.
func (c Config) skippedResult(d quota.Definition) quota.Result {
	r := quota.Evaluate(d, quota.Measurement{Err: fmt.Errorf("service %s skipped", d.ServiceCode)}, quota.Limit{}, c.Threshold)
	r.Reason = fmt.Sprintf("not measured: service %s is skipped (skip-service)", d.ServiceCode)
	r.UnknownCause = quota.UnknownSkipped
	return r
}

// expectedUnknown marks an unknown result whose limit can never be known
// as unknown by design.
func expectedUnknown(d quota.Definition, r quota.Result) quota.Result {
	if r.Status == quota.StatusUnknown && d.LimitUnknowable() {
		r.UnknownCause = quota.UnknownByDesign
	}
	return r
}
