package quota

import "sort"

// ServiceCoverage says, for one service, how many of its quotas cqmon
// measures, why the others are not measured, and, after a run, how many
// of its quota codes Service Quotas confirmed.
type ServiceCoverage struct {
	Service     string `json:"service"`
	ServiceCode string `json:"service_code"`
	Quotas      int    `json:"quotas"`
	Measured    int    `json:"measured"`
	// NotMeasured counts the unmeasured quotas by WhyKinds key.
	NotMeasured map[string]int `json:"not_measured"`
	// Codes is the number of quotas with a Service Quotas code.
	Codes int `json:"codes"`
	// CodesVerified counts the codes Service Quotas listed in this run
	// (only in a run's report).
	CodesVerified int `json:"codes_verified,omitempty"`
	// CodesUnknown lists the codes Service Quotas answered for the service
	// without listing (only in a run's report).
	CodesUnknown []string `json:"codes_unknown,omitempty"`
}

// Coverage is the coverage of a catalog, service by service.
type Coverage struct {
	Quotas   int               `json:"quotas"`
	Measured int               `json:"measured"`
	Services []ServiceCoverage `json:"services"`
}

// CoverageOf summarizes definitions by service, sorted by service name.
func CoverageOf(defs []Definition) Coverage {
	by := map[string]*ServiceCoverage{}
	for _, d := range defs {
		s, ok := by[d.Service]
		if !ok {
			s = &ServiceCoverage{Service: d.Service, ServiceCode: d.ServiceCode, NotMeasured: map[string]int{}}
			by[d.Service] = s
		}
		s.Quotas++
		if d.Code != "" {
			s.Codes++
		}
		if d.Measured() {
			s.Measured++
		} else {
			s.NotMeasured[d.Usage.WhyKind]++
		}
	}
	c := Coverage{Quotas: len(defs)}
	for _, s := range by {
		c.Measured += s.Measured
		c.Services = append(c.Services, *s)
	}
	sort.Slice(c.Services, func(i, j int) bool { return c.Services[i].Service < c.Services[j].Service })
	return c
}
