package main

import (
	"encoding/json"
	"io"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/collect"
)

// policyDocument is an IAM policy with one statement.
type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

// cmdIAMPolicy prints the least-privilege policy a scan needs, or with
// --request-increase the one request-increase needs: a separate policy,
// for people, never for the scan's or the Lambda's role. The lists come
// from the API interfaces, so they cannot drift from the calls the code
// makes. A scan discovers every instance of the account, so the statement
// covers all resources.
func cmdIAMPolicy(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("iam-policy", stdout)
	increase := fs.Bool("request-increase", false, "print the policy of cqmon request-increase (files increase requests) instead of the scan's")
	org := fs.Bool("org", false, "add what scanning other accounts takes: listing the Organization and assuming --role-name in each account")
	roleName := fs.String("role-name", awsapi.DefaultRoleName, "role assumed in the other accounts")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := awsapi.CheckRoleName(*roleName); err != nil {
		return usagef("role-name: %v", err)
	}
	st := policyStatement{Sid: "CqmonReadOnlyScan", Effect: "Allow", Action: collect.IAMActions(), Resource: "*"}
	if *increase {
		st = policyStatement{Sid: "CqmonRequestIncrease", Effect: "Allow", Action: collect.IncreaseActions(), Resource: "*"}
	}
	doc := policyDocument{Version: "2012-10-17", Statement: []policyStatement{st}}
	if *org {
		// The member accounts' role holds the scan statement; the caller
		// lists the Organization and assumes that role.
		doc.Statement = append(doc.Statement,
			policyStatement{Sid: "CqmonListOrganization", Effect: "Allow", Resource: "*",
				Action: []string{"organizations:ListAccounts", "organizations:ListAccountsForParent", "organizations:ListChildren"}},
			policyStatement{Sid: "CqmonAssumeMemberRole", Effect: "Allow", Action: []string{"sts:AssumeRole"},
				Resource: "arn:aws:iam::*:role/" + *roleName})
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
