package monitor

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// benchReport is run i of an account of n instances, each quota of the
// catalog measured: a third growing, the rest flat.
func benchReport(cat *catalog.Catalog, n, i int, at time.Time) *quota.Report {
	rep := &quota.Report{RunID: fmt.Sprintf("run-%d", i), StartedAt: at, AccountID: "111122223333", Regions: []string{"us-east-1"}, Threshold: 80}
	for k := range n {
		var rs []quota.Result
		for j, d := range cat.Measured() {
			if !d.PerInstance() {
				continue
			}
			usage := float64(100 + j)
			if j%3 == 0 {
				usage += float64(i) / 24 * float64(1+j%5)
			}
			rs = append(rs, quota.Evaluate(d, quota.Measurement{Value: usage}, quota.Limit{Value: 10000, Source: quota.LimitInstance}, 80))
		}
		rep.Instances = append(rep.Instances, quota.InstanceReport{InstanceID: fmt.Sprintf("%08d-aaaa-4000-8000-000000000000", k),
			Region: "us-east-1", InstanceStatus: "ACTIVE", Metrics: rs, Summary: quota.Summarize(rs)})
	}
	return rep
}

// BenchmarkForecast reads 30 days of hourly runs of 4 instances from a
// local file and forecasts every quota of the next run.
func BenchmarkForecast(b *testing.B) {
	const instances, runs = 4, 30 * 24
	cat := catalog.Default()
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	st, err := store.Open(ctx, "local:"+filepath.Join(b.TempDir(), "h.db"), nil, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for i := range runs {
		if err := st.WriteRun(ctx, benchReport(cat, instances, i, now.Add(-time.Duration(runs-i)*time.Hour))); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	var n, quotas int
	var peak uint64
	for b.Loop() {
		rep := benchReport(cat, instances, runs, now)
		if err := Forecast(ctx, []store.Store{st}, cat, rep); err != nil {
			b.Fatal(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		n, quotas = forecasts(rep), rep.Totals().MetricsCount
	}
	b.ReportMetric(float64(n), "forecasts")
	b.ReportMetric(float64(quotas), "quotas")
	b.ReportMetric(float64(peak)/(1<<20), "heap-MiB")
}
