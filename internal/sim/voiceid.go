package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// Amazon Connect Voice ID (awsJson1.0, X-Amz-Target VoiceID.<Operation>):
// MaxResults and NextToken travel in the body; ListDomains returns at most
// 10 per page, the others 100. AWS ended Voice ID's support on
// 2026-05-20; scenarios mark it with availability "end_of_support".
var voiceIDService = &relatedService{
	name: ServiceVoiceID, target: "VoiceID", maxName: "MaxResults", tokenName: "NextToken", bodyPaging: true, outToken: "NextToken",
	invalid:  "ValidationException",
	throttle: apiError{status: http.StatusBadRequest, code: "ThrottlingException", msg: "Rate exceeded"},
	availability: func(rs *regionServices) string {
		if rs.VoiceID == nil {
			return Available
		}
		return rs.VoiceID.Availability
	},
	routes: []relatedRoute{
		{op: "ListDomains", max: 10, field: "DomainSummaries", list: voiceIDDomains},
		{op: "ListWatchlists", max: 100, field: "WatchlistSummaries", list: voiceIDWatchlists},
		{op: "ListFraudsters", max: 100, field: "FraudsterSummaries", list: voiceIDFraudsters},
	},
}

// voiceIDDomainID is a 22-character id, the shape Voice ID uses.
func voiceIDDomainID(region, name string) string {
	return voiceID22(region + "/voiceid-domain/" + name)
}

func voiceID22(seed string) string {
	h := sha256.Sum256([]byte(seed))
	return strings.NewReplacer("-", "A", "_", "B").Replace(base64.RawURLEncoding.EncodeToString(h[:])[:22])
}

func voiceIDDomainList(rs *regionServices) []VoiceIDDomain {
	if rs.VoiceID == nil {
		return nil
	}
	return rs.VoiceID.Domains
}

// watchlists returns the fraudster counts of a domain's watchlists: the
// default watchlist always exists.
func (d VoiceIDDomain) watchlists() []int {
	if len(d.Watchlists) == 0 {
		return []int{0}
	}
	return d.Watchlists
}

func voiceIDDomains(c *relatedCall) (vlist, *apiError) {
	ds := voiceIDDomainList(c.rs)
	return countList(len(ds), func(i int) any {
		id := voiceIDDomainID(c.region, ds[i].Name)
		return map[string]any{"DomainId": id, "Name": ds[i].Name, "DomainStatus": "ACTIVE",
			"Arn": fmt.Sprintf("arn:aws:voiceid:%s:000000000000:domain/%s", c.region, id)}
	}), nil
}

func (c *relatedCall) voiceIDDomain() (VoiceIDDomain, string, *apiError) {
	id := c.str("DomainId")
	if id == "" {
		return VoiceIDDomain{}, "", &apiError{status: http.StatusBadRequest, code: "ValidationException", msg: "DomainId is required"}
	}
	for _, d := range voiceIDDomainList(c.rs) {
		if voiceIDDomainID(c.region, d.Name) == id {
			return d, id, nil
		}
	}
	return VoiceIDDomain{}, id, &apiError{status: http.StatusBadRequest, code: "ResourceNotFoundException", msg: "Domain not found: " + id}
}

func voiceIDWatchlistID(domainID string, i int) string {
	return voiceID22(fmt.Sprintf("%s/watchlist/%d", domainID, i))
}

func voiceIDWatchlists(c *relatedCall) (vlist, *apiError) {
	d, id, e := c.voiceIDDomain()
	if e != nil {
		return nil, e
	}
	return countList(len(d.watchlists()), func(i int) any {
		name := fmt.Sprintf("watchlist-%d", i)
		if i == 0 {
			name = "Default"
		}
		return map[string]any{"DomainId": id, "WatchlistId": voiceIDWatchlistID(id, i), "Name": name, "DefaultWatchlist": i == 0}
	}), nil
}

// voiceIDFraudsters lists the fraudsters of one watchlist, or of the whole
// domain without WatchlistId.
func voiceIDFraudsters(c *relatedCall) (vlist, *apiError) {
	d, id, e := c.voiceIDDomain()
	if e != nil {
		return nil, e
	}
	lists := d.watchlists()
	wid := c.str("WatchlistId")
	var v vlist
	for i, n := range lists {
		w := voiceIDWatchlistID(id, i)
		if wid != "" && wid != w {
			continue
		}
		v = append(v, segment{n: n, item: func(j int) any {
			return map[string]any{"DomainId": id, "GeneratedFraudsterId": voiceID25(fmt.Sprintf("%s/%d", w, j)), "WatchlistIds": []string{w}}
		}})
	}
	if wid != "" && len(v) == 0 {
		return nil, &apiError{status: http.StatusBadRequest, code: "ResourceNotFoundException", msg: "Watchlist not found: " + wid}
	}
	return v, nil
}

func voiceID25(seed string) string { return (voiceID22(seed) + "AAA")[:25] }
