package sim

import (
	"fmt"
	"regexp"
	"slices"
)

// Organization is an AWS Organization managed by the scenario's account.
// Each member account is a world of its own: its instances, counts,
// applied limits and token buckets; calls signed with a member's
// credentials (from STS AssumeRole) are answered by that member. For
// example:
//
//	"organization": {
//	  "managementName": "management",
//	  "units": [{"id": "ou-ab12-11111111", "name": "Contact centres"}],
//	  "accounts": [
//	    {"id": "222222222222", "name": "prod", "parent": "ou-ab12-11111111",
//	     "roles": [{"name": "cqmon-reader", "externalId": "k3y"}],
//	     "scenario": {"instances": [{"alias": "prod", "counts": {"users": 480}}]}},
//	    {"id": "333333333333", "name": "old", "status": "SUSPENDED"}
//	  ]
//	}
type Organization struct {
	// ID defaults to o-exampleorgid.
	ID string `json:"id,omitempty"`
	// ManagementName is the name of the scenario's own account.
	ManagementName string `json:"managementName,omitempty"`
	// Units are organizational units; a unit without Parent is under the
	// root.
	Units    []OrgUnit    `json:"units,omitempty"`
	Accounts []OrgAccount `json:"accounts"`
}

// OrgUnit is one organizational unit.
type OrgUnit struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
}

// OrgAccount is one member account.
type OrgAccount struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Status is ACTIVE (default), SUSPENDED, PENDING_CLOSURE or CLOSED.
	Status string `json:"status,omitempty"`
	// Parent is the unit the account is in; empty means the root.
	Parent string `json:"parent,omitempty"`
	// Roles the management account may assume in this account. An
	// account without the role asked for answers AccessDenied.
	Roles []OrgRole `json:"roles,omitempty"`
	// Scenario is the account's own AWS; its account defaults to ID, its
	// regions to the management scenario's, and its Service Quotas to the
	// management scenario's catalog with nothing applied. Without one the
	// account has no instances.
	Scenario *Scenario `json:"scenario,omitempty"`
}

// OrgRole is an IAM role the management account is trusted to assume.
type OrgRole struct {
	Name string `json:"name"`
	// ExternalID, when set, must be passed to AssumeRole.
	ExternalID string `json:"externalId,omitempty"`
}

const orgRoot = "r-ex4m"

