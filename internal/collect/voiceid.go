package collect

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cqmon/cqmon/internal/awsapi/voiceid"
	"github.com/cqmon/cqmon/internal/awserr"
	"github.com/cqmon/cqmon/internal/quota"
)

// VoiceIDAPI is the part of Amazon Connect Voice ID cqmon calls.
type VoiceIDAPI interface {
	ListDomains(context.Context, *voiceid.ListDomainsInput, ...func(*voiceid.Options)) (*voiceid.ListDomainsOutput, error)
	ListWatchlists(context.Context, *voiceid.ListWatchlistsInput, ...func(*voiceid.Options)) (*voiceid.ListWatchlistsOutput, error)
	ListFraudsters(context.Context, *voiceid.ListFraudstersInput, ...func(*voiceid.Options)) (*voiceid.ListFraudstersOutput, error)
}

// Voice ID page sizes: ListDomains accepts at most 10, the others 100.
const (
	voiceIDDomainPage = 10
	voiceIDListPage   = 100
)

// voiceIDEndOfSupport explains a Voice ID that does not answer.
const voiceIDEndOfSupport = "AWS ended support for Amazon Connect Voice ID on 2026-05-20; its API may no longer answer"

// Voice ID measures.
const (
	voiceIDDomains    = "voiceid.domains"
	voiceIDWatchlists = "voiceid.watchlists_per_domain"
	voiceIDFraudsters = "voiceid.fraudsters_per_watchlist"
)

// voiceIDMetric maps a per-domain Voice ID quota to its CloudWatch metric
// (namespace "VoiceID" as the admin guide writes it, dimension Domain).
type voiceIDMetric struct{ measure, metric string }

var voiceIDMetrics = []voiceIDMetric{
	{"voiceid.active_sessions_per_domain", "ActiveSessions"},
	{"voiceid.speakers_per_domain", "Speakers"},
	{"voiceid.active_speaker_enrollment_jobs_per_domain", "ActiveSpeakerEnrollmentJobs"},
	{"voiceid.active_fraudster_registration_jobs_per_domain", "ActiveFraudsterRegistrationJobs"},
}

func voiceIDMeasures() []string {
	out := []string{voiceIDDomains, voiceIDWatchlists, voiceIDFraudsters}
	for _, m := range voiceIDMetrics {
		out = append(out, m.measure)
	}
	return out
}

// voiceIDWatchlist is one watchlist with the domain it belongs to.
type voiceIDWatchlist struct{ domain, id, label string }

