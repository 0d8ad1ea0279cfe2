package sim

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// RegionServices is the data of Amazon Connect's related services in one
// Region. A service left out answers with empty lists, as a service that
// is available but holds nothing does.
//
//	"services": {"us-east-1": {
//	  "cases": {"domains": [{"name": "claims", "fields": 320, "singleSelectFields": 12,
//	            "fieldOptions": {"max": 140, "others": 6}, "layouts": 8, "templates": 5, "caseRules": 3}]},
//	  "voiceid": {"availability": "end_of_support"}}}
type RegionServices struct {
	Cases           *CasesData           `json:"cases,omitempty"`
	Profiles        *ProfilesData        `json:"profiles,omitempty"`
	QConnect        *QConnectData        `json:"qconnect,omitempty"`
	VoiceID         *VoiceIDData         `json:"voiceid,omitempty"`
	AppIntegrations *AppIntegrationsData `json:"appIntegrations,omitempty"`
	Campaigns       *CampaignsData       `json:"campaigns,omitempty"`
}

// Availability values: how a service answers every call in a Region.
const (
	// Available (the default, "") serves the data.
	Available = ""
	// NotEnabled answers ResourceNotFoundException: the service was never
	// set up for the account.
	NotEnabled = "not_enabled"
	// AccessDenied answers AccessDeniedException to every call.
	AccessDenied = "access_denied"
	// NotInRegion answers UnknownOperationException, as an endpoint that
	// does not serve the API does.
	NotInRegion = "not_in_region"
	// EndOfSupport answers like NotInRegion: the API is gone (Voice ID
	// after 2026-05-20).
	EndOfSupport = "end_of_support"
)

var availabilities = []string{Available, NotEnabled, AccessDenied, NotInRegion, EndOfSupport}

// CasesData is the Amazon Connect Cases domains of a Region.
type CasesData struct {
	Availability string        `json:"availability,omitempty"`
	Domains      []CasesDomain `json:"domains,omitempty"`
}

// CasesDomain is one Cases domain and how many of each child it has. The
// first SingleSelectFields fields are single-select; FieldOptions gives
// their option counts in field order.
type CasesDomain struct {
	Name               string      `json:"name"`
	Fields             int         `json:"fields,omitempty"`
	SingleSelectFields int         `json:"singleSelectFields,omitempty"`
	FieldOptions       ChildCounts `json:"fieldOptions"`
	Layouts            int         `json:"layouts,omitempty"`
	Templates          int         `json:"templates,omitempty"`
	CaseRules          int         `json:"caseRules,omitempty"`
}

// ProfilesData is the Customer Profiles domains of a Region.
type ProfilesData struct {
	Availability string           `json:"availability,omitempty"`
	Domains      []ProfilesDomain `json:"domains,omitempty"`
}

// ProfilesDomain is one Customer Profiles domain and its child counts.
type ProfilesDomain struct {
	Name                 string `json:"name"`
	ObjectTypes          int    `json:"objectTypes,omitempty"`
	Integrations         int    `json:"integrations,omitempty"`
	EventStreams         int    `json:"eventStreams,omitempty"`
	EventTriggers        int    `json:"eventTriggers,omitempty"`
	CalculatedAttributes int    `json:"calculatedAttributes,omitempty"`
}

// QConnectData is the Amazon Q in Connect resources of a Region.
type QConnectData struct {
	Availability   string          `json:"availability,omitempty"`
	Assistants     []QAssistant    `json:"assistants,omitempty"`
	KnowledgeBases []KnowledgeBase `json:"knowledgeBases,omitempty"`
}

// QAssistant is one assistant and its number of associations.
type QAssistant struct {
	Name         string `json:"name"`
	Associations int    `json:"associations,omitempty"`
}

// KnowledgeBase is one knowledge base and its child counts.
type KnowledgeBase struct {
	Name             string `json:"name"`
	Contents         int    `json:"contents,omitempty"`
	QuickResponses   int    `json:"quickResponses,omitempty"`
	MessageTemplates int    `json:"messageTemplates,omitempty"`
}

