package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// kind describes one Connect resource kind that a scenario gives as a count.
type kind struct {
	arnType string   // resource type in the instance-scoped ARN, "" if none
	name    string   // prefix of generated names
	first   []string // names of the first items, as a new instance has them
}

var kinds = map[string]kind{
	"users":                     {arnType: "agent", name: "user"},
	"agentQueues":               {arnType: "queue", name: "agent-queue"},
	"queues":                    {arnType: "queue", name: "queue", first: []string{"BasicQueue"}},
	"securityProfiles":          {arnType: "security-profile", name: "security-profile", first: []string{"Admin", "Agent", "CallCenterManager", "QualityAnalyst"}},
	"contactFlows":              {arnType: "contact-flow", name: "flow", first: []string{"Default inbound", "Default outbound", "Default queue transfer", "Default agent transfer", "Default customer queue"}},
	"contactFlowModules":        {arnType: "flow-module", name: "module"},
	"routingProfiles":           {arnType: "routing-profile", name: "routing-profile", first: []string{"Basic Routing Profile"}},
	"hoursOfOperations":         {arnType: "operating-hours", name: "hours", first: []string{"Basic Hours"}},
	"quickConnects":             {arnType: "transfer-destination", name: "quick-connect"},
	"prompts":                   {arnType: "prompt", name: "prompt", first: []string{"Beep.wav", "CustomerHold.wav", "CustomerQueue.wav"}},
	"agentStatuses":             {arnType: "agent-state", name: "status", first: []string{"Available", "Offline"}},
	"userHierarchyGroups":       {arnType: "agent-group", name: "group"},
	"predefinedAttributes":      {name: "attribute"},
	"phoneNumbers":              {name: "phone-number"},
	"lambdaFunctions":           {name: "connect-fn"},
	"lexBots":                   {name: "LexBot"},
	"lexV2BotAliases":           {name: "bot-alias"},
	"taskTemplates":             {arnType: "task-template", name: "task-template"},
	"dataTables":                {arnType: "data-table", name: "data-table"},
	"workspaces":                {arnType: "workspace", name: "workspace"},
	"notifications":             {arnType: "notification", name: "notification"},
	"approvedOrigins":           {name: "origin"},
	"trafficDistributionGroups": {name: "tdg"},
	"evaluationForms":           {arnType: "evaluation-form", name: "evaluation-form"},
	"vocabularies":              {arnType: "vocabulary", name: "vocabulary"},
	"emailAddresses":            {arnType: "email-address", name: "email"},
	"views":                     {arnType: "view", name: "view"},
}

// childParents maps each child kind to the kind of its parents.
var childParents = map[string]string{
	"routingProfileQueues":                 "routingProfiles",
	"routingProfileManualAssignmentQueues": "routingProfiles",
	"queueQuickConnects":                   "queues",
	"queueEmailAddresses":                  "queues",
	"userProficiencies":                    "users",
	"hoursOfOperationOverrides":            "hoursOfOperations",
	"dataTableAttributes":                  "dataTables",
	"dataTableValues":                      "dataTables",
	"evaluationFormVersions":               "evaluationForms",
}

// derivedUUID makes a stable UUID-shaped id from a seed.
func derivedUUID(seed string) string {
	h := sha256.Sum256([]byte(seed))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-4" + x[13:16] + "-a" + x[17:20] + "-" + x[20:32]
}

// res is item number idx of a kind on an instance.
type res struct {
	in   *instance
	kind string
	idx  int
}

// prefix returns the first two UUID groups shared by every item of a kind on
// an instance; the index fills the last group so that ids decode cheaply.
func itemPrefix(in *instance, kind string) string {
	h := sha256.Sum256([]byte(in.id + "/" + kind))
	x := hex.EncodeToString(h[:6])
	return x[0:8] + "-" + x[8:12] + "-4000-8000-"
}

