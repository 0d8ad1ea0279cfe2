package emf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// Limits of the specification.
const (
	// MaxMetricsPerDirective: a directive's Metrics array MUST NOT contain
	// more than 100 MetricDefinition objects.
	MaxMetricsPerDirective = 100
	// MaxDimensionsPerSet: a DimensionSet MUST NOT contain more than 30
	// dimension keys.
	MaxDimensionsPerSet = 30
	// MaxValuesPerMetric: a metric member MUST NOT hold an array of more
	// than 100 values.
	MaxValuesPerMetric = 100
	// MaxRecordBytes is CloudWatch Logs' largest log event (256 KB), which
	// an EMF document shares.
	MaxRecordBytes = 256 * 1024
	maxNameLength  = 255
	maxValueLength = 1024
)

// units are the units a MetricDefinition may name (CloudWatch's
// StandardUnit values).
var units = map[string]bool{
	"Seconds": true, "Microseconds": true, "Milliseconds": true, "Bytes": true, "Kilobytes": true,
	"Megabytes": true, "Gigabytes": true, "Terabytes": true, "Bits": true, "Kilobits": true,
	"Megabits": true, "Gigabits": true, "Terabits": true, "Percent": true, "Count": true,
	"Bytes/Second": true, "Kilobytes/Second": true, "Megabytes/Second": true, "Gigabytes/Second": true,
	"Terabytes/Second": true, "Bits/Second": true, "Kilobits/Second": true, "Megabits/Second": true,
	"Gigabits/Second": true, "Terabits/Second": true, "Count/Second": true, "None": true,
}

// document is a parsed record: its metadata and its root members.
type document struct {
	meta    metadata
	members map[string]any
}

// parse decodes a record strictly: the metadata objects may hold only the
// members the specification defines.
func parse(line []byte) (document, error) {
	var doc document
	if err := json.Unmarshal(line, &doc.members); err != nil {
		return doc, fmt.Errorf("emf: not a JSON object: %w", err)
	}
	raw, ok := doc.members["_aws"]
	if !ok {
		return doc, errors.New("emf: no _aws member")
	}
	b, _ := json.Marshal(raw)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m struct {
		Timestamp         json.RawMessage `json:"Timestamp"`
		CloudWatchMetrics *[]struct {
			Namespace  *string     `json:"Namespace"`
			Dimensions *[][]string `json:"Dimensions"`
			Metrics    *[]struct {
				Name              *string `json:"Name"`
				Unit              string  `json:"Unit"`
				StorageResolution int     `json:"StorageResolution"`
			} `json:"Metrics"`
		} `json:"CloudWatchMetrics"`
	}
	if err := dec.Decode(&m); err != nil {
		return doc, fmt.Errorf("emf: _aws: %w", err)
	}
	if m.Timestamp == nil {
		return doc, errors.New("emf: _aws.Timestamp is missing")
	}
	var ts int64
	if err := json.Unmarshal(m.Timestamp, &ts); err != nil || ts <= 0 {
		return doc, fmt.Errorf("emf: _aws.Timestamp %s is not milliseconds since the epoch", m.Timestamp)
	}
	doc.meta.Timestamp = ts
	if m.CloudWatchMetrics == nil {
		return doc, errors.New("emf: _aws.CloudWatchMetrics is missing")
	}
	for i, d := range *m.CloudWatchMetrics {
		where := fmt.Sprintf("emf: CloudWatchMetrics[%d]", i)
		if d.Namespace == nil || d.Dimensions == nil || d.Metrics == nil {
			return doc, fmt.Errorf("%s: Namespace, Dimensions and Metrics are required", where)
		}
		dir := directive{Namespace: *d.Namespace, Dimensions: *d.Dimensions}
		for j, def := range *d.Metrics {
			if def.Name == nil {
				return doc, fmt.Errorf("%s.Metrics[%d]: Name is required", where, j)
			}
			if def.Unit != "" && !units[def.Unit] {
				return doc, fmt.Errorf("%s.Metrics[%d]: Unit %q is not a CloudWatch unit", where, j, def.Unit)
			}
			if def.StorageResolution != 0 && def.StorageResolution != 1 && def.StorageResolution != 60 {
				return doc, fmt.Errorf("%s.Metrics[%d]: StorageResolution %d is not 1 or 60", where, j, def.StorageResolution)
			}
			dir.Metrics = append(dir.Metrics, definition{Name: *def.Name, Unit: def.Unit})
		}
		doc.meta.CloudWatchMetrics = append(doc.meta.CloudWatchMetrics, dir)
	}
	return doc, nil
}