var (
	orgIDRE   = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	orgUnitRE = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
	orgRoleRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// orgWorld is a compiled Organization.
type orgWorld struct {
	id, mgmt, mgmtName string
	units              []OrgUnit
	accounts           []orgMember // in scenario order, the management account first
}

type orgMember struct {
	OrgAccount
	world *world // nil for accounts that cannot be signed into
}

func compileOrganization(s *Scenario) (*orgWorld, error) {
	so := s.Organization
	o := &orgWorld{id: so.ID, mgmt: s.Account, mgmtName: so.ManagementName, units: so.Units}
	if o.id == "" {
		o.id = "o-exampleorgid"
	}
	if !orgIDRE.MatchString(o.id) {
		return nil, bad("organization.id", o.id, "is not an organization id (o- and 10-32 letters or digits)")
	}
	parents := map[string]bool{orgRoot: true, "": true}
	for i, u := range so.Units {
		path := fmt.Sprintf("organization.units[%d]", i)
		if !orgUnitRE.MatchString(u.ID) {
			return nil, bad(path+".id", u.ID, "is not an organizational unit id (ou-xxxx-xxxxxxxx)")
		}
		if parents[u.ID] {
			return nil, bad(path+".id", u.ID, "is listed twice")
		}
		parents[u.ID] = true
	}
	for i, u := range so.Units {
		if !parents[u.Parent] {
			return nil, bad(fmt.Sprintf("organization.units[%d].parent", i), u.Parent, "is not a unit of the organization")
		}
	}
	o.accounts = append(o.accounts, orgMember{OrgAccount: OrgAccount{ID: s.Account, Name: so.ManagementName, Status: "ACTIVE"}})
	seen := map[string]bool{s.Account: true}
	for i, a := range so.Accounts {
		path := fmt.Sprintf("organization.accounts[%d]", i)
		if !accountRE.MatchString(a.ID) {
			return nil, bad(path+".id", a.ID, "is not a 12-digit account id")
		}
		if seen[a.ID] {
			return nil, bad(path+".id", a.ID, "is listed twice (the management account is listed already)")
		}
		seen[a.ID] = true
		if a.Status == "" {
			a.Status = "ACTIVE"
		}
		if !slices.Contains([]string{"ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED"}, a.Status) {
			return nil, bad(path+".status", a.Status, "is not one of ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED")
		}
		if !parents[a.Parent] {
			return nil, bad(path+".parent", a.Parent, "is not a unit of the organization")
		}
		for j, r := range a.Roles {
			if !orgRoleRE.MatchString(r.Name) {
				return nil, bad(fmt.Sprintf("%s.roles[%d].name", path, j), r.Name, "is not an IAM role name")
			}
		}
		m := orgMember{OrgAccount: a}
		sc := Scenario{}
		if a.Scenario != nil {
			sc = *a.Scenario
		}
		if sc.Organization != nil {
			return nil, bad(path+".scenario.organization", "...", "is not allowed: a member account manages no organization")
		}
		if sc.Account == "" {
			sc.Account = a.ID
		}
		if sc.Account != a.ID {
			return nil, bad(path+".scenario.account", sc.Account, "differs from the account's id")
		}
		if len(sc.Regions) == 0 {
			sc.Regions = s.Regions
		}
		if sc.ServiceQuotas.Services == nil {
			sc.ServiceQuotas = catalogOnly(s.ServiceQuotas)
		}
		w, err := compile(&sc)
		if err != nil {
			return nil, fmt.Errorf("%s.scenario: %w", path, err)
		}
		m.world = w
		o.accounts = append(o.accounts, m)
	}
	return o, nil
}

// member returns an account of the Organization by id.
func (o *orgWorld) member(id string) (orgMember, bool) {
	for _, a := range o.accounts {
		if a.ID == id {
			return a, true
		}
	}
	return orgMember{}, false
}

// parentOf is the parent of an account or unit ("" means the root).
func (o *orgWorld) parentOf(a OrgAccount) string {
	if a.Parent == "" {
		return orgRoot
	}
	return a.Parent
}

// catalogOnly is a Service Quotas catalog without any applied value.
func catalogOnly(sq ServiceQuotas) ServiceQuotas {
	out := ServiceQuotas{Services: map[string]QuotaService{}, Unavailable: sq.Unavailable}
	for code, svc := range sq.Services {
		out.Services[code] = QuotaService{Name: svc.Name, Quotas: svc.Quotas}
	}
	return out
}

// OrgDemoScenario returns the scenario of "cqmon demo --org": the demo
// account as the management account of a two-account Organization whose
// member, contact-centre-prod, runs an instance near its default limits
// and lets the management account assume its cqmon-reader role.
func OrgDemoScenario() *Scenario {
	sc := DemoScenario()
	sc.Organization = &Organization{
		ManagementName: "acme-management",
		Units:          []OrgUnit{{ID: "ou-ex4m-contactc", Name: "Contact centres"}},
		Accounts: []OrgAccount{{
			ID: "222233334444", Name: "contact-centre-prod", Parent: "ou-ex4m-contactc",
			Roles: []OrgRole{{Name: "cqmon-reader"}},
			Scenario: &Scenario{Instances: []Instance{{
				Alias: "cc-prod",
				Counts: map[string]int{"users": 30, "queues": 46, "contactFlows": 96, "routingProfiles": 20,
					"securityProfiles": 10, "hoursOfOperations": 8, "quickConnects": 30, "prompts": 50, "phoneNumbers": 6},
			}, {
				Alias: "cc-prod-eu", Region: "eu-west-2",
				Counts: map[string]int{"users": 20, "queues": 12, "contactFlows": 30, "routingProfiles": 6},
			}}},
		}},
	}
	return sc
}
