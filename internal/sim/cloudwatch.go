package sim

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// CloudWatch speaks Smithy RPCv2 CBOR (the SDK's default since v1.75):
// POST /service/GraniteServiceVersion20100801/operation/<Operation> with a
// CBOR body. The service is awsQuery-compatible, so errors carry the awsQuery
// code in x-amzn-query-error, which the SDK reports as the error code.

const (
	cloudWatchPathPrefix = "/service/GraniteServiceVersion20100801/operation/"
	cloudWatchNamespace  = "com.amazonaws.cloudwatch#"
	maxMetricQueries     = 500
	// defaultMaxDatapoints is the API's MaxDatapoints default.
	defaultMaxDatapoints = 100_800
)

// cloudWatchModeled are the error shapes of the CloudWatch model with their
// awsQuery codes.
var cloudWatchModeled = map[string]string{
	"InvalidNextToken":               "InvalidNextToken",
	"ValidationException":            "ValidationError",
	"InvalidParameterValueException": "InvalidParameterValue",
}

func cloudWatchError(shape, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: shape, queryCode: cloudWatchModeled[shape], msg: msg}
}

func (s *Server) serveCloudWatch(rw http.ResponseWriter, req *request) {
	rid := s.requestID()
	op, ok := strings.CutPrefix(req.r.URL.Path, cloudWatchPathPrefix)
	if !ok || op != "GetMetricData" || req.r.Method != http.MethodPost {
		s.record(ServiceCloudWatch, "UnknownOperation")
		writeCBORError(rw, rid, &apiError{status: http.StatusNotFound, code: "UnknownOperationException",
			queryCode: "UnknownOperationException", msg: "Unknown operation " + req.r.URL.Path})
		return
	}
	if e := s.admit(req.r.Context(), callInfo{service: ServiceCloudWatch, op: op, region: req.region}); e != nil {
		writeCBORError(rw, rid, e)
		return
	}
	v, err := cbor.Decode(req.body)
	body, isMap := v.(cbor.Map)
	if err != nil || !isMap {
		writeCBORError(rw, rid, &apiError{status: http.StatusBadRequest, code: "SerializationException", msg: "request body is not a CBOR map"})
		return
	}
	out, e := s.getMetricData(body, req.region)
	if e != nil {
		writeCBORError(rw, rid, e)
		return
	}
	rw.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	rw.Header().Set("Content-Type", "application/cbor")
	rw.Header().Set("X-Amzn-RequestId", rid)
	rw.WriteHeader(http.StatusOK)
	_, _ = rw.Write(cbor.Encode(out))
}

func writeCBORError(rw http.ResponseWriter, rid string, e *apiError) {
	typ := e.code
	if _, ok := cloudWatchModeled[e.code]; ok {
		typ = cloudWatchNamespace + e.code
	}
	rw.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	rw.Header().Set("Content-Type", "application/cbor")
	rw.Header().Set("X-Amzn-RequestId", rid)
	if e.queryCode != "" {
		fault := "Sender"
		if e.status >= 500 {
			fault = "Receiver"
		}
		rw.Header().Set("X-Amzn-Query-Error", e.queryCode+";"+fault)
	}
	rw.WriteHeader(e.status)
	_, _ = rw.Write(cbor.Encode(cbor.Map{"__type": cbor.String(typ), "message": cbor.String(e.msg)}))
}

// metricQuery is one decoded MetricDataQuery.
type metricQuery struct {
	id, label, namespace, metric, stat string
	dims                               map[string]string
	period                             int64
	returnData                         bool
}

func str(m cbor.Map, k string) string {
	if s, ok := m[k].(cbor.String); ok {
		return string(s)
	}
	return ""
}

func decodeQuery(v cbor.Value) (metricQuery, *apiError) {
	m, _ := v.(cbor.Map)
	q := metricQuery{id: str(m, "Id"), label: str(m, "Label"), dims: map[string]string{}, returnData: true}
	if b, ok := m["ReturnData"].(cbor.Bool); ok {
		q.returnData = bool(b)
	}
	if str(m, "Expression") != "" {
		return q, cloudWatchError("InvalidParameterValueException", fmt.Sprintf("The simulator does not evaluate expressions (query %s).", q.id))
	}
	ms, ok := m["MetricStat"].(cbor.Map)
	if !ok {
		return q, cloudWatchError("ValidationException", fmt.Sprintf("Query %s needs a MetricStat.", q.id))
	}
	metric, _ := ms["Metric"].(cbor.Map)
	q.namespace, q.metric, q.stat = str(metric, "Namespace"), str(metric, "MetricName"), str(ms, "Stat")
	if dl, ok := metric["Dimensions"].(cbor.List); ok {
		for _, d := range dl {
			dm, _ := d.(cbor.Map)
			q.dims[str(dm, "Name")] = str(dm, "Value")
		}
	}
	p, err := cbor.AsInt64(ms["Period"])
	if err != nil || p < 1 {
		return q, cloudWatchError("ValidationException", fmt.Sprintf("The parameter MetricStat.Period of query %s must be a positive number of seconds.", q.id))
	}
	q.period = p
	if !slices.Contains([]string{"Maximum", "Minimum", "Sum", "Average", "SampleCount"}, q.stat) {
		return q, cloudWatchError("InvalidParameterValueException", fmt.Sprintf("The simulator does not support the statistic %q.", q.stat))
	}
	if q.label == "" {
		q.label = q.metric
	}
	return q, nil
}

type metricResult struct {
	q      metricQuery
	times  []time.Time
	values []float64
}

