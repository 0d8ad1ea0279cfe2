package main

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/report"
)

// tableFlags choose what the table output shows.
type tableFlags struct {
	all    countFlag
	filter report.Filter
}

func addTableFlags(fs *flag.FlagSet) *tableFlags {
	tf := &tableFlags{}
	fs.Var(&tf.all, "all", "table: every quota, not the summary; twice: also the idle API request rates")
	fs.Func("instance", "table: only this instance (ID or alias), or account for account-level quotas", func(v string) error {
		if v = strings.TrimSpace(v); v == "" {
			return fmt.Errorf("%q names no instance", v)
		}
		tf.filter.Instance = v
		return nil
	})
	fs.Func("status", "table: only quotas with this status: "+strings.Join(report.Statuses, ", "), func(v string) (err error) {
		tf.filter.Status, err = report.ParseStatus(v)
		return err
	})
	fs.Func("quota", "table: only this quota: code (L-...), catalog key, or name glob such as 'Rate of *'", func(v string) (err error) {
		tf.filter.Quota, err = report.ParseQuota(v)
		return err
	})
	return tf
}

// check refuses filters with an output they do not apply to.
func (tf *tableFlags) check(output outputFlag) error {
	if output == "table" || (tf.all == 0 && tf.filter.Empty()) {
		return nil
	}
	name := "all"
	switch {
	case tf.filter.Instance != "":
		name = "instance"
	case tf.filter.Status != "":
		name = "status"
	case tf.filter.Quota != "":
		name = "quota"
	}
	return usagef("%s: applies to the table output; --output %s prints the whole report", name, output)
}

// countFlag is a boolean flag that counts how often it is given.
type countFlag int

func (c *countFlag) String() string { return strconv.Itoa(int(*c)) }

// IsBoolFlag lets the flag be given without a value.
func (c *countFlag) IsBoolFlag() bool { return true }

func (c *countFlag) Set(v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("%q is not true or false", v)
	}
	if b {
		*c++
	} else {
		*c = 0
	}
	return nil
}

// alertsOf is the table's account of the alerting step.
func alertsOf(specs []alert.Spec, out alert.Outcome, rep *quota.Report) *report.Alerts {
	a := &report.Alerts{}
	for _, s := range specs {
		a.Channels = append(a.Channels, s.String())
	}
	aliases := map[string]string{}
	for _, in := range rep.Instances {
		aliases[in.InstanceID] = in.InstanceAlias
	}
	about := func(id, region string) string {
		if id == "" {
			return "account " + rep.AccountID
		}
		name := aliases[id]
		if name == "" {
			name = id
		}
		return name + " (" + region + ")"
	}
	for _, m := range out.Delivered {
		what := about(m.InstanceID, m.Region)
		if len(rep.Accounts) > 1 {
			// Each account's messages name their own account.
			what = "account " + m.Account
			if m.InstanceID != "" {
				what = accountOrName(m) + "/" + about(m.InstanceID, m.Region)
			}
		}
		a.Sent = append(a.Sent, report.Alert{Kind: string(m.Kind), About: what, News: news(m)})
	}
	for _, f := range out.Failures {
		a.Failed = append(a.Failed, fmt.Sprintf("%s %s to %s: %v", f.Kind, about(f.InstanceID, ""), f.Channel, f.Err))
	}
	return a
}

// news sums a message up: "10 violations: 9 new, 1 escalated; 1 recovered".
func news(m alert.Message) string {
	var parts []string
	if n := len(m.Violations) + m.Omitted.Violations; n > 0 {
		marks := map[alert.Mark]int{}
		for _, it := range m.Violations {
			marks[it.Mark]++
		}
		var told []string
		for _, k := range []alert.Mark{alert.MarkNew, alert.MarkEscalated, alert.MarkReminder, alert.MarkOngoing} {
			if marks[k] > 0 {
				told = append(told, fmt.Sprintf("%d %s", marks[k], k))
			}
		}
		s := quota.Plural(n, "violation")
		if len(told) > 0 {
			s += ": " + strings.Join(told, ", ")
		}
		parts = append(parts, s)
	}
	if n := len(m.Forecasts) + m.Omitted.Forecasts; n > 0 {
		parts = append(parts, quota.Plural(n, "forecast")+" to reach the limit")
	}
	if n := len(m.Recovered) + m.Omitted.Recovered; n > 0 {
		parts = append(parts, fmt.Sprintf("%d recovered", n))
	}
	return strings.Join(parts, "; ")
}

// stdoutNamed reports whether the stdout channel was asked for by name,
// not only by default: its messages are then printed in full.
func stdoutNamed(notify []string) bool {
	return slices.Contains(splitAll(notify), "stdout")
}

// accountOrName is a message's account name, or its id.
func accountOrName(m alert.Message) string {
	if m.AccountName != "" {
		return m.AccountName
	}
	return m.Account
}
