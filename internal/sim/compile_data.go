package sim

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Validation of the Service Quotas, metrics and behaviour sections.

func compileQuotas(w *world, sq *ServiceQuotas) error {
	for code, svc := range sq.Services {
		path := "serviceQuotas.services." + code
		qs := &quotaService{
			code: code, name: svc.Name, applied: svc.Applied, resDefaults: svc.ResourceDefaults,
			instApplied: map[string]map[string]float64{},
		}
		if qs.name == "" {
			return bad(path+".name", qs.name, "must not be empty")
		}
		known := map[string]Quota{}
		for i, q := range svc.Quotas {
			p := fmt.Sprintf("%s.quotas[%d]", path, i)
			if !quotaCodeRE.MatchString(q.Code) {
				return bad(p+".code", q.Code, "is not a quota code such as L-9A46857E")
			}
			if _, dup := known[q.Code]; dup {
				return bad(p+".code", q.Code, "is listed twice")
			}
			if q.Name == "" {
				return bad(p+".name", q.Name, "must not be empty")
			}
			if q.Default < 0 {
				return bad(p+".default", q.Default, "must not be negative")
			}
			if q.PeriodSeconds < 0 {
				return bad(p+".periodSeconds", q.PeriodSeconds, "must not be negative")
			}
			if q.Unit == "" {
				q.Unit = "None"
			}
			if q.UsageMetric != nil && (q.UsageMetric.Namespace == "" || q.UsageMetric.Name == "") {
				return bad(p+".usageMetric", *q.UsageMetric, "needs a namespace and a name")
			}
			known[q.Code] = q
			qs.quotas = append(qs.quotas, q)
		}
		for c, v := range svc.Applied {
			if _, ok := known[c]; !ok {
				return bad(path+".applied", c, "is not a quota of this service")
			}
			if math.IsNaN(v) || v < 0 {
				return bad(path+".applied."+c, v, "must not be negative")
			}
		}
		for c, v := range svc.ResourceDefaults {
			if q, ok := known[c]; !ok || !q.ResourceLevel {
				return bad(path+".resourceDefaults", c, "is not a resource-level quota of this service")
			}
			if v < 0 {
				return bad(path+".resourceDefaults."+c, v, "must not be negative")
			}
		}
		for ref, vals := range svc.InstanceApplied {
			in, ok := w.byRef[ref]
			if !ok {
				return bad(path+".instanceApplied", ref, "is not an instance id or alias")
			}
			for c, v := range vals {
				if q, ok := known[c]; !ok || !q.ResourceLevel {
					return bad(path+".instanceApplied."+ref, c, "is not a resource-level quota of this service")
				}
				if v < 0 {
					return bad(path+".instanceApplied."+ref+"."+c, v, "must not be negative")
				}
			}
			qs.instApplied[in.id] = vals
		}
		w.quotas[code] = qs
	}
	for i, code := range sq.Unavailable {
		if _, ok := sq.Services[code]; ok {
			return bad(fmt.Sprintf("serviceQuotas.unavailable[%d]", i), code, "also has quotas in serviceQuotas.services")
		}
		w.unavailable[code] = true
	}
	for i, r := range sq.Requests {
		req, err := compileRequest(w, fmt.Sprintf("serviceQuotas.requests[%d]", i), i, r)
		if err != nil {
			return err
		}
		w.requests = append(w.requests, req)
	}
	return nil
}

