package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cqmon/cqmon/internal/quota"
)

// unknownGroup is the unknown results that share one reason.
type unknownGroup struct {
	reason    string
	note      string // the note every member shares, if any
	quotas    map[string]bool
	instances map[string]bool
	regions   map[string]bool // of account-level members
	n         int
}

// unknowns writes the unknown results grouped by reason, the group with
// the most quotas first.
func unknowns(bw *errWriter, rep *quota.Report) {
	groups := map[string]*unknownGroup{}
	each(rep, func(in *quota.InstanceReport, r quota.Result) {
		if r.Status != quota.StatusUnknown {
			return
		}
		key := reasonHead(r.Reason)
		g, ok := groups[key]
		if !ok {
			g = &unknownGroup{reason: key, note: sharedNote(r.Note), quotas: map[string]bool{}, instances: map[string]bool{}, regions: map[string]bool{}}
			groups[key] = g
		} else if g.note != sharedNote(r.Note) {
			g.note = ""
		}
		g.n++
		g.quotas[r.QuotaID()] = true
		if in != nil {
			g.instances[instanceName(*in)] = true
		} else {
			g.regions[r.Region] = true
		}
	})
	if len(groups) == 0 {
		return
	}
	list := make([]*unknownGroup, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	slices.SortFunc(list, func(a, b *unknownGroup) int {
		return cmp.Or(cmp.Compare(len(b.quotas), len(a.quotas)), cmp.Compare(b.n, a.n), cmp.Compare(a.reason, b.reason))
	})
	t := rep.Totals()
	bw.printf("\n%s\n", fitLine(fmt.Sprintf("UNKNOWN: %s could not be measured (never read as 0%%, never alerted), by reason",
		quota.Plural(t.UnknownCount, "result"))))
	rows := make([][]string, len(list))
	for i, g := range list {
		// A note all the group shares says more than the failed call
		// (Voice ID's end of support, say).
		label := g.reason
		if g.note != "" {
			label, _, _ = strings.Cut(g.note, "; ")
		}
		rows[i] = []string{quota.Plural(len(g.quotas), "quota") + " in " + g.where(), label}
	}
	_, lines, _ := layout("  ", []column{{}, {}}, rows, Width, shrink{0, 40}, shrink{1, 40}, shrink{0, 20}, shrink{1, 0})
	for _, l := range lines {
		bw.printf("%s\n", l)
	}
}

// where says where a group's results are: one instance or Region by
// name, more by number.
func (g *unknownGroup) where() string {
	name := func(set map[string]bool, word string) string {
		if len(set) == 1 {
			for k := range set {
				return k
			}
		}
		return quota.Plural(len(set), word)
	}
	switch {
	case len(g.regions) == 0:
		return name(g.instances, "instance")
	case len(g.instances) == 0:
		return name(g.regions, "Region")
	}
	return name(g.instances, "instance") + " and " + name(g.regions, "Region")
}

// reasonHead is the part of an unknown's reason that results share: the
// failure and the call, without whether the usage or the limit failed
// and without AWS's message ("not enabled: cases:ListDomains").
func reasonHead(reason string) string {
	r := strings.TrimPrefix(strings.TrimPrefix(reason, "usage: "), "limit: ")
	r = strings.TrimPrefix(r, "not measured, to save calls: ")
	if strings.HasPrefix(r, "no limit: ") {
		// Which code Service Quotas lacks matters less than that no
		// limit is known at all.
		return noLimit
	}
	if i := strings.Index(r, " ("); i > 0 {
		r = r[:i]
	}
	return r
}

// noLimit groups the unknowns whose limit neither Service Quotas nor the
// AWS documentation gives.
const noLimit = "no limit: Service Quotas has no value and AWS documents no default"

// sharedNote keeps the parts of a note that explain an unknown, leaving
// out where the limit came from (a limit an unknown does not use).
func sharedNote(note string) string {
	var keep []string
	for _, p := range strings.Split(note, "; ") {
		if p != "" && !strings.HasPrefix(p, "documented default") && !strings.HasPrefix(p, "limit is the documented default") {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "; ")
}
