package report

import (
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// manyAccounts reports whether the report covers more than one account:
// then every place it names says which account.
func manyAccounts(rep *quota.Report) bool { return len(rep.Accounts) > 1 }

// inAccount prefixes a place with its account's name (or id) when the
// report covers several accounts: "prod/acme-prod".
func inAccount(rep *quota.Report, accountID, accountName, place string) string {
	if !manyAccounts(rep) {
		return place
	}
	if accountName == "" {
		accountName = accountID
	}
	return accountName + "/" + place
}

// accountParts is the account-level results of each account, in the
// report's order; one part, unnamed, when the report covers one account.
func accountParts(rep *quota.Report) []*quota.Report {
	if !manyAccounts(rep) {
		return []*quota.Report{rep}
	}
	return rep.ByAccount()
}

// accounts lists the accounts of a run that covered several, with the
// reason of each one not scanned.
func accounts(bw *errWriter, as []quota.AccountStatus) {
	n := map[quota.AccountState]int{}
	for _, a := range as {
		n[a.Status]++
	}
	bw.printf("ACCOUNTS  %d scanned, %d failed, %d skipped\n", n[quota.AccountOK], n[quota.AccountError], n[quota.AccountSkipped])
	for _, a := range as {
		bw.printf("%s\n", fitLine("  "+strings.ToUpper(string(a.Status))+strings.Repeat(" ", 9-len(a.Status))+accountLabel(a.AccountID, a.AccountName)))
		// The reason in full, on lines of its own: it is what to fix.
		for _, l := range wrap(a.Reason, Width-6) {
			bw.printf("      %s\n", l)
		}
	}
}

// wrap cuts s into lines of at most n runes at spaces (a longer word
// keeps a line of its own).
func wrap(s string, n int) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case runes(line)+1+runes(w) <= n:
			line += " " + w
		default:
			out = append(out, line)
			line = w
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// accountLabel names an account by id, and by name when it has one.
func accountLabel(id, name string) string {
	if name == "" {
		return id
	}
	return id + " (" + name + ")"
}
