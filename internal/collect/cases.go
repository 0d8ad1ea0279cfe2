package collect

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connectcases"
	casetypes "github.com/aws/aws-sdk-go-v2/service/connectcases/types"

	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/quota"
)

// CasesAPI is the part of Amazon Connect Cases cqmon calls.
type CasesAPI interface {
	ListDomains(context.Context, *connectcases.ListDomainsInput, ...func(*connectcases.Options)) (*connectcases.ListDomainsOutput, error)
	ListFields(context.Context, *connectcases.ListFieldsInput, ...func(*connectcases.Options)) (*connectcases.ListFieldsOutput, error)
	ListLayouts(context.Context, *connectcases.ListLayoutsInput, ...func(*connectcases.Options)) (*connectcases.ListLayoutsOutput, error)
	ListTemplates(context.Context, *connectcases.ListTemplatesInput, ...func(*connectcases.Options)) (*connectcases.ListTemplatesOutput, error)
	ListCaseRules(context.Context, *connectcases.ListCaseRulesInput, ...func(*connectcases.Options)) (*connectcases.ListCaseRulesOutput, error)
	ListFieldOptions(context.Context, *connectcases.ListFieldOptionsInput, ...func(*connectcases.Options)) (*connectcases.ListFieldOptionsOutput, error)
}

// Cases page sizes: ListDomains accepts at most 10, the per-domain lists 100.
const (
	casesDomainPage = 10
	casesListPage   = 100
)

// casesMaxOptionFields bounds the ListFieldOptions fan-out: one call (or
// more) per single-select field of every domain, at 6 calls a second
// shared by the account. Above it the quota is reported not measured.
const casesMaxOptionFields = 100

// Cases measures.
const (
	casesDomains      = "cases.domains"
	casesFields       = "cases.fields_per_domain"
	casesLayouts      = "cases.layouts_per_domain"
	casesTemplates    = "cases.templates_per_domain"
	casesRules        = "cases.case_rules_per_domain"
	casesFieldOptions = "cases.field_options_per_field"
)

var casesMeasures = []string{casesDomains, casesFields, casesLayouts, casesTemplates, casesRules, casesFieldOptions}

// casesField is a single-select field, the only type with options.
type casesField struct {
	domain, id, label string
}

// casesListings are the per-domain listings of Cases. The fields listing
// also hands each single-select field to onSelect, for the options quota,
// which needs it even when the fields quota is not needed.
func casesListings(onSelect func(casesField)) []listing[CasesAPI] {
	return []listing[CasesAPI]{
		{measure: casesFields, op: "ListFields", alsoFor: []string{casesFieldOptions}, page: func(ctx context.Context, api CasesAPI, d parent, tok *string) (int, *string, error) {
			out, err := api.ListFields(ctx, &connectcases.ListFieldsInput{DomainId: &d.id, MaxResults: aws.Int32(casesListPage), NextToken: tok})
			if err != nil {
				return 0, nil, err
			}
			for _, f := range out.Fields {
				if f.Type == casetypes.FieldTypeSingleSelect {
					onSelect(casesField{d.id, aws.ToString(f.FieldId), fmt.Sprintf("field %q in %s", aws.ToString(f.Name), d.label)})
				}
			}
			return len(out.Fields), out.NextToken, nil
		}},
		{measure: casesLayouts, op: "ListLayouts", page: func(ctx context.Context, api CasesAPI, d parent, tok *string) (int, *string, error) {
			out, err := api.ListLayouts(ctx, &connectcases.ListLayoutsInput{DomainId: &d.id, MaxResults: aws.Int32(casesListPage), NextToken: tok})
			if err != nil {
				return 0, nil, err
			}
			return len(out.Layouts), out.NextToken, nil
		}},
		// Inactive templates count too; ask for both statuses.
		{measure: casesTemplates, op: "ListTemplates", page: func(ctx context.Context, api CasesAPI, d parent, tok *string) (int, *string, error) {
			out, err := api.ListTemplates(ctx, &connectcases.ListTemplatesInput{
				DomainId: &d.id, MaxResults: aws.Int32(casesListPage), NextToken: tok,
				Status: []casetypes.TemplateStatus{casetypes.TemplateStatusActive, casetypes.TemplateStatusInactive},
			})
			if err != nil {
				return 0, nil, err
			}
			return len(out.Templates), out.NextToken, nil
		}},
		{measure: casesRules, op: "ListCaseRules", page: func(ctx context.Context, api CasesAPI, d parent, tok *string) (int, *string, error) {
			out, err := api.ListCaseRules(ctx, &connectcases.ListCaseRulesInput{DomainId: &d.id, MaxResults: aws.Int32(casesListPage), NextToken: tok})
			if err != nil {
				return 0, nil, err
			}
			return len(out.CaseRules), out.NextToken, nil
		}},
	}
}

