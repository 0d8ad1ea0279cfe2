package store

import (
	"context"
	"errors"
	"time"
)

// OrgLatestKey is where an organization run's summary is kept, beside
// each item's own latest.json.
const OrgLatestKey = "connect-reports/org-latest.json"

// WriteOrgSummary puts the summary of an organization run that started at
// started as connect-reports/org-latest.json and as a dated copy beside
// the execution summaries (which the bucket's lifecycle expires).
func (b *S3) WriteOrgSummary(ctx context.Context, started time.Time, summary any) error {
	started = started.UTC().Truncate(time.Second)
	dated := "connect-reports/" + started.Format("2006/01/02") + "/org-summary-" + started.Format(keyStamp) + ".json"
	return errors.Join(
		b.put(ctx, b.prefix+dated, summary),
		b.put(ctx, b.prefix+OrgLatestKey, summary),
	)
}
