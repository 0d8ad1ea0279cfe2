package sim_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appintegrations"
	"github.com/aws/aws-sdk-go-v2/service/connectcases"
	"github.com/aws/aws-sdk-go-v2/service/customerprofiles"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/awsapi/connectcampaignsv2"
	"github.com/cqmon/cqmon/internal/awsapi/qconnect"
	"github.com/cqmon/cqmon/internal/awsapi/voiceid"
	"github.com/cqmon/cqmon/internal/sim"
	"github.com/cqmon/cqmon/internal/sim/simtest"
)

const relatedScenario = `{
  "account": "123456789012",
  "regions": ["us-east-1", "us-west-2"],
  "instances": [{"id": "11111111-2222-4333-8444-555555555555", "alias": "big"}],
  "services": {
    "us-east-1": {
      "cases": {"domains": [{"name": "claims", "fields": 120, "singleSelectFields": 2, "fieldOptions": {"list": [3, 101]},
                             "layouts": 4, "templates": 8, "caseRules": 1}]},
      "profiles": {"domains": [{"name": "customers", "objectTypes": 101, "integrations": 2, "eventStreams": 1,
                                "eventTriggers": 5, "calculatedAttributes": 6}]},
      "qconnect": {"assistants": [{"name": "assist", "associations": 2}],
                   "knowledgeBases": [{"name": "kb", "contents": 150, "quickResponses": 3, "messageTemplates": 4}]},
      "voiceid": {"domains": [{"name": "fraud", "watchlists": [120, 2]}]},
      "appIntegrations": {"dataIntegrations": [{"name": "crm", "associations": 51}], "eventIntegrations": [{"name": "ev", "associations": 2}],
                          "applications": 3},
      "campaigns": {"perInstance": {"big": 51}}
    },
    "us-west-2": {
      "cases": {"availability": "not_enabled"}, "profiles": {"availability": "access_denied"},
      "qconnect": {"availability": "not_in_region"}, "voiceid": {"availability": "end_of_support"},
      "appIntegrations": {"availability": "access_denied"}, "campaigns": {"availability": "not_in_region"}
    }
  },
  "throttle": {"disabled": true}
}`

// related are clients of every related service pointed at a simulator.
type related struct {
	cases     *connectcases.Client
	profiles  *customerprofiles.Client
	apps      *appintegrations.Client
	q         *qconnect.Client
	voice     *voiceid.Client
	campaigns *connectcampaignsv2.Client
}

func relatedClients(t *testing.T, sc *sim.Scenario, region string) (*related, *sim.Server) {
	t.Helper()
	srv := sim.New(sc, sim.WithoutLatency())
	url := simtest.Serve(t, srv)
	// Connection failures of a loaded machine are retried; API errors are
	// not, so the tests see each answer the simulator gives.
	retryer := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 3
			o.RateLimiter = ratelimit.None
			o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
		})
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(region), config.WithRetryer(retryer),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")))
	if err != nil {
		t.Fatal(err)
	}
	ep := aws.String(url)
	return &related{
		cases:     connectcases.NewFromConfig(cfg, func(o *connectcases.Options) { o.BaseEndpoint = ep }),
		profiles:  customerprofiles.NewFromConfig(cfg, func(o *customerprofiles.Options) { o.BaseEndpoint = ep }),
		apps:      appintegrations.NewFromConfig(cfg, func(o *appintegrations.Options) { o.BaseEndpoint = ep }),
		q:         qconnect.NewFromConfig(cfg, func(o *qconnect.Options) { o.BaseEndpoint = ep }),
		voice:     voiceid.NewFromConfig(cfg, func(o *voiceid.Options) { o.BaseEndpoint = ep }),
		campaigns: connectcampaignsv2.NewFromConfig(cfg, func(o *connectcampaignsv2.Options) { o.BaseEndpoint = ep }),
	}, srv
}

// pages counts the items and pages of a listing at page size n.
func pages(t *testing.T, page func(tok *string) (int, *string, error)) (items, calls int) {
	t.Helper()
	var tok *string
	for {
		n, next, err := page(tok)
		if err != nil {
			t.Fatalf("page %d: %v", calls+1, err)
		}
		items += n
		calls++
		if next == nil || *next == "" {
			return items, calls
		}
		tok = next
	}
}

