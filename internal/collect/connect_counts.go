package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// Page sizes: the largest MaxResults each operation accepts (API model),
// so a count costs as few calls as possible.
const (
	pageList1000 = 1000
	pageList100  = 100
	pageList200  = 200
	pageList25   = 25
	pageList10   = 10
	// pageSearch500 is the largest page of SearchRoutingProfiles.
	pageSearch500 = 500
)

func listSecurityProfiles(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListSecurityProfiles(ctx, &connect.ListSecurityProfilesInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.SecurityProfileSummaryList), out.NextToken, nil
}

func listContactFlows(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListContactFlows(ctx, &connect.ListContactFlowsInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.ContactFlowSummaryList), out.NextToken, nil
}

func listContactFlowModules(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListContactFlowModules(ctx, &connect.ListContactFlowModulesInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.ContactFlowModulesSummaryList), out.NextToken, nil
}

func listQuickConnects(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListQuickConnects(ctx, &connect.ListQuickConnectsInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.QuickConnectSummaryList), out.NextToken, nil
}

func listPrompts(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListPrompts(ctx, &connect.ListPromptsInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.PromptSummaryList), out.NextToken, nil
}

func listAgentStatuses(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListAgentStatuses(ctx, &connect.ListAgentStatusesInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.AgentStatusSummaryList), out.NextToken, nil
}

// listUserHierarchyGroups counts groups across all levels, which is what
// "User hierarchy groups per instance" limits (not the levels).
func listUserHierarchyGroups(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListUserHierarchyGroups(ctx, &connect.ListUserHierarchyGroupsInput{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.UserHierarchyGroupSummaryList), out.NextToken, nil
}

func listPredefinedAttributes(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListPredefinedAttributes(ctx, &connect.ListPredefinedAttributesInput{InstanceId: &id, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.PredefinedAttributeSummaryList), out.NextToken, nil
}

// listPhoneNumbers uses ListPhoneNumbersV2: the v1 call mislabels number
// types and misses numbers claimed to traffic distribution groups.
func listPhoneNumbers(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListPhoneNumbersV2(ctx, &connect.ListPhoneNumbersV2Input{InstanceId: &id, MaxResults: aws.Int32(pageList1000), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.ListPhoneNumbersSummaryList), out.NextToken, nil
}

func listLambdaFunctions(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListLambdaFunctions(ctx, &connect.ListLambdaFunctionsInput{InstanceId: &id, MaxResults: aws.Int32(pageList25), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.LambdaFunctions), out.NextToken, nil
}

// listBots counts Lex bots of one version: V1 bots, or V2 bot aliases
// (the V2 quota counts aliases associated with the instance).
func listBots(version types.LexVersion) pageFunc {
	return func(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
		out, err := c.ListBots(ctx, &connect.ListBotsInput{InstanceId: &id, LexVersion: version, MaxResults: aws.Int32(pageList25), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		return len(out.LexBots), out.NextToken, nil
	}
}

func listTaskTemplates(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListTaskTemplates(ctx, &connect.ListTaskTemplatesInput{InstanceId: &id, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.TaskTemplates), out.NextToken, nil
}

// searchEmailAddresses counts email addresses; Connect has no List call
// for them.
func searchEmailAddresses(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.SearchEmailAddresses(ctx, &connect.SearchEmailAddressesInput{InstanceId: &id, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.EmailAddresses), out.NextToken, nil
}

func listWorkspaces(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListWorkspaces(ctx, &connect.ListWorkspacesInput{InstanceId: &id, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.WorkspaceSummaryList), out.NextToken, nil
}

func listNotifications(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListNotifications(ctx, &connect.ListNotificationsInput{InstanceId: &id, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.NotificationSummaryList), out.NextToken, nil
}

func listApprovedOrigins(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListApprovedOrigins(ctx, &connect.ListApprovedOriginsInput{InstanceId: &id, MaxResults: aws.Int32(pageList25), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.Origins), out.NextToken, nil
}

func listTrafficDistributionGroups(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.ListTrafficDistributionGroups(ctx, &connect.ListTrafficDistributionGroupsInput{InstanceId: &id, MaxResults: aws.Int32(pageList10), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.TrafficDistributionGroupSummaryList), out.NextToken, nil
}

// listRules counts the rules of one event source.
func listRules(source types.EventSourceName) pageFunc {
	return func(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
		out, err := c.ListRules(ctx, &connect.ListRulesInput{InstanceId: &id, EventSourceName: source, MaxResults: aws.Int32(pageList200), NextToken: tok})
		if err != nil {
			return 0, nil, err
		}
		return len(out.RuleSummaryList), out.NextToken, nil
	}
}

func searchVocabularies(ctx context.Context, c ConnectAPI, id string, tok *string) (int, *string, error) {
	out, err := c.SearchVocabularies(ctx, &connect.SearchVocabulariesInput{InstanceId: &id, MaxResults: aws.Int32(pageList100), NextToken: tok})
	if err != nil {
		return 0, nil, err
	}
	return len(out.VocabularySummaryList), out.NextToken, nil
}
