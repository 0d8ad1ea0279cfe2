package main

import (
	"io"
	"math"
	"testing"

	"github.com/cqmon/cqmon/internal/quota"
)

// FuzzNumberFlags gives the run's number flags any values: options that
// are accepted hold finite numbers within their ranges.
func FuzzNumberFlags(f *testing.F) {
	for _, seed := range [][4]string{
		{"80", "10", "0.5", "5"},
		{"NaN", "10", "0.5", "5"},
		{"80", "NaN", "0.5", "5"},
		{"80", "10", "NaN", "5"},
		{"80", "10", "0.5", "NaN"},
		{"Inf", "-Inf", "+Inf", "infinity"},
		{"1e309", "-nan", "0x1p-1", "4.99"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, threshold, margin, share, hysteresis string) {
		fs := newFlagSet("demo", io.Discard)
		rf := addRunFlags(fs, "none")
		err := parse(fs, []string{"--quiet", "--threshold", threshold, "--margin", margin, "--rate-share", share, "--hysteresis", hysteresis})
		if err != nil {
			return
		}
		o, err := rf.options("none", io.Discard, io.Discard)
		if err != nil {
			return
		}
		for name, v := range map[string]float64{"threshold": o.Engine.Threshold, "margin": o.Engine.Margin, "rate-share": float64(rf.share), "hysteresis": o.Alert.Hysteresis} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("--%s accepted as %v", name, v)
			}
		}
		if !quota.InRange(o.Engine.Threshold, 1, 99) || !quota.InRange(o.Engine.Margin, 0, 50) ||
			!quota.InRange(float64(rf.share), 0.05, 1) || !quota.InRange(o.Alert.Hysteresis, 0, 50) {
			t.Fatalf("out of range values accepted: threshold %v, margin %v, rate-share %v, hysteresis %v",
				o.Engine.Threshold, o.Engine.Margin, rf.share, o.Alert.Hysteresis)
		}
	})
}
