// Package quota holds cqmon's domain types: quota definitions, the
// measurements and limits gathered for them, and the evaluated results that
// make up a report. It imports only the standard library; every adapter
// (collectors, renderers, the simulator's users) speaks in these types.
package quota

import (
	"fmt"
	"regexp"
	"sort"
)

// Scope says what one value of a quota applies to.
type Scope string

// Scopes used by the catalog.
const (
	// ScopeAccount quotas apply once per account and Region.
	ScopeAccount Scope = "account"
	// ScopeInstance quotas apply to each Amazon Connect instance.
	ScopeInstance Scope = "instance"
	// ScopeParent quotas apply to each child-owning resource inside an
	// instance (a routing profile, a queue, a user...); cqmon reports the
	// maximum over the parents and names the parent.
	ScopeParent Scope = "parent"
	// ScopeOther quotas apply to something cqmon cannot enumerate (a contact,
	// an upload, a message); they are listed in the catalog but not measured.
	ScopeOther Scope = "other"
)

// Status is the outcome of evaluating one quota.
type Status string

// Statuses of a Result.
const (
	StatusOK        Status = "ok"
	StatusViolation Status = "violation"
	// StatusUnknown means usage or limit could not be read. It is never
	// treated as 0% and never alerts.
	StatusUnknown Status = "unknown"
)

// LimitSource says where the limit of a Result came from, in the order
// cqmon tries them.
type LimitSource string

// Limit sources, most specific first.
const (
	// LimitInstance is the value Service Quotas applies to this very
	// instance (the answer's QuotaContext names the instance ARN).
	LimitInstance LimitSource = "instance"
	// LimitAccount is the applied value at account level, or the
	// resource-level value applied to every instance without its own.
	LimitAccount LimitSource = "account"
	// LimitAWSDefault is Service Quotas' AWS default value.
	LimitAWSDefault LimitSource = "aws-default"
	// LimitCatalog is the default documented in cqmon's catalog, used when
	// Service Quotas has no value (no code, or the service did not answer).
	LimitCatalog LimitSource = "catalog"
)

// UsageKind says how the usage of a quota is measured.
type UsageKind string

// Usage kinds.
const (
	// UsageCount counts resources with a List or Search API.
	UsageCount UsageKind = "count"
	// UsageMaxPerParent counts children per parent and keeps the maximum.
	UsageMaxPerParent UsageKind = "max_per_parent"
	// UsageMetric reads a peak from CloudWatch over the lookback window.
	UsageMetric UsageKind = "metric"
	// UsageNone means the usage cannot be measured; Why says why.
	UsageNone UsageKind = "none"
)

var codePattern = regexp.MustCompile(`^L-[0-9A-F]{8}$`)

// ValidCode reports whether code has the form of a Service Quotas quota
// code: "L-" followed by eight upper-case hexadecimal digits.
func ValidCode(code string) bool { return codePattern.MatchString(code) }

// Definition is one quota of the catalog.
type Definition struct {
	// Key identifies the quota inside cqmon (stable across releases); it is
	// used when a quota has no Service Quotas code.
	Key string `json:"key"`
	// Service is the AWS service's name, for grouping in the catalog.
	Service string `json:"service"`
	// ServiceCode is the Service Quotas service code (connect, cases, ...),
	// or "" for a quota that Service Quotas does not list at all.
	ServiceCode string `json:"service_code"`
	// Code is the Service Quotas quota code, or "" when AWS publishes none.
	Code string `json:"quota_code,omitempty"`
	// Name is the quota's name as Service Quotas spells it (or as the AWS
	// documentation does when the quota has no code).
	Name string `json:"quota_name"`
	// Default is the documented AWS default; nil when none is published.
	Default *float64 `json:"default"`
	// Unit is "count", "per_second", "days"...
	Unit string `json:"unit"`
	// Adjustable reports whether an increase can be requested.
	Adjustable bool `json:"adjustable"`
	// Scope says what one value applies to.
	Scope Scope `json:"scope"`
	// Parent names the parent resource kind of a ScopeParent quota.
	Parent string `json:"parent,omitempty"`
	// Usage says how the usage is measured.
	Usage Usage `json:"usage"`
}

// Usage describes how a quota's usage is measured.
type Usage struct {
	Kind UsageKind `json:"kind"`
	// Measure names the measurement a collector produces for this quota
	// (for example "connect.users"); empty for UsageNone.
	Measure string `json:"measure,omitempty"`
	// Source says in words which API or metric gives the usage.
	Source string `json:"source,omitempty"`
	// WhyKind classes Why, for coverage summaries (see WhyKinds).
	WhyKind string `json:"why_kind,omitempty"`
	// Why explains, for UsageNone, why the usage cannot be measured.
	Why string `json:"why,omitempty"`
}

// WhyKinds names the classes of reasons a quota is not measured, with the
// words reports use for them.
var WhyKinds = map[string]string{
	"no-api":    "no API lists what it counts",
	"no-metric": "no usage metric",
	"per-item":  "a limit per contact, case, profile or file: every one would have to be read",
	"setting":   "a setting or a size, not a count",
	"no-limit":  "AWS documents no limit value",
	"not-yet":   "measurable, not measured yet",
}

// PerInstance reports whether one value of the quota applies to each
// Connect instance: instance quotas, and per-parent quotas whose parents
// live inside an instance (Connect's own routing profiles, queues, users).
// The others are evaluated once per Region with the account, including the
// per-parent quotas of Connect's related services, whose parents (a Cases
// domain, a knowledge base) belong to the account.
func (d Definition) PerInstance() bool {
	switch d.Scope {
	case ScopeInstance:
		return true
	case ScopeParent:
		return d.ServiceCode == "connect"
	}
	return false
}

// Measured reports whether cqmon measures this quota's usage.
func (d Definition) Measured() bool { return d.Usage.Kind != UsageNone }

// ID is the quota's identity in reports: its code when it has one, else
// its catalog key.
func (d Definition) ID() string {
	if d.Code != "" {
		return d.Code
	}
	return d.Key
}

// String names the quota for messages.
func (d Definition) String() string {
	if d.Code != "" {
		return fmt.Sprintf("%s (%s/%s)", d.Name, d.ServiceCode, d.Code)
	}
	return fmt.Sprintf("%s (%s)", d.Name, d.ServiceCode)
}

// ServiceCodes returns the distinct service codes of the definitions that
// carry a quota code, sorted: the services whose Service Quotas values a
// run needs.
func ServiceCodes(defs []Definition) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range defs {
		if d.Code != "" && !seen[d.ServiceCode] {
			seen[d.ServiceCode] = true
			out = append(out, d.ServiceCode)
		}
	}
	sort.Strings(out)
	return out
}
