package main

import (
	"flag"
	"os"
	"runtime/debug"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/monitor"
)

// accountFlags choose the accounts of a scan.
type accountFlags struct {
	accounts    listFlag
	org         bool
	ous         multiFlag
	roleName    string
	externalID  string
	concurrency int
}

func addAccountFlags(fs *flag.FlagSet) *accountFlags {
	af := &accountFlags{roleName: awsapi.DefaultRoleName, concurrency: monitor.DefaultAccountConcurrency}
	fs.Var(&af.accounts, "accounts", "comma-separated account ids to scan (the caller's own with its credentials, the others through --role-name)")
	fs.BoolVar(&af.org, "org", false, "scan every ACTIVE account of the caller's Organization (suspended and closed ones are listed as skipped)")
	fs.Var(&af.ous, "org-ou", "limit --org to this organizational unit (ou-...) and its children; repeatable")
	fs.StringVar(&af.roleName, "role-name", af.roleName, "role assumed in every other account")
	fs.StringVar(&af.externalID, "external-id", "", "ExternalId passed to AssumeRole")
	fs.IntVar(&af.concurrency, "account-concurrency", af.concurrency, "accounts scanned at once (each has its own rate budgets)")
	return af
}

// options turns the flags into the run's account choice; the run's
// Validate names the other bad values.
func (af *accountFlags) options() (monitor.Accounts, error) {
	if af.concurrency < 1 {
		// 0 would mean the default in monitor.Accounts: say it is wrong.
		return monitor.Accounts{}, usagef("account-concurrency: %d is outside 1-256", af.concurrency)
	}
	return monitor.Accounts{IDs: af.accounts, Org: af.org || len(af.ous) > 0, OUs: splitAll(af.ous),
		RoleName: af.roleName, ExternalID: af.externalID, Concurrency: af.concurrency}, nil
}

// manyAccountsMemoryLimit is the Go runtime's soft memory limit for a run
// of several accounts. Such a run holds up to --account-concurrency
// accounts' scans at once, each with its pages in flight; what stays live
// is small (about 1.5 MB per account and Region being scanned), but the
// garbage between collections, at the default GOGC, would double it. The
// limit makes the collector run sooner instead. GOMEMLIMIT, when set,
// wins. (docs/performance.md, "Organizations")
const manyAccountsMemoryLimit = 80 << 20

// limitMemory applies manyAccountsMemoryLimit to a run of several
// accounts.
func limitMemory(a monitor.Accounts) {
	if a.Many() && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(manyAccountsMemoryLimit)
	}
}