// VoiceIDData is the Voice ID domains of a Region. Metrics of namespace
// VoiceID may name a domain by its name in the Domain dimension.
type VoiceIDData struct {
	Availability string          `json:"availability,omitempty"`
	Domains      []VoiceIDDomain `json:"domains,omitempty"`
}

// VoiceIDDomain is one domain; Watchlists gives the fraudsters of each of
// its watchlists, the default watchlist first (a domain always has it).
type VoiceIDDomain struct {
	Name       string `json:"name"`
	Watchlists []int  `json:"watchlists,omitempty"`
}

// AppIntegrationsData is the AppIntegrations resources of a Region.
type AppIntegrationsData struct {
	Availability      string             `json:"availability,omitempty"`
	DataIntegrations  []IntegrationCount `json:"dataIntegrations,omitempty"`
	EventIntegrations []IntegrationCount `json:"eventIntegrations,omitempty"`
	Applications      int                `json:"applications,omitempty"`
}

// IntegrationCount is one data or event integration and its number of
// associations.
type IntegrationCount struct {
	Name         string `json:"name"`
	Associations int    `json:"associations,omitempty"`
}

// CampaignsData is the outbound campaigns of a Region, counted per
// instance (id or alias).
type CampaignsData struct {
	Availability string         `json:"availability,omitempty"`
	PerInstance  map[string]int `json:"perInstance,omitempty"`
}

// regionServices is RegionServices after validation; nil members are
// empty services.
type regionServices struct {
	RegionServices
	campaigns map[string]int // instance id -> campaigns
}

func checkNames(path string, names []string) error {
	seen := map[string]bool{}
	for i, n := range names {
		p := fmt.Sprintf("%s[%d].name", path, i)
		if strings.TrimSpace(n) == "" {
			return bad(p, n, "must not be empty")
		}
		if seen[n] {
			return bad(p, n, "is used twice")
		}
		seen[n] = true
	}
	return nil
}

func checkCounts(path string, counts map[string]int) error {
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if counts[k] < 0 {
			return bad(path+"."+k, counts[k], "must not be negative")
		}
	}
	return nil
}

// compileServices validates the related services' data of every Region
// and resolves Voice ID domain names in VoiceID metric dimensions.
func compileServices(w *world, s *Scenario) error {
	w.services = map[string]*regionServices{}
	for region, rs := range s.Services {
		path := "services." + region
		if !slices.Contains(w.regions, region) {
			return bad("services", region, "is not in regions")
		}
		av := map[string]string{}
		if rs.Cases != nil {
			av["cases"] = rs.Cases.Availability
		}
		if rs.Profiles != nil {
			av["profiles"] = rs.Profiles.Availability
		}
		if rs.QConnect != nil {
			av["qconnect"] = rs.QConnect.Availability
		}
		if rs.VoiceID != nil {
			av["voiceid"] = rs.VoiceID.Availability
		}
		if rs.AppIntegrations != nil {
			av["appIntegrations"] = rs.AppIntegrations.Availability
		}
		if rs.Campaigns != nil {
			av["campaigns"] = rs.Campaigns.Availability
		}
		for _, name := range slices.Sorted(maps.Keys(av)) {
			if err := oneOf(path+"."+name+".availability", av[name], availabilities); err != nil {
				return err
			}
		}
		c := &regionServices{RegionServices: rs, campaigns: map[string]int{}}
		if err := compileServiceCounts(path, rs); err != nil {
			return err
		}
		if rs.Campaigns != nil {
			for ref, n := range rs.Campaigns.PerInstance {
				in, ok := w.byRef[ref]
				if !ok || in.region != region {
					return bad(path+".campaigns.perInstance", ref, "is not an instance of this region")
				}
				if n < 0 {
					return bad(path+".campaigns.perInstance."+ref, n, "must not be negative")
				}
				c.campaigns[in.id] = n
			}
		}
		w.services[region] = c
	}
	for _, sr := range w.series {
		if sr.namespace != "VoiceID" {
			continue
		}
		if rs := w.services[sr.region]; rs != nil && rs.VoiceID != nil {
			for _, d := range rs.VoiceID.Domains {
				if sr.dims["Domain"] == d.Name {
					sr.dims["Domain"] = voiceIDDomainID(sr.region, d.Name)
				}
			}
		}
	}
	return nil
}

