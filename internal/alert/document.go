package alert

import (
	"encoding/json"
	"fmt"

	"github.com/cqmon/cqmon/internal/quota"
)

// DocumentVersion is the version of the machine-readable message layout.
const DocumentVersion = 1

// document is the machine-readable variant of a message, sent to SQS,
// Lambda and HTTPS subscribers; the alerts documentation (alerts.md)
// describes each field.
type document struct {
	SchemaVersion int           `json:"schema_version"`
	Kind          Kind          `json:"kind"`
	Severity      Severity      `json:"severity"`
	Subject       string        `json:"subject"`
	RunID         string        `json:"run_id,omitempty"`
	AccountID     string        `json:"account_id"`
	AccountName   string        `json:"account_name,omitempty"`
	Region        string        `json:"region"`
	InstanceID    string        `json:"instance_id,omitempty"`
	InstanceAlias string        `json:"instance_alias,omitempty"`
	Threshold     float64       `json:"threshold"`
	RecoverBelow  float64       `json:"recover_below"`
	Violations    []Item        `json:"violations"`
	Recovered     []Item        `json:"recovered"`
	Unknown       []Item        `json:"unknown"`
	Forecasts     []Item        `json:"forecasts"`
	HorizonDays   float64       `json:"horizon_days"`
	Omitted       Omitted       `json:"omitted"`
	Summary       quota.Summary `json:"summary"`
}

// JSON is the machine-readable variant of the message: its header, every
// listed item with its mark, severity and full result, and the summary.
func (m Message) JSON() ([]byte, error) {
	d := document{
		SchemaVersion: DocumentVersion, Kind: m.Kind, Severity: m.Severity, Subject: m.Subject(),
		RunID: m.RunID, AccountID: m.Account, AccountName: m.AccountName, Region: m.Region, InstanceID: m.InstanceID,
		InstanceAlias: m.InstanceAlias, Threshold: m.Threshold, RecoverBelow: m.RecoverBelow,
		Violations: nonNil(m.Violations), Recovered: nonNil(m.Recovered), Unknown: nonNil(m.Unknown),
		Forecasts: nonNil(m.Forecasts), HorizonDays: m.Horizon.Hours() / 24,
		Omitted: m.Omitted, Summary: m.Summary,
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode message: %w", err)
	}
	return b, nil
}

func nonNil(s []Item) []Item {
	if s == nil {
		return []Item{}
	}
	return s
}

// trim keeps at most keep items of each list and counts the rest in
// Omitted. Violations are ordered most severe first, so those kept are the
// ones that matter most.
func (m Message) trim(keep int) Message {
	cut := func(s []Item, omitted *int) []Item {
		if len(s) <= keep {
			return s
		}
		*omitted += len(s) - keep
		return s[:keep:keep]
	}
	m.Violations = cut(m.Violations, &m.Omitted.Violations)
	m.Recovered = cut(m.Recovered, &m.Omitted.Recovered)
	m.Unknown = cut(m.Unknown, &m.Omitted.Unknown)
	m.Forecasts = cut(m.Forecasts, &m.Omitted.Forecasts)
	return m
}

// fit returns m, trimmed as little as possible so that size(m) is at most
// limit: a message that is too long loses items, with an "and N more"
// line, rather than fail.
func fit(m Message, limit int, size func(Message) (int, error)) (Message, error) {
	n, err := size(m)
	if err != nil || n <= limit {
		return m, err
	}
	lo, hi, best := 0, max(len(m.Violations), len(m.Recovered), len(m.Unknown), len(m.Forecasts))-1, -1
	for lo <= hi {
		mid := (lo + hi) / 2
		n, err := size(m.trim(mid))
		if err != nil {
			return m, err
		}
		if n <= limit {
			best, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	if best < 0 {
		return m, fmt.Errorf("message %q is %d bytes with no items listed, over the limit of %d", m.Subject(), n, limit)
	}
	return m.trim(best), nil
}
