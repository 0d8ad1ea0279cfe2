package alert

import (
	"fmt"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// MaxSubjectLen is the longest subject a message gets: SNS requires email
// subjects to be "less than 100 characters".
const MaxSubjectLen = 99

// Subject is the message's one-line title in the established form (existing mail
// filters match it), for example
// "Connect Quota Alert - Instance: acme-prod (2 violations)". It is
// printable ASCII and at most MaxSubjectLen long: a long alias is
// shortened, never the count.
func (m Message) Subject() string {
	head, count := "Connect Quota Alert", plural(len(m.Violations)+m.Omitted.Violations, "violation")
	switch m.Kind {
	case KindReminder:
		head = "Connect Quota Reminder"
	case KindRecovery:
		head, count = "Connect Quota Recovered", fmt.Sprintf("%d recovered", len(m.Recovered)+m.Omitted.Recovered)
	case KindForecast:
		head = "Connect Quota Forecast"
		count = fmt.Sprintf("%s full within %s", plural(len(m.Forecasts)+m.Omitted.Forecasts, "quota"), horizonText(m.Horizon))
		if n := len(m.Violations) + m.Omitted.Violations; n > 0 {
			count += ", " + plural(n, "violation")
		}
	}
	scope, name := "Instance", ascii(m.InstanceAlias)
	if name == "" {
		name = ascii(m.InstanceID)
	}
	if m.InstanceID == "" {
		scope, name = "Account", ascii(m.Account)
	}
	prefix, suffix := head+" - "+scope+": ", " ("+count+")"
	if m.NameAccount && m.InstanceID != "" {
		// Account names run to 50 characters; the alias keeps some room.
		label := ascii(m.accountLabel())
		if len(label) > 30 {
			label = label[:27] + "..."
		}
		suffix += " - " + label
	}
	if room := MaxSubjectLen - len(prefix) - len(suffix); len(name) > room {
		name = name[:max(room-3, 0)] + "..."
	}
	return prefix + name + suffix
}

// ascii keeps printable ASCII and replaces anything else with '?'.
func ascii(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Text is the message body as plain text, readable in an email client.
func (m Message) Text() string {
	var b strings.Builder
	if m.InstanceID != "" {
		alias := m.InstanceAlias
		if alias == "" {
			alias = "(no alias)"
		}
		fmt.Fprintf(&b, "Instance: %s (%s)   Region: %s   Account: %s\n", alias, m.InstanceID, m.Region, m.accountText())
	} else {
		fmt.Fprintf(&b, "Account: %s (account-level quotas)   Regions: %s\n", m.accountText(), m.Region)
	}
	fmt.Fprintf(&b, "Threshold: %s%%\n", quota.FormatNumber(m.Threshold))
	fmt.Fprintf(&b, "Violations Found: %d\n", len(m.Violations)+m.Omitted.Violations)
	if n := len(m.Recovered) + m.Omitted.Recovered; n > 0 {
		fmt.Fprintf(&b, "Recovered: %d\n", n)
	}
	if n := len(m.Forecasts) + m.Omitted.Forecasts; n > 0 {
		fmt.Fprintf(&b, "Full within %s: %d\n", horizonText(m.Horizon), n)
	}
	if len(m.Violations) > 0 || m.Omitted.Violations > 0 {
		b.WriteString("\nVIOLATIONS:\n")
		for _, it := range m.Violations {
			m.violation(&b, it)
		}
		more(&b, m.Omitted.Violations, "violation")
	}
	if len(m.Forecasts) > 0 || m.Omitted.Forecasts > 0 {
		fmt.Fprintf(&b, "\nFORECAST (under the threshold, full within %s at the current trend):\n", horizonText(m.Horizon))
		for _, it := range m.Forecasts {
			m.forecastLine(&b, it)
		}
		more(&b, m.Omitted.Forecasts, "forecast")
	}
	if len(m.Recovered) > 0 || m.Omitted.Recovered > 0 {
		fmt.Fprintf(&b, "\nRECOVERED (below %s%%):\n", quota.FormatNumber(m.RecoverBelow))
		for _, it := range m.Recovered {
			fmt.Fprintf(&b, "• %s%s: %s - recovered  [was %s, since %s]\n",
				regionTag(m, it.Result), it.Result.QuotaName, figures(it.Result), orUnknown(string(it.Previous)), day(it))
		}
		more(&b, m.Omitted.Recovered, "recovered quota")
	}
	if len(m.Unknown) > 0 || m.Omitted.Unknown > 0 {
		b.WriteString("\nUNKNOWN (could not be measured: first seen, or for a new reason; never alerts):\n")
		for _, it := range m.Unknown {
			fmt.Fprintf(&b, "• %s%s: %s", regionTag(m, it.Result), it.Result.QuotaName, brief(it.Result.Reason, 140))
			if it.Previous != "" {
				fmt.Fprintf(&b, "  [was %s since %s; alert kept]", it.Previous, day(it))
			}
			b.WriteString("\n")
		}
		more(&b, m.Omitted.Unknown, "unknown quota")
	}
	s := m.Summary
	b.WriteString("\nSUMMARY:\n")
	fmt.Fprintf(&b, "• Total quotas monitored: %d\n", s.MetricsCount)
	fmt.Fprintf(&b, "• Maximum utilization: %.1f%%\n", s.MaxUtilization)
	fmt.Fprintf(&b, "• Average utilization: %.1f%%\n", s.AvgUtilization)
	if s.UnknownCount > 0 {
		fmt.Fprintf(&b, "• Unknown: %d\n", s.UnknownCount)
	}
	fmt.Fprintf(&b, "\nSeverity bands: warning %s-85%%, high 85-90%%, critical 90-95%%, emergency 95-100%%, full at the limit, exceeded over it.\n",
		quota.FormatNumber(m.Threshold))
	if m.RunID != "" {
		fmt.Fprintf(&b, "cqmon run %s\n", m.RunID)
	}
	return b.String()
}

func (m Message) violation(b *strings.Builder, it Item) {
	r := it.Result
	tags := []string{string(it.Severity)}
	switch it.Mark {
	case MarkNew:
		tags = append(tags, "new")
	case MarkEscalated:
		tags = append(tags, fmt.Sprintf("escalated from %s", orUnknown(string(it.Previous))), "since "+day(it))
	case MarkReminder:
		tags = append(tags, "since "+day(it), "reminder")
	default:
		tags = append(tags, "since "+day(it))
	}
	fmt.Fprintf(b, "• %s%s: %s - VIOLATION  [%s]\n", regionTag(m, r), r.QuotaName, figures(r), strings.Join(tags, ", "))
	fmt.Fprintf(b, "    %s\n", strings.Join(m.violationDetail(r), "; "))
	m.increaseLink(b, r)
}

// violationDetail is where a violation's limit came from, its highest
// parent, its reason, its own threshold, whether it can be raised and
// the increase request already filed.
func (m Message) violationDetail(r quota.Result) []string {
	detail := []string{limitFrom(r.LimitSource)}
	if r.Parent != "" {
		detail = append(detail, "highest: "+r.Parent)
	}
	if r.Reason != "" {
		detail = append(detail, r.Reason)
	}
	if r.Threshold > 0 && r.Threshold != m.Threshold {
		detail = append(detail, "threshold "+quota.FormatNumber(r.Threshold)+"%")
	}
	if !r.Adjustable {
		detail = append(detail, "not adjustable: reduce usage")
	}
	return withRequest(detail, r)
}

// withRequest adds the increase request already filed for r, if any.
func withRequest(detail []string, r quota.Result) []string {
	if r.IncreaseRequest != nil {
		detail = append(detail, r.IncreaseRequest.String())
	}
	return detail
}

// increaseLink prints where to request an increase of r, unless an open
// request is already on its way: nobody should file it twice.
func (m Message) increaseLink(b *strings.Builder, r quota.Result) {
	if u := m.increaseURL(r); u != "" {
		fmt.Fprintf(b, "    Request an increase: %s\n", u)
	}
}

// increaseURL is IncreaseURL in the quota's Region, or "" while an open
// request is on its way.
func (m Message) increaseURL(r quota.Result) string {
	if r.IncreaseRequest != nil && r.IncreaseRequest.Open() {
		return ""
	}
	return IncreaseURL(r, m.regionOf(r))
}

func (m Message) regionOf(r quota.Result) string {
	if m.InstanceID == "" {
		return r.Region
	}
	return m.Region
}

// regionTag prefixes account-level items with their Region.
func regionTag(m Message, r quota.Result) string {
	if m.InstanceID != "" || r.Region == "" {
		return ""
	}
	return "[" + r.Region + "] "
}

// IncreaseURL is the Service Quotas console page where an increase of an
// adjustable quota can be requested, or "" when the quota is not
// adjustable or has no code.
func IncreaseURL(r quota.Result, region string) string { return quota.IncreaseURL(r, region) }

// figures prints "147/100 (147.0%)".
func figures(r quota.Result) string {
	usage, limit := "?", "?"
	if r.Usage != nil {
		usage = quota.FormatNumber(*r.Usage)
		if r.Approximate {
			usage = "~" + usage
		}
	}
	if r.Limit != nil {
		limit = quota.FormatNumber(*r.Limit)
	}
	if r.Utilization == nil {
		return usage + "/" + limit
	}
	return fmt.Sprintf("%s/%s (%.1f%%)", usage, limit, *r.Utilization)
}

func limitFrom(s quota.LimitSource) string {
	switch s {
	case quota.LimitInstance:
		return "Limit: applied to this instance"
	case quota.LimitAccount:
		return "Limit: applied account-wide"
	case quota.LimitAWSDefault:
		return "Limit: AWS default (no value applied)"
	case quota.LimitCatalog:
		return "Limit: documented default (Service Quotas gave no value)"
	}
	return "Limit: source unknown"
}

func more(b *strings.Builder, n int, what string) {
	if n > 0 {
		fmt.Fprintf(b, "• ... and %d more %s (left out to fit the message size limit)\n", n, strings.TrimPrefix(plural(n, what), fmt.Sprint(n)+" "))
	}
}

func day(it Item) string {
	if it.Since.IsZero() {
		return "unknown"
	}
	return it.Since.UTC().Format("2006-01-02")
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// brief shortens s to at most n runes.
func brief(s string, n int) string {
	if s == "" {
		return "no reason given"
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n-3]) + "..."
	}
	return s
}

// accountLabel is the account's name when known, else its id.
func (m Message) accountLabel() string {
	if m.AccountName != "" {
		return m.AccountName
	}
	return orUnknown(m.Account)
}

// accountText is the account as the body names it: its id, and its name
// when known.
func (m Message) accountText() string {
	if m.AccountName != "" {
		return orUnknown(m.Account) + " (" + m.AccountName + ")"
	}
	return orUnknown(m.Account)
}