func compileServiceCounts(path string, rs RegionServices) error {
	var names []string
	if d := rs.Cases; d != nil {
		names = names[:0]
		for i, dom := range d.Domains {
			names = append(names, dom.Name)
			p := fmt.Sprintf("%s.cases.domains[%d]", path, i)
			if err := checkCounts(p, map[string]int{"fields": dom.Fields, "singleSelectFields": dom.SingleSelectFields,
				"layouts": dom.Layouts, "templates": dom.Templates, "caseRules": dom.CaseRules, "fieldOptions.others": dom.FieldOptions.Others}); err != nil {
				return err
			}
			if dom.SingleSelectFields > dom.Fields {
				return bad(p+".singleSelectFields", dom.SingleSelectFields, "is more than fields")
			}
		}
		if err := checkNames(path+".cases.domains", names); err != nil {
			return err
		}
	}
	if d := rs.Profiles; d != nil {
		names = names[:0]
		for i, dom := range d.Domains {
			names = append(names, dom.Name)
			if err := checkCounts(fmt.Sprintf("%s.profiles.domains[%d]", path, i), map[string]int{"objectTypes": dom.ObjectTypes,
				"integrations": dom.Integrations, "eventStreams": dom.EventStreams, "eventTriggers": dom.EventTriggers,
				"calculatedAttributes": dom.CalculatedAttributes}); err != nil {
				return err
			}
		}
		if err := checkNames(path+".profiles.domains", names); err != nil {
			return err
		}
	}
	if d := rs.QConnect; d != nil {
		names = names[:0]
		for i, a := range d.Assistants {
			names = append(names, a.Name)
			if err := checkCounts(fmt.Sprintf("%s.qconnect.assistants[%d]", path, i), map[string]int{"associations": a.Associations}); err != nil {
				return err
			}
		}
		if err := checkNames(path+".qconnect.assistants", names); err != nil {
			return err
		}
		names = names[:0]
		for i, kb := range d.KnowledgeBases {
			names = append(names, kb.Name)
			if err := checkCounts(fmt.Sprintf("%s.qconnect.knowledgeBases[%d]", path, i), map[string]int{"contents": kb.Contents,
				"quickResponses": kb.QuickResponses, "messageTemplates": kb.MessageTemplates}); err != nil {
				return err
			}
		}
		if err := checkNames(path+".qconnect.knowledgeBases", names); err != nil {
			return err
		}
	}
	if d := rs.VoiceID; d != nil {
		names = names[:0]
		for i, dom := range d.Domains {
			names = append(names, dom.Name)
			for j, n := range dom.Watchlists {
				if n < 0 {
					return bad(fmt.Sprintf("%s.voiceid.domains[%d].watchlists[%d]", path, i, j), n, "must not be negative")
				}
			}
		}
		if err := checkNames(path+".voiceid.domains", names); err != nil {
			return err
		}
	}
	if d := rs.AppIntegrations; d != nil {
		for _, list := range []struct {
			name  string
			items []IntegrationCount
		}{{"dataIntegrations", d.DataIntegrations}, {"eventIntegrations", d.EventIntegrations}} {
			names = names[:0]
			for i, it := range list.items {
				names = append(names, it.Name)
				if err := checkCounts(fmt.Sprintf("%s.appIntegrations.%s[%d]", path, list.name, i), map[string]int{"associations": it.Associations}); err != nil {
					return err
				}
			}
			if err := checkNames(path+".appIntegrations."+list.name, names); err != nil {
				return err
			}
		}
		if d.Applications < 0 {
			return bad(path+".appIntegrations.applications", d.Applications, "must not be negative")
		}
	}
	return nil
}