// Check reports the first way a record breaks the EMF specification: a
// missing or malformed _aws block, Timestamp or directive; more than 100
// metrics in a directive or 30 dimensions in a set; a dimension or metric
// it references that is not a member of the record, a dimension value that
// is not a non-empty ASCII string, or a metric value that is not a number
// (or an array of at most 100 numbers).
func Check(line []byte) error {
	if len(line) > MaxRecordBytes {
		return fmt.Errorf("emf: record of %d bytes exceeds %d", len(line), MaxRecordBytes)
	}
	doc, err := parse(line)
	if err != nil {
		return err
	}
	if len(doc.meta.CloudWatchMetrics) == 0 {
		return errors.New("emf: _aws.CloudWatchMetrics names no directive")
	}
	for i, d := range doc.meta.CloudWatchMetrics {
		where := fmt.Sprintf("emf: CloudWatchMetrics[%d]", i)
		if d.Namespace == "" || len(d.Namespace) > maxNameLength || strings.HasPrefix(d.Namespace, "AWS/") {
			return fmt.Errorf("%s: Namespace %q is not a custom namespace of 1-%d characters", where, d.Namespace, maxNameLength)
		}
		if len(d.Metrics) == 0 || len(d.Metrics) > MaxMetricsPerDirective {
			return fmt.Errorf("%s: %d metrics, want 1-%d", where, len(d.Metrics), MaxMetricsPerDirective)
		}
		for _, set := range d.Dimensions {
			if len(set) > MaxDimensionsPerSet {
				return fmt.Errorf("%s: a dimension set of %d keys exceeds %d", where, len(set), MaxDimensionsPerSet)
			}
			for _, dim := range set {
				if err := checkDimension(doc.members, dim); err != nil {
					return fmt.Errorf("%s: %w", where, err)
				}
			}
		}
		for _, m := range d.Metrics {
			if err := checkMetric(doc.members, m.Name); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	return nil
}

func checkDimension(members map[string]any, name string) error {
	v, ok := members[name]
	if !ok {
		return fmt.Errorf("dimension %q is not a member of the record", name)
	}
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("dimension %q is %T, not a string", name, v)
	}
	if strings.TrimSpace(s) == "" || len(s) > maxValueLength {
		return fmt.Errorf("dimension %q value %q is empty or longer than %d", name, s, maxValueLength)
	}
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return fmt.Errorf("dimension %q value %q is not printable ASCII", name, s)
		}
	}
	return nil
}

func checkMetric(members map[string]any, name string) error {
	v, ok := members[name]
	if !ok {
		return fmt.Errorf("metric %q is not a member of the record", name)
	}
	switch v := v.(type) {
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("metric %q is %v", name, v)
		}
		return nil
	case []any:
		if len(v) == 0 || len(v) > MaxValuesPerMetric {
			return fmt.Errorf("metric %q holds %d values, want 1-%d", name, len(v), MaxValuesPerMetric)
		}
		for _, e := range v {
			if _, ok := e.(float64); !ok {
				return fmt.Errorf("metric %q holds %T, not a number", name, e)
			}
		}
		return nil
	}
	return fmt.Errorf("metric %q is %T, not a number", name, v)
}