func (s *Server) getMetricData(body cbor.Map, region string) (cbor.Map, *apiError) {
	list, _ := body["MetricDataQueries"].(cbor.List)
	if len(list) == 0 || len(list) > maxMetricQueries {
		return nil, cloudWatchError("ValidationException", fmt.Sprintf("1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length less than or equal to %d and greater than or equal to 1", maxMetricQueries))
	}
	start, err1 := cbor.AsTime(body["StartTime"])
	end, err2 := cbor.AsTime(body["EndTime"])
	if err1 != nil || err2 != nil || !start.Before(end) {
		return nil, cloudWatchError("ValidationException", "The parameter StartTime must be less than the parameter EndTime.")
	}
	maxDP := int64(defaultMaxDatapoints)
	if v, ok := body["MaxDatapoints"]; ok {
		if n, err := cbor.AsInt64(v); err == nil && n > 0 {
			maxDP = n
		}
	}
	ascending := str(body, "ScanBy") == "TimestampAscending"
	now := s.now()
	var results []metricResult
	ids := make([]string, 0, len(list))
	for _, v := range list {
		q, e := decodeQuery(v)
		if e != nil {
			return nil, e
		}
		if slices.Contains(ids, q.id) || q.id == "" {
			return nil, cloudWatchError("ValidationException", fmt.Sprintf("The value %q for the Id of a query is missing or not unique.", q.id))
		}
		ids = append(ids, q.id)
		if q.returnData {
			results = append(results, s.evaluate(q, region, start, end, now, ascending))
		}
	}
	scope := fmt.Sprintf("%s|%d|%d|%s", region, start.UnixMilli(), end.UnixMilli(), strings.Join(ids, ","))
	off := 0
	if tok := str(body, "NextToken"); tok != "" {
		var ok bool
		if off, ok = decodeToken("GetMetricData", scope, tok); !ok {
			return nil, cloudWatchError("InvalidNextToken", "The service returned an invalid next token.")
		}
	}
	qi, pi := off>>32, off&(1<<32-1)
	if qi > len(results) {
		return nil, cloudWatchError("InvalidNextToken", "The service returned an invalid next token.")
	}
	out := cbor.List{}
	budget := maxDP
	for qi < len(results) {
		r := results[qi]
		take := min(int64(len(r.times)-pi), budget)
		status := "Complete"
		if int64(len(r.times)-pi) > take {
			status = "PartialData"
		}
		out = append(out, resultValue(r, pi, pi+int(take), status))
		budget -= take
		if status == "PartialData" {
			pi += int(take)
			break
		}
		qi, pi = qi+1, 0
		if budget == 0 {
			break
		}
	}
	resp := cbor.Map{"MetricDataResults": out, "Messages": cbor.List{}}
	if qi < len(results) {
		resp["NextToken"] = cbor.String(encodeToken("GetMetricData", scope, qi<<32|pi))
	}
	return resp, nil
}

func resultValue(r metricResult, from, to int, status string) cbor.Value {
	ts, vs := cbor.List{}, cbor.List{}
	for i := from; i < to; i++ {
		ts = append(ts, &cbor.Tag{ID: 1, Value: cbor.Float64(epoch(r.times[i]))})
		vs = append(vs, cbor.Float64(r.values[i]))
	}
	return cbor.Map{"Id": cbor.String(r.q.id), "Label": cbor.String(r.q.label), "Timestamps": ts,
		"Values": vs, "StatusCode": cbor.String(status), "Messages": cbor.List{}}
}

// evaluate aggregates the datapoints of the series matching q into
// period-aligned buckets within [start, end).
func (s *Server) evaluate(q metricQuery, region string, start, end, now time.Time, ascending bool) metricResult {
	buckets := map[int64][]float64{}
	for _, sr := range s.w.series {
		if (sr.region != "" && sr.region != region) || sr.namespace != q.namespace || sr.metric != q.metric || !sameDims(sr.dims, q.dims) {
			continue
		}
		sr.each(now, func(t time.Time, v float64) {
			if !t.Before(start) && t.Before(end) {
				b := t.Unix() - mod(t.Unix(), q.period)
				buckets[b] = append(buckets[b], v)
			}
		})
	}
	keys := make([]int64, 0, len(buckets))
	for k := range buckets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !ascending {
		slices.Reverse(keys)
	}
	r := metricResult{q: q}
	for _, k := range keys {
		r.times = append(r.times, time.Unix(k, 0))
		r.values = append(r.values, statistic(q.stat, buckets[k]))
	}
	return r
}

func mod(a, b int64) int64 { return ((a % b) + b) % b }

func sameDims(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// each calls fn for every datapoint of the series as of now.
func (sr *series) each(now time.Time, fn func(time.Time, float64)) {
	for _, p := range sr.points {
		if p.at.IsZero() {
			fn(now.Add(-p.ago), p.value)
		} else {
			fn(p.at, p.value)
		}
	}
	if sr.every > 0 {
		n := int(sr.span / sr.every)
		base := now.Truncate(sr.every).Add(-sr.span)
		for j := range n {
			fn(base.Add(time.Duration(j)*sr.every), sr.values[j%len(sr.values)])
		}
	}
}

func statistic(stat string, vs []float64) float64 {
	switch stat {
	case "SampleCount":
		return float64(len(vs))
	case "Maximum":
		return slices.Max(vs)
	case "Minimum":
		return slices.Min(vs)
	}
	sum := 0.0
	for _, v := range vs {
		sum += v
	}
	if stat == "Average" {
		return math.Round(sum/float64(len(vs))*1e6) / 1e6
	}
	return sum
}
