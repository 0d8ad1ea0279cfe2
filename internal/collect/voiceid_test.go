package collect

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/awsapi/voiceid"
	"github.com/cqmon/cqmon/internal/sim"
)

func TestVoiceIDDomainsWatchlistsAndMetrics(t *testing.T) {
	sc := &sim.Scenario{
		Services: map[string]sim.RegionServices{"us-east-1": {VoiceID: &sim.VoiceIDData{Domains: []sim.VoiceIDDomain{
			{Name: "fraud", Watchlists: []int{250, 12, 480}},
			{Name: "auth"},
		}}}},
		Metrics: []sim.Series{
			{Region: "us-east-1", Namespace: "VoiceID", Metric: "ActiveSessions", Dimensions: map[string]string{"Domain": "auth"},
				Points: []sim.Point{{Ago: "10m", Value: 31}, {Ago: "20m", Value: 44}}},
			{Region: "us-east-1", Namespace: "VoiceID", Metric: "ActiveSessions", Dimensions: map[string]string{"Domain": "fraud"},
				Points: []sim.Point{{Ago: "10m", Value: 12}}},
			{Region: "us-east-1", Namespace: "VoiceID", Metric: "Speakers", Dimensions: map[string]string{"Domain": "fraud"},
				Points: []sim.Point{{Ago: "15m", Value: 91000}}},
		},
	}
	env, srv := relatedEnv(t, sc, "us-east-1")
	res := runRegion(t, voiceIDFamily(), env)
	for _, m := range []string{"voiceid.active_speaker_enrollment_jobs_per_domain", "voiceid.active_fraudster_registration_jobs_per_domain"} {
		if r := res[m]; r != (got{}) {
			t.Errorf("%s = %+v, want 0: no datapoints", m, r)
		}
		delete(res, m)
	}
	want := map[string]got{
		voiceIDDomains:                       {Value: 2},
		voiceIDWatchlists:                    {Value: 3, Parent: `domain "fraud"`},
		voiceIDFraudsters:                    {Value: 480, Parent: `watchlist "watchlist-2" in domain "fraud"`},
		"voiceid.active_sessions_per_domain": {Value: 44, Parent: `domain "auth"`},
		"voiceid.speakers_per_domain":        {Value: 91000, Parent: `domain "fraud"`},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Voice ID (-want +got):\n%s", diff)
	}
	// 480 fraudsters are 5 pages of 100, 250 are 3, 12 one; the other
	// domain's default watchlist one more.
	if diff := cmp.Diff(map[string]int{"ListDomains": 1, "ListWatchlists": 2, "ListFraudsters": 10}, calls(srv, sim.ServiceVoiceID)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if n := calls(srv, sim.ServiceCloudWatch)["GetMetricData"]; n != 1 {
		t.Errorf("GetMetricData calls = %d, want one batch", n)
	}
}

// After its end of support Voice ID does not answer: the first call
// decides, every Voice ID quota is unknown with that one reason, and no
// other Voice ID call (nor a metric read) is made.
func TestVoiceIDGoneIsUnknownOnce(t *testing.T) {
	sc := &sim.Scenario{Services: map[string]sim.RegionServices{"us-east-1": {VoiceID: &sim.VoiceIDData{
		Availability: sim.EndOfSupport, Domains: []sim.VoiceIDDomain{{Name: "fraud", Watchlists: []int{3}}},
	}}}}
	env, srv := relatedEnv(t, sc, "us-east-1")
	ms := voiceIDFamily().Region(t.Context(), env, nil)
	if len(ms) != len(voiceIDMeasures()) {
		t.Errorf("results = %d, want one per Voice ID quota (%d)", len(ms), len(voiceIDMeasures()))
	}
	for tg, m := range ms {
		if m.Err == nil || !strings.Contains(short(m).Reason, "not in region: voiceid:ListDomains (UnknownOperationException") ||
			!strings.Contains(m.Note, "end of support") && !strings.Contains(m.Note, "ended support") {
			t.Errorf("%s = %+v, want unknown with the first call's reason and the end-of-support note", tg.Measure, m)
		}
	}
	if diff := cmp.Diff(map[string]int{"ListDomains": 1}, calls(srv, sim.ServiceVoiceID)); diff != "" {
		t.Errorf("Voice ID calls (-want +got):\n%s", diff)
	}
	if n := calls(srv, sim.ServiceCloudWatch)["GetMetricData"]; n != 0 {
		t.Errorf("GetMetricData calls = %d, want none", n)
	}
}

// noSuchHost fails every request the way a Region without the service's
// endpoint does: the host name does not resolve.
type noSuchHost struct{ calls int }

func (h *noSuchHost) Do(r *http.Request) (*http.Response, error) {
	h.calls++
	return nil, &url.Error{Op: r.Method, URL: r.URL.String(), Err: &net.OpError{Op: "dial", Net: "tcp",
		Err: &net.DNSError{Err: "no such host", Name: r.URL.Host, IsNotFound: true}}}
}

func TestVoiceIDEndpointMissingIsNotInRegion(t *testing.T) {
	dns := &noSuchHost{}
	cfg := aws.Config{Region: "ap-south-2", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), HTTPClient: dns}
	env := &Env{Region: "ap-south-2", Lookback: time.Hour, Now: relatedNow, VoiceID: voiceid.NewFromConfig(cfg)}
	res := runRegion(t, voiceIDFamily(), env)
	wantReason(t, res, "not in region: voiceid:ListDomains")
	if dns.calls != 1 {
		t.Errorf("requests = %d, want 1: a host that does not exist is not retried, and the first call decides", dns.calls)
	}
}