func TestRelatedServicesPaginate(t *testing.T) {
	c, _ := relatedClients(t, scenario(t, relatedScenario), "us-east-1")
	ctx := context.Background()
	d, err := c.cases.ListDomains(ctx, &connectcases.ListDomainsInput{MaxResults: aws.Int32(10)})
	if err != nil || len(d.Domains) != 1 {
		t.Fatalf("Cases ListDomains = %v, %v", d, err)
	}
	domain := d.Domains[0].DomainId
	f, err := c.cases.ListFields(ctx, &connectcases.ListFieldsInput{DomainId: domain, MaxResults: aws.Int32(100)})
	if err != nil {
		t.Fatal(err)
	}
	field := f.Fields[1].FieldId
	a, err := c.q.ListAssistants(ctx, &qconnect.ListAssistantsInput{})
	if err != nil || len(a.AssistantSummaries) != 1 {
		t.Fatalf("ListAssistants = %v, %v", a, err)
	}
	kb, err := c.q.ListKnowledgeBases(ctx, &qconnect.ListKnowledgeBasesInput{})
	if err != nil || len(kb.KnowledgeBaseSummaries) != 1 {
		t.Fatalf("ListKnowledgeBases = %v, %v", kb, err)
	}
	vd, err := c.voice.ListDomains(ctx, &voiceid.ListDomainsInput{MaxResults: aws.Int32(10)})
	if err != nil || len(vd.DomainSummaries) != 1 || len(aws.ToString(vd.DomainSummaries[0].DomainId)) != 22 {
		t.Fatalf("Voice ID ListDomains = %+v, %v", vd, err)
	}
	vdom := vd.DomainSummaries[0].DomainId
	wl, err := c.voice.ListWatchlists(ctx, &voiceid.ListWatchlistsInput{DomainId: vdom})
	if err != nil || len(wl.WatchlistSummaries) != 2 || !aws.ToBool(wl.WatchlistSummaries[0].DefaultWatchlist) {
		t.Fatalf("ListWatchlists = %+v, %v", wl, err)
	}
	big := "11111111-2222-4333-8444-555555555555"

	type listing struct{ Items, Calls int }
	got := map[string]listing{}
	add := func(name string, page func(tok *string) (int, *string, error)) {
		i, n := pages(t, page)
		got[name] = listing{i, n}
	}
	add("cases:ListFields", func(tok *string) (int, *string, error) {
		o, err := c.cases.ListFields(ctx, &connectcases.ListFieldsInput{DomainId: domain, MaxResults: aws.Int32(100), NextToken: tok})
		return lenOr(o, err, func() int { return len(o.Fields) }), nextOr(o, func() *string { return o.NextToken }), err
	})
	add("cases:ListFieldOptions", func(tok *string) (int, *string, error) {
		o, err := c.cases.ListFieldOptions(ctx, &connectcases.ListFieldOptionsInput{DomainId: domain, FieldId: field, MaxResults: aws.Int32(100), NextToken: tok})
		return lenOr(o, err, func() int { return len(o.Options) }), nextOr(o, func() *string { return o.NextToken }), err
	})
	add("profile:ListProfileObjectTypes", func(tok *string) (int, *string, error) {
		o, err := c.profiles.ListProfileObjectTypes(ctx, &customerprofiles.ListProfileObjectTypesInput{DomainName: aws.String("customers"), MaxResults: aws.Int32(100), NextToken: tok})
		return lenOr(o, err, func() int { return len(o.Items) }), nextOr(o, func() *string { return o.NextToken }), err
	})
	add("wisdom:ListContents", func(tok *string) (int, *string, error) {
		o, err := c.q.ListContents(ctx, &qconnect.ListContentsInput{KnowledgeBaseId: kb.KnowledgeBaseSummaries[0].KnowledgeBaseId, MaxResults: aws.Int32(100), NextToken: tok})
		return lenOr(o, err, func() int { return len(o.ContentSummaries) }), nextOr(o, func() *string { return o.NextToken }), err
	})
	add("wisdom:ListAssistantAssociations", func(tok *string) (int, *string, error) {
		o, err := c.q.ListAssistantAssociations(ctx, &qconnect.ListAssistantAssociationsInput{AssistantId: a.AssistantSummaries[0].AssistantId, NextToken: tok})
		return lenOr(o, err, func() int { return len(o.AssistantAssociationSummaries) }), nextOr(o, func() *string { return o.NextToken }), err
	})
	add("voiceid:ListFraudsters", func(tok *string) (int, *string, error) {
		o, err := c.voice.ListFraudsters(ctx, &voiceid.ListFraudstersInput{DomainId: vdom, WatchlistId: wl.WatchlistSummaries[0].WatchlistId, MaxResults: aws.Int32(100), NextToken: tok})
		return lenOr(o, err, func() int { return len(o.FraudsterSummaries) }), nextOr(o, func() *string { return o.NextToken }), err
	})
	add("app-integrations:ListDataIntegrationAssociations", func(tok *string) (int, *string, error) {
		o, err := c.apps.ListDataIntegrationAssociations(ctx, &appintegrations.ListDataIntegrationAssociationsInput{DataIntegrationIdentifier: aws.String("crm"), MaxResults: aws.Int32(50), NextToken: tok})
		return lenOr(o, err, func() int { return len(o.DataIntegrationAssociations) }), nextOr(o, func() *string { return o.NextToken }), err
	})
	add("connect-campaigns:ListCampaigns", func(tok *string) (int, *string, error) {
		o, err := c.campaigns.ListCampaigns(ctx, &connectcampaignsv2.ListCampaignsInput{MaxResults: aws.Int32(50), NextToken: tok,
			Filters: &connectcampaignsv2.CampaignFilters{InstanceIdFilter: &connectcampaignsv2.InstanceIdFilter{Operator: "Eq", Value: &big}}})
		return lenOr(o, err, func() int { return len(o.CampaignSummaryList) }), nextOr(o, func() *string { return o.NextToken }), err
	})
	want := map[string]listing{
		"cases:ListFields": {120, 2}, "cases:ListFieldOptions": {101, 2}, "profile:ListProfileObjectTypes": {101, 2},
		"wisdom:ListContents": {150, 2}, "wisdom:ListAssistantAssociations": {2, 1}, "voiceid:ListFraudsters": {120, 2},
		"app-integrations:ListDataIntegrationAssociations": {51, 2}, "connect-campaigns:ListCampaigns": {51, 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("listings (-want +got):\n%s", diff)
	}
}

func lenOr[T any](o *T, err error, n func() int) int {
	if err != nil || o == nil {
		return 0
	}
	return n()
}

func nextOr[T any](o *T, next func() *string) *string {
	if o == nil {
		return nil
	}
	return next()
}

func TestRelatedServicesRejectBadPaging(t *testing.T) {
	c, _ := relatedClients(t, scenario(t, relatedScenario), "us-east-1")
	ctx := context.Background()
	_, err := c.cases.ListDomains(ctx, &connectcases.ListDomainsInput{MaxResults: aws.Int32(11)})
	if code, status := errorCode(err); code != "ValidationException" || status != 400 {
		t.Errorf("Cases ListDomains MaxResults 11 = %s %d, want ValidationException 400", code, status)
	}
	_, err = c.voice.ListDomains(ctx, &voiceid.ListDomainsInput{MaxResults: aws.Int32(11)})
	if code, _ := errorCode(err); code != "ValidationException" {
		t.Errorf("Voice ID ListDomains MaxResults 11 = %v, want ValidationException", err)
	}
	_, err = c.apps.ListDataIntegrations(ctx, &appintegrations.ListDataIntegrationsInput{MaxResults: aws.Int32(51)})
	if code, _ := errorCode(err); code != "InvalidRequestException" {
		t.Errorf("ListDataIntegrations MaxResults 51 = %v, want InvalidRequestException", err)
	}
	_, err = c.q.ListAssistants(ctx, &qconnect.ListAssistantsInput{NextToken: aws.String("forged")})
	if code, _ := errorCode(err); code != "ValidationException" {
		t.Errorf("ListAssistants with a forged token = %v, want ValidationException", err)
	}
	_, err = c.profiles.ListIntegrations(ctx, &customerprofiles.ListIntegrationsInput{DomainName: aws.String("nope")})
	if code, status := errorCode(err); code != "ResourceNotFoundException" || status != 404 {
		t.Errorf("ListIntegrations of a missing domain = %s %d", code, status)
	}
}

func TestRelatedServicesUnavailable(t *testing.T) {
	c, srv := relatedClients(t, scenario(t, relatedScenario), "us-west-2")
	ctx := context.Background()
	_, casesErr := c.cases.ListDomains(ctx, &connectcases.ListDomainsInput{})
	_, profilesErr := c.profiles.ListDomains(ctx, &customerprofiles.ListDomainsInput{})
	_, qErr := c.q.ListAssistants(ctx, &qconnect.ListAssistantsInput{})
	_, voiceErr := c.voice.ListDomains(ctx, &voiceid.ListDomainsInput{})
	_, appsErr := c.apps.ListApplications(ctx, &appintegrations.ListApplicationsInput{})
	_, campaignsErr := c.campaigns.ListCampaigns(ctx, &connectcampaignsv2.ListCampaignsInput{})
	got := map[string]string{}
	for name, err := range map[string]error{"cases": casesErr, "profile": profilesErr, "wisdom": qErr, "voiceid": voiceErr,
		"app-integrations": appsErr, "connect-campaigns": campaignsErr} {
		code, status := errorCode(err)
		got[name] = fmt.Sprintf("%s %d", code, status)
	}
	want := map[string]string{
		"cases": "ResourceNotFoundException 404", "profile": "AccessDeniedException 403", "wisdom": "UnknownOperationException 404",
		"voiceid": "UnknownOperationException 400", "app-integrations": "AccessDeniedException 403", "connect-campaigns": "UnknownOperationException 404",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	if n := srv.Stats()[simKey(sim.ServiceVoiceID, "ListDomains")].Calls; n != 1 {
		t.Errorf("Voice ID ListDomains calls = %d, want 1 (counted even when refused)", n)
	}
}

// Related services throttle through the same per-region buckets, with
// each service's documented default: Cases ListDomains is 2 rps, burst 5.
func TestRelatedServicesThrottle(t *testing.T) {
	sc := scenario(t, strings.Replace(relatedScenario, `"throttle": {"disabled": true}`, `"throttle": {}`, 1))
	c, srv := relatedClients(t, sc, "us-east-1")
	throttled := 0
	for range 8 {
		_, err := c.cases.ListDomains(context.Background(), &connectcases.ListDomainsInput{})
		if code, status := errorCode(err); code == "ThrottlingException" && status == 429 {
			throttled++
		}
	}
	if throttled < 2 || srv.Stats()[simKey(sim.ServiceCases, "ListDomains")].Throttled != throttled {
		t.Errorf("throttled = %d of 8 calls, want the calls past the burst of 5 refused", throttled)
	}
}

func TestRelatedScenarioValidation(t *testing.T) {
	tests := []struct{ services, want string }{
		{`{"us-east-1": {"cases": {"availability": "gone"}}}`, `services.us-east-1.cases.availability: "gone" is not one of`},
		{`{"eu-west-1": {}}`, `services: "eu-west-1" is not in regions`},
		{`{"us-east-1": {"profiles": {"domains": [{"name": "a"}, {"name": "a"}]}}}`, `services.us-east-1.profiles.domains[1].name: "a" is used twice`},
		{`{"us-east-1": {"cases": {"domains": [{"name": "a", "fields": 1, "singleSelectFields": 2}]}}}`, `singleSelectFields: 2 is more than fields`},
		{`{"us-east-1": {"campaigns": {"perInstance": {"nope": 1}}}}`, `services.us-east-1.campaigns.perInstance: "nope" is not an instance of this region`},
		{`{"us-east-1": {"qconnect": {"knowledgeBases": [{"name": "kb", "contents": -1}]}}}`, `services.us-east-1.qconnect.knowledgeBases[0].contents: -1 must not be negative`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			js := `{"account": "123456789012", "regions": ["us-east-1"], "instances": [{"alias": "big"}], "services": ` + tt.services + `}`
			_, err := sim.LoadScenario(strings.NewReader(js))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadScenario = %v, want an error with %q", err, tt.want)
			}
		})
	}
}
