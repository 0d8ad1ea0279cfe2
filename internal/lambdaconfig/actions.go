package lambdaconfig

import (
	"slices"

	"github.com/cqmon/cqmon/internal/collect"
)

// RequiredActions returns every IAM action the function's code calls with
// configuration c, sorted: the scan's read-only actions, the writes and
// reads of the enabled stores, publishing alerts, and the KMS calls that
// an encrypted topic, table or bucket needs.
func RequiredActions(c Config) []string {
	out := collect.IAMActions()
	if c.UseDynamoDB {
		// BatchWriteItem writes the points and deletes recovered alert
		// states; PutItem writes the run item; Query reads the alert
		// memory (docs/history.md).
		out = append(out, "dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:Query")
	}
	if c.UseS3 {
		// GetObject reads the alert memory before it is rewritten;
		// without ListBucket a missing object answers 403, not 404.
		out = append(out, "s3:GetObject", "s3:ListBucket", "s3:PutObject")
	}
	if c.TopicARN != "" {
		out = append(out, "sns:Publish")
	}
	if c.KMSKeyID != "" {
		out = append(out, "kms:Decrypt", "kms:GenerateDataKey")
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// PlatformActions returns the actions Lambda itself takes with the
// function's role rather than the code: writing its log stream, sending a
// failed asynchronous event to the dead-letter queue, and, in a VPC,
// managing the function's network interfaces.
func PlatformActions(vpc bool) []string {
	out := []string{"logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"}
	if vpc {
		out = append(out,
			"ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
			"ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses")
	}
	slices.Sort(out)
	return out
}

// HubActions returns the actions of the function in an organization mode
// (deploy/cqmon.yaml OrganizationMode), beyond RequiredActions: assuming
// the member role in the other accounts and, when the run lists the
// Organization's accounts itself, reading that list.
func HubActions(listOrganization bool) []string {
	out := []string{"sts:AssumeRole"}
	if listOrganization {
		out = append(out, "organizations:ListAccounts", "organizations:ListAccountsForParent", "organizations:ListChildren")
	}
	slices.Sort(out)
	return out
}
