package main

import "slices"

// withAccounts adds the account to every row (after RUN in the table,
// run_id in CSV, account_id in JSON) when the rows cover more than one
// account, as a store shared by several accounts' runs does; accounts
// holds each row's. Rows of one account print as before.
func withAccounts(rows historyRows, accounts []string) historyRows {
	distinct := slices.Compact(slices.Sorted(slices.Values(slices.DeleteFunc(slices.Clone(accounts), func(a string) bool { return a == "" }))))
	if len(distinct) < 2 {
		return rows
	}
	insert := func(row []string, v string) []string { return slices.Insert(slices.Clone(row), 2, v) }
	rows.header, rows.csvHeader = insert(rows.header, "ACCOUNT"), insert(rows.csvHeader, "account_id")
	for i, a := range accounts {
		rows.cells[i], rows.records[i] = insert(rows.cells[i], historyDash(a)), insert(rows.records[i], a)
		switch v := rows.values[i].(type) {
		case runRow:
			v.AccountID = a
			rows.values[i] = v
		case pointRow:
			v.AccountID = a
			rows.values[i] = v
		}
	}
	return rows
}
