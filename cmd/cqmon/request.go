package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/collect"
	"github.com/cqmon/cqmon/internal/quota"
)

// cmdRequestIncrease files a Service Quotas increase request for one
// quota, on one instance when the quota is applied per instance. Without
// --yes it prints what it would request and sends nothing.
func cmdRequestIncrease(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("request-increase", stdout)
	code := fs.String("quota", "", "quota code to raise (L-XXXXXXXX; cqmon catalog lists them)")
	instance := fs.String("instance", "", "instance id or alias, for a quota applied per instance")
	value := fs.String("value", "", "the limit to ask for; must be above the applied limit")
	region := fs.String("region", "", "Region of the quota and instance (default: the SDK's configured Region)")
	profile := fs.String("profile", "", "shared-config profile (default: the standard credential chain)")
	yes := fs.Bool("yes", false, "send the request; without it, print what would be requested and send nothing")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, want, err := increaseArgs(*code, *value, *region)
	if err != nil {
		return err
	}
	f, err := awsapi.NewFactory(ctx, awsapi.Options{Profile: *profile, Share: awsapi.DefaultShare})
	if err != nil {
		return err
	}
	if *region == "" {
		*region = f.Region()
	}
	if *region == "" {
		return usagef("region: none given and no default Region configured (set --region, AWS_REGION or a profile region)")
	}
	clients := f.For(*region)
	var in *quota.Instance
	if *instance != "" {
		all, err := collect.DiscoverInstances(ctx, clients.Connect, *region)
		if err != nil {
			return fmt.Errorf("find instance %q: %s", *instance, awserr.Reason(err))
		}
		for i := range all {
			if all[i].ID == *instance || strings.EqualFold(all[i].Alias, *instance) {
				in = &all[i]
			}
		}
		if in == nil {
			return usagef("instance: %q is neither the id nor the alias of a Connect instance in %s", *instance, *region)
		}
	}
	inc, err := collect.PlanIncrease(ctx, clients.ServiceQuotas, *region, d, in, want)
	if errors.Is(err, collect.ErrRefused) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	if !*yes {
		fmt.Fprintf(stdout, "Would request (nothing sent; add --yes to send):\n%s", inc.Describe())
		return nil
	}
	fmt.Fprintf(stdout, "Requesting:\n%s", inc.Describe())
	r, err := inc.File(ctx, clients.ServiceQuotas)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Requested: id %s, status %s", r.ID, r.Status)
	if r.CaseID != "" {
		fmt.Fprintf(stdout, ", support case %s", r.CaseID)
	}
	fmt.Fprintln(stdout)
	return nil
}

// increaseArgs checks the flags that need no call: the quota is a code
// the catalog knows and the value a positive number.
func increaseArgs(code, value, region string) (quota.Definition, float64, error) {
	if code == "" {
		return quota.Definition{}, 0, usagef("quota: required (a quota code such as L-9A46857E)")
	}
	up := strings.ToUpper(code)
	if !quota.ValidCode(up) {
		return quota.Definition{}, 0, usagef("quota: %q is not a quota code (L- and 8 hex digits)", code)
	}
	var d quota.Definition
	for _, c := range catalog.Default().All() {
		if c.Code == up {
			d = c
			break
		}
	}
	if d.Code == "" {
		return d, 0, usagef("quota: %q is not a quota cqmon knows (cqmon catalog lists them)", code)
	}
	if value == "" {
		return d, 0, usagef("value: required (the limit to ask for)")
	}
	v, err := quota.ParseNumber(value)
	if err != nil || v <= 0 {
		return d, 0, usagef("value: %q is not a positive number", value)
	}
	if region != "" && !quota.ValidRegion(region) {
		return d, 0, usagef("region: %q is not an AWS Region name (like us-east-1)", region)
	}
	return d, v, nil
}