func compileSeries(w *world, path string, s *Series) (*series, error) {
	sr := &series{region: s.Region, namespace: s.Namespace, metric: s.Metric, dims: map[string]string{}}
	if sr.namespace == "" || sr.metric == "" {
		return nil, bad(path, s.Namespace+" "+s.Metric, "needs a namespace and a metric")
	}
	for k, v := range s.Dimensions {
		if k == "InstanceId" {
			if in, ok := w.byRef[v]; ok {
				v = in.id
				if sr.region == "" {
					sr.region = in.region
				}
			}
		}
		sr.dims[k] = v
	}
	if sr.region != "" && !slices.Contains(w.regions, sr.region) {
		return nil, bad(path+".region", sr.region, "is not in regions")
	}
	for i, p := range s.Points {
		pp := fmt.Sprintf("%s.points[%d]", path, i)
		switch {
		case (p.Ago == "") == (p.At == ""):
			return nil, bad(pp, p, "needs exactly one of ago and at")
		case p.Ago != "":
			d, err := parseDur(pp+".ago", p.Ago)
			if err != nil {
				return nil, err
			}
			sr.points = append(sr.points, seriesPoint{ago: d, value: p.Value})
		default:
			t, err := time.Parse(time.RFC3339, p.At)
			if err != nil {
				return nil, bad(pp+".at", p.At, "is not an RFC 3339 time")
			}
			sr.points = append(sr.points, seriesPoint{at: t, value: p.Value})
		}
	}
	if g := s.Generate; g != nil {
		var err error
		if sr.every, err = parseDur(path+".generate.every", g.Every); err != nil {
			return nil, err
		}
		if sr.span, err = parseDur(path+".generate.span", g.Span); err != nil {
			return nil, err
		}
		if sr.every == 0 || len(g.Values) == 0 {
			return nil, bad(path+".generate", *g, "needs a positive every and at least one value")
		}
		if sr.span/sr.every > 100_000 {
			return nil, bad(path+".generate.span", g.Span, "holds more than 100000 datapoints")
		}
		sr.values = g.Values
	}
	return sr, nil
}

func compileBehaviour(w *world, s *Scenario) error {
	for i, r := range s.Throttle.Rules {
		p := fmt.Sprintf("throttle.rules[%d]", i)
		if err := oneOf(p+".service", r.Service, scenarioServices); err != nil {
			return err
		}
		if r.Region != "" && !slices.Contains(w.regions, r.Region) {
			return bad(p+".region", r.Region, "is not in regions")
		}
		if r.Rate < 0 {
			return bad(p+".rate", r.Rate, "must not be negative")
		}
		if r.Burst < 0 {
			return bad(p+".burst", r.Burst, "must not be negative")
		}
		if r.Burst == 0 {
			r.Burst = max(1, int(math.Ceil(r.Rate)))
		}
		w.rates = append(w.rates, r)
	}
	for i, l := range s.Latency {
		p := fmt.Sprintf("latency[%d]", i)
		if l.Service != "" {
			if err := oneOf(p+".service", l.Service, scenarioServices); err != nil {
				return err
			}
		}
		lr := latencyRule{service: l.Service, op: l.Operation}
		var err error
		switch {
		case l.Fixed != "" && l.Min == "" && l.Max == "":
			if lr.min, err = parseDur(p+".fixed", l.Fixed); err != nil {
				return err
			}
			lr.max = lr.min
		case l.Fixed == "" && l.Min != "" && l.Max != "":
			if lr.min, err = parseDur(p+".min", l.Min); err != nil {
				return err
			}
			if lr.max, err = parseDur(p+".max", l.Max); err != nil {
				return err
			}
			if lr.max < lr.min {
				return bad(p+".max", l.Max, "is below min")
			}
		default:
			return bad(p, l, "needs either fixed, or min and max")
		}
		w.latency = append(w.latency, lr)
	}
	for i, f := range s.Faults {
		p := fmt.Sprintf("faults[%d]", i)
		if err := oneOf(p+".service", f.Service, scenarioServices); err != nil {
			return err
		}
		if f.Code == "" {
			return bad(p+".code", f.Code, "must not be empty")
		}
		if f.Status < 400 || f.Status > 599 {
			return bad(p+".status", f.Status, "is not an HTTP error status (400-599)")
		}
		if f.Count < 0 {
			return bad(p+".count", f.Count, "must not be negative")
		}
		if f.Region != "" && !slices.Contains(w.regions, f.Region) {
			return bad(p+".region", f.Region, "is not in regions")
		}
		if f.Instance != "" {
			in, ok := w.byRef[f.Instance]
			if !ok {
				return bad(p+".instance", f.Instance, "is not an instance id or alias")
			}
			f.Instance = in.id
		}
		if f.Message == "" {
			f.Message = f.Code
		}
		w.faults = append(w.faults, &faultRule{Fault: f})
	}
	return nil
}
