package collect

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connectcases"
	casetypes "github.com/aws/aws-sdk-go-v2/service/connectcases/types"

	"github.com/cqmon/cqmon/internal/awsapi"
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

// cases measures the Region's Cases domains and, per domain, its fields,
// layouts, templates and case rules (the quotas apply to each domain; the
// largest is reported), then the options of each single-select field.
func cases() Family {
	return Family{
		Measures: casesMeasures,
		Region: func(ctx context.Context, env *Env, _ []quota.Instance) map[Target]quota.Measurement {
			g := newGate(false)
			var domains []relatedParent
			_, err := followPages(func(tok *string) (int, *string, error) {
				var out *connectcases.ListDomainsOutput
				err := g.call("ListDomains", func() (err error) {
					out, err = env.Cases.ListDomains(ctx, &connectcases.ListDomainsInput{MaxResults: aws.Int32(casesDomainPage), NextToken: tok})
					return err
				})
				if err != nil {
					return 0, nil, err
				}
				for _, d := range out.Domains {
					domains = append(domains, relatedParent{aws.ToString(d.DomainId), fmt.Sprintf("domain %q", aws.ToString(d.Name))})
				}
				return len(out.Domains), out.NextToken, nil
			})
			if err != nil {
				return allFailed(casesMeasures, quota.Measurement{Err: fmt.Errorf("list Cases domains: %w", err)})
			}
			res := map[Target]quota.Measurement{{Measure: casesDomains}: {Value: float64(len(domains))}}

			var mu sync.Mutex
			var options []casesField
			if env.wantsAny(casesFields, casesFieldOptions) {
				res[Target{Measure: casesFields}] = maxChildren(ctx, env, "domains", domains, func(ctx context.Context, d relatedParent) (int, error) {
					return followPages(func(tok *string) (int, *string, error) {
						var out *connectcases.ListFieldsOutput
						err := g.call("ListFields", func() (err error) {
							out, err = env.Cases.ListFields(ctx, &connectcases.ListFieldsInput{DomainId: &d.id, MaxResults: aws.Int32(casesListPage), NextToken: tok})
							return err
						})
						if err != nil {
							return 0, nil, err
						}
						mu.Lock()
						for _, f := range out.Fields {
							if f.Type == casetypes.FieldTypeSingleSelect {
								options = append(options, casesField{d.id, aws.ToString(f.FieldId), fmt.Sprintf("field %q in %s", aws.ToString(f.Name), d.label)})
							}
						}
						mu.Unlock()
						return len(out.Fields), out.NextToken, nil
					})
				})
			}
			if env.wantsAny(casesLayouts) {
				res[Target{Measure: casesLayouts}] = maxChildren(ctx, env, "domains", domains, func(ctx context.Context, d relatedParent) (int, error) {
					return followPages(func(tok *string) (int, *string, error) {
						var out *connectcases.ListLayoutsOutput
						err := g.call("ListLayouts", func() (err error) {
							out, err = env.Cases.ListLayouts(ctx, &connectcases.ListLayoutsInput{DomainId: &d.id, MaxResults: aws.Int32(casesListPage), NextToken: tok})
							return err
						})
						if err != nil {
							return 0, nil, err
						}
						return len(out.Layouts), out.NextToken, nil
					})
				})
			}
			if env.wantsAny(casesTemplates) {
				res[Target{Measure: casesTemplates}] = maxChildren(ctx, env, "domains", domains, func(ctx context.Context, d relatedParent) (int, error) {
					return followPages(func(tok *string) (int, *string, error) {
						var out *connectcases.ListTemplatesOutput
						err := g.call("ListTemplates", func() (err error) {
							// Inactive templates count too; ask for both statuses.
							out, err = env.Cases.ListTemplates(ctx, &connectcases.ListTemplatesInput{
								DomainId: &d.id, MaxResults: aws.Int32(casesListPage), NextToken: tok,
								Status: []casetypes.TemplateStatus{casetypes.TemplateStatusActive, casetypes.TemplateStatusInactive},
							})
							return err
						})
						if err != nil {
							return 0, nil, err
						}
						return len(out.Templates), out.NextToken, nil
					})
				})
			}
			if env.wantsAny(casesRules) {
				res[Target{Measure: casesRules}] = maxChildren(ctx, env, "domains", domains, func(ctx context.Context, d relatedParent) (int, error) {
					return followPages(func(tok *string) (int, *string, error) {
						var out *connectcases.ListCaseRulesOutput
						err := g.call("ListCaseRules", func() (err error) {
							out, err = env.Cases.ListCaseRules(ctx, &connectcases.ListCaseRulesInput{DomainId: &d.id, MaxResults: aws.Int32(casesListPage), NextToken: tok})
							return err
						})
						if err != nil {
							return 0, nil, err
						}
						return len(out.CaseRules), out.NextToken, nil
					})
				})
			}
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
			awsapi.ErrSkipped, len(options), casesMaxOptionFields)}
	}
	// A parent's id is its index in options: field ids are unique only
	// within their domain.
	parents := make([]relatedParent, len(options))
	for i, f := range options {
		parents[i] = relatedParent{strconv.Itoa(i), f.label}
	}
	return maxChildren(ctx, env, "single-select fields", parents, func(ctx context.Context, p relatedParent) (int, error) {
		i, _ := strconv.Atoi(p.id)
		f := options[i]
		return followPages(func(tok *string) (int, *string, error) {
			var out *connectcases.ListFieldOptionsOutput
			err := g.call("ListFieldOptions", func() (err error) {
				out, err = env.Cases.ListFieldOptions(ctx, &connectcases.ListFieldOptionsInput{DomainId: &f.domain, FieldId: &f.id, MaxResults: aws.Int32(casesListPage), NextToken: tok})
				return err
			})
			if err != nil {
				return 0, nil, err
			}
			return len(out.Options), out.NextToken, nil
		})
	})
}
