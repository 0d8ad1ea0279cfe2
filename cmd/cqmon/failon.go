package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/quota"
)

// failOnFlag is --fail-on: the kinds of rows that make a completed run
// exit with exitFailOn. It may be repeated, and each value may be a
// comma-separated list.
type failOnFlag []quota.FailOn

func (f *failOnFlag) String() string {
	var s []string
	for _, k := range *f {
		s = append(s, string(k))
	}
	return strings.Join(s, ",")
}

func (f *failOnFlag) Set(v string) error {
	var l listFlag
	if err := l.Set(v); err != nil {
		return err
	}
	for _, s := range l {
		k, err := quota.ParseFailOn(s)
		if err != nil {
			return err
		}
		if !slices.Contains(*f, k) {
			*f = append(*f, k)
		}
	}
	return nil
}

// failOnError marks a completed run that found rows --fail-on names; it
// exits with exitFailOn.
type failOnError struct{ counts []string }

func (e failOnError) Error() string {
	return "--fail-on: found " + strings.Join(e.counts, ", ")
}

// check counts the report's rows of each kind --fail-on names. Muted
// quotas and instances never count, and singletons count as violations
// only when they alert (--alert-singletons), so a run fails exactly on
// what its alerts would call for.
func (f failOnFlag) check(rep *quota.Report, cfg alert.Config) error {
	if len(f) == 0 {
		return nil
	}
	counts := map[quota.FailOn]int{}
	count := func(rs []quota.Result, id, alias string) {
		for _, r := range rs {
			if slices.ContainsFunc(cfg.Mutes, func(m alert.Mute) bool { return m.Matches(r, id, alias) }) {
				continue
			}
			for _, k := range f {
				if k.Matches(r, cfg.AlertSingletons, cfg.Horizon) {
					counts[k]++
				}
			}
		}
	}
	for _, in := range rep.Instances {
		count(in.Metrics, in.InstanceID, in.InstanceAlias)
	}
	count(rep.Account.Metrics, "", "")
	var found []string
	for _, k := range f {
		if n := counts[k]; n > 0 {
			found = append(found, fmt.Sprintf("%d %s row(s)", n, k))
		}
	}
	if len(found) == 0 {
		return nil
	}
	return failOnError{found}
}