func (r res) id() string { return fmt.Sprintf("%s%012x", itemPrefix(r.in, r.kind), r.idx) }

func (r res) arn() string {
	k := kinds[r.kind]
	if k.arnType == "" {
		return ""
	}
	return fmt.Sprintf("%s/%s/%s", r.in.arn, k.arnType, r.id())
}

func (r res) name() string {
	k := kinds[r.kind]
	if r.idx < len(k.first) {
		return k.first[r.idx]
	}
	return fmt.Sprintf("%s-%05d", k.name, r.idx+1)
}

// modified is a stable last-modified time between creation and a year later.
func (r res) modified() time.Time {
	return r.in.created.Add(time.Duration(r.idx%365) * 24 * time.Hour)
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1e3 }

// lookup decodes an id of the given kind on in, reporting its index.
func lookup(in *instance, kind, id string) (int, bool) {
	p := itemPrefix(in, kind)
	rest, ok := strings.CutPrefix(id, p)
	if !ok || len(rest) != 12 {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 16, 48)
	if err != nil || int(n) >= in.counts[kind] {
		return 0, false
	}
	return int(n), true
}

// childCount is the number of children the parent with index idx has.
func (in *instance) childCount(child string, idx int) int {
	c, ok := in.children[child]
	if !ok {
		return 0
	}
	if idx < len(c.List) {
		return c.List[idx]
	}
	return c.Others
}

// segment is a run of n items built on demand.
type segment struct {
	n    int
	item func(i int) any
}

// vlist is a list whose items exist only when a page asks for them.
type vlist []segment

func (v vlist) len() int {
	n := 0
	for _, s := range v {
		n += s.n
	}
	return n
}

// slice returns the items [from, to).
func (v vlist) slice(from, to int) []any {
	out := make([]any, 0, max(0, to-from))
	base := 0
	for _, s := range v {
		for i := max(from-base, 0); i < s.n && base+i < to; i++ {
			out = append(out, s.item(i))
		}
		base += s.n
	}
	return out
}

// window keeps the first n items.
func (v vlist) window(n int) vlist {
	var out vlist
	for _, s := range v {
		if n <= 0 {
			break
		}
		s.n = min(s.n, n)
		n -= s.n
		out = append(out, s)
	}
	return out
}

// kindList lists every item of a kind on an instance through shape.
func kindList(in *instance, kind string, shape func(res) any) vlist {
	return vlist{{n: in.counts[kind], item: func(i int) any { return shape(res{in, kind, i}) }}}
}

// Pagination tokens carry an offset and a signature over the operation and
// the request's scope (region, instance, parent, filters), so that a token
// is rejected by any other operation, instance or filter, as AWS does.

func tokenSig(op, scope string, off int) string {
	h := sha256.Sum256([]byte(op + "\x00" + scope + "\x00" + strconv.Itoa(off)))
	return hex.EncodeToString(h[:8])
}

func encodeToken(op, scope string, off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1." + strconv.Itoa(off) + "." + tokenSig(op, scope, off)))
}

// decodeToken returns the offset in token, or false if the token was not
// issued for this operation and scope.
func decodeToken(op, scope, token string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return 0, false
	}
	off, err := strconv.Atoi(parts[1])
	if err != nil || off < 0 || parts[2] != tokenSig(op, scope, off) {
		return 0, false
	}
	return off, true
}

// page returns at most size items of v starting at the token's offset and
// the token of the next page ("" after the last page). ok is false for a
// token that does not belong to op and scope.
func page(op, scope string, v vlist, size int, token string) (items []any, next string, ok bool) {
	off := 0
	if token != "" {
		if off, ok = decodeToken(op, scope, token); !ok {
			return nil, "", false
		}
	}
	total := v.len()
	if off > total {
		return nil, "", false
	}
	end := min(off+size, total)
	if end < total {
		next = encodeToken(op, scope, end)
	}
	return v.slice(off, end), next, true
}