// cases measures the Region's Cases domains and, per domain, its fields,
// layouts, templates and case rules (the quotas apply to each domain; the
// largest is reported), then the options of each single-select field.
func cases() Family {
	return Family{
		Measures: casesMeasures,
		Region: func(ctx context.Context, env *Env, _ []quota.Instance) map[Target]quota.Measurement {
			g := newGate(false)
			var domains []parent
			_, err := gatedPages(g, "ListDomains", func(tok *string) (int, *string, error) {
				out, err := env.Cases.ListDomains(ctx, &connectcases.ListDomainsInput{MaxResults: aws.Int32(casesDomainPage), NextToken: tok})
				if err != nil {
					return 0, nil, err
				}
				for _, d := range out.Domains {
					domains = append(domains, parent{aws.ToString(d.DomainId), fmt.Sprintf("domain %q", aws.ToString(d.Name))})
				}
				return len(out.Domains), out.NextToken, nil
			})
			if err != nil {
				return allFailed(casesMeasures, quota.Measurement{Err: fmt.Errorf("list Cases domains: %w", err)})
			}
			res := map[Target]quota.Measurement{{Measure: casesDomains}: {Value: float64(len(domains))}}

			var mu sync.Mutex
			var options []casesField
			onSelect := func(f casesField) {
				mu.Lock()
				defer mu.Unlock()
				options = append(options, f)
			}
			largestPerParent(ctx, env, g, env.Cases, "domains", domains, casesListings(onSelect), res)
			if env.wantsAny(casesFieldOptions) {
				res[Target{Measure: casesFieldOptions}] = casesOptions(ctx, env, g, res[Target{Measure: casesFields}], options)
			}
			return res
		},
	}
}

// casesOptions reads the options of every single-select field, if the
// fields could all be listed and there are few enough of them.
func casesOptions(ctx context.Context, env *Env, g *gate, fields quota.Measurement, options []casesField) quota.Measurement {
	if fields.Err != nil {
		return quota.Measurement{Err: fields.Err}
	}
	if len(options) > casesMaxOptionFields {
		return quota.Measurement{Err: fmt.Errorf("%w: %d single-select fields would take one ListFieldOptions call each, more than the %d cqmon reads",
			awserr.ErrSkipped, len(options), casesMaxOptionFields)}
	}
	// A parent's id is its index in options: field ids are unique only
	// within their domain.
	parents := make([]parent, len(options))
	for i, f := range options {
		parents[i] = parent{strconv.Itoa(i), f.label}
	}
	return largestOf(ctx, env, "single-select fields", parents, func(ctx context.Context, p parent) (int, error) {
		i, _ := strconv.Atoi(p.id)
		f := options[i]
		return gatedPages(g, "ListFieldOptions", func(tok *string) (int, *string, error) {
			out, err := env.Cases.ListFieldOptions(ctx, &connectcases.ListFieldOptionsInput{DomainId: &f.domain, FieldId: &f.id, MaxResults: aws.Int32(casesListPage), NextToken: tok})
			if err != nil {
				return 0, nil, err
			}
			return len(out.Options), out.NextToken, nil
		})
	})
}