// voiceIDFamily measures Voice ID: its domains, the watchlists of each
// domain, the fraudsters of each watchlist and the per-domain CloudWatch
// metrics. Voice ID reached its end of support: when its first call fails
// in any way, every Voice ID quota of the Region is unknown with that one
// reason and no other Voice ID call is made.
func voiceIDFamily() Family {
	measures := voiceIDMeasures()
	return Family{
		Measures: measures,
		Region: func(ctx context.Context, env *Env, _ []quota.Instance) map[Target]quota.Measurement {
			g := newGate(true)
			var domains []parent
			_, err := gatedPages(g, "ListDomains", func(tok *string) (int, *string, error) {
				out, err := env.VoiceID.ListDomains(ctx, &voiceid.ListDomainsInput{MaxResults: aws.Int32(voiceIDDomainPage), NextToken: tok})
				if err != nil {
					return 0, nil, err
				}
				for _, d := range out.DomainSummaries {
					domains = append(domains, parent{aws.ToString(d.DomainId), fmt.Sprintf("domain %q", aws.ToString(d.Name))})
				}
				return len(out.DomainSummaries), out.NextToken, nil
			})
			if err != nil {
				m := quota.Measurement{Err: fmt.Errorf("list Voice ID domains: %w", err)}
				if awserr.Classify(err) != awserr.KindAccessDenied {
					m.Note = voiceIDEndOfSupport
				}
				return allFailed(measures, m)
			}
			res := map[Target]quota.Measurement{{Measure: voiceIDDomains}: {Value: float64(len(domains))}}

			var mu sync.Mutex
			var lists []voiceIDWatchlist
			watch := largestOf(ctx, env, "domains", domains, func(ctx context.Context, d parent) (int, error) {
				var found []voiceIDWatchlist
				n, err := gatedPages(g, "ListWatchlists", func(tok *string) (int, *string, error) {
					out, err := env.VoiceID.ListWatchlists(ctx, &voiceid.ListWatchlistsInput{DomainId: &d.id, MaxResults: aws.Int32(voiceIDListPage), NextToken: tok})
					if err != nil {
						return 0, nil, err
					}
					for _, w := range out.WatchlistSummaries {
						found = append(found, voiceIDWatchlist{d.id, aws.ToString(w.WatchlistId), fmt.Sprintf("watchlist %q in %s", aws.ToString(w.Name), d.label)})
					}
					return len(out.WatchlistSummaries), out.NextToken, nil
				})
				mu.Lock()
				lists = append(lists, found...)
				mu.Unlock()
				return n, err
			})
			res[Target{Measure: voiceIDWatchlists}] = watch
			if watch.Err != nil {
				res[Target{Measure: voiceIDFraudsters}] = quota.Measurement{Err: watch.Err}
			} else {
				parents := make([]parent, len(lists))
				for i, w := range lists {
					parents[i] = parent{strconv.Itoa(i), w.label}
				}
				res[Target{Measure: voiceIDFraudsters}] = largestOf(ctx, env, "watchlists", parents, func(ctx context.Context, p parent) (int, error) {
					i, _ := strconv.Atoi(p.id)
					w := lists[i]
					return gatedPages(g, "ListFraudsters", func(tok *string) (int, *string, error) {
						out, err := env.VoiceID.ListFraudsters(ctx, &voiceid.ListFraudstersInput{DomainId: &w.domain, WatchlistId: &w.id, MaxResults: aws.Int32(voiceIDListPage), NextToken: tok})
						if err != nil {
							return 0, nil, err
						}
						return len(out.FraudsterSummaries), out.NextToken, nil
					})
				})
			}
			for t, m := range voiceIDPeaks(ctx, env, domains) {
				res[t] = m
			}
			return res
		},
	}
}

// voiceIDPeaks reads every domain's Voice ID metrics in one batch and
// reports, per metric, the highest peak and the domain that reached it.
func voiceIDPeaks(ctx context.Context, env *Env, domains []parent) map[Target]quota.Measurement {
	res := make(map[Target]quota.Measurement, len(voiceIDMetrics))
	if len(domains) == 0 {
		for _, vm := range voiceIDMetrics {
			res[Target{Measure: vm.measure}] = quota.Measurement{Value: 0, Note: "no domains, so nothing counts against this quota"}
		}
		return res
	}
	var qs []metricQuery
	for _, vm := range voiceIDMetrics {
		for _, d := range domains {
			qs = append(qs, metricQuery{
				target: Target{Measure: vm.measure}, namespace: "VoiceID", name: vm.metric,
				dimensions: map[string]string{"Domain": d.id}, stat: "Maximum", period: period(env.Lookback),
			})
		}
	}
	peaks, err := readPeaks(ctx, env.Metrics, qs, env.Now.Add(-env.Lookback), env.Now)
	for k, vm := range voiceIDMetrics {
		var m quota.Measurement
		switch {
		case err != nil:
			m.Err = fmt.Errorf("read VoiceID %s: %w", vm.metric, err)
		default:
			points := 0
			for j, d := range domains {
				p := peaks[k*len(domains)+j]
				if p.partial {
					m = quota.Measurement{Err: fmt.Errorf("read VoiceID %s: CloudWatch returned partial data", vm.metric)}
					break
				}
				if p.points > 0 && (points == 0 || p.value > m.Value) {
					m.Value, m.Parent = p.value, d.label
				}
				points += p.points
			}
			if m.Err == nil && points == 0 {
				m = quota.Measurement{Value: 0, Note: fmt.Sprintf("no %s datapoints in the last %s for any domain, read as 0", vm.metric, quota.FormatDuration(env.Lookback))}
			}
		}
		res[Target{Measure: vm.measure}] = m
	}
	return res
}
