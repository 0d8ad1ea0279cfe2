package main

import (
	"encoding/json"
	"io"

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

// cmdIAMPolicy prints the least-privilege policy a scan needs. The list
// comes from the collectors' API interfaces, so it cannot drift from the
// calls the code makes. A scan discovers every instance of the account, so
// the statement covers all resources.
func cmdIAMPolicy(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("iam-policy", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	doc := policyDocument{
		Version: "2012-10-17",
		Statement: []policyStatement{{
			Sid: "CqmonReadOnlyScan", Effect: "Allow", Action: collect.IAMActions(), Resource: "*",
		}},
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
