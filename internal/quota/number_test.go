package quota

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		wantErr string
	}{
		{"80", 80, ""},
		{" 2.5 ", 2.5, ""},
		{"1e2", 100, ""},
		{"-3", -3, ""},
		{"NaN", 0, `"NaN" is not a finite number`},
		{"nan", 0, `"nan" is not a finite number`},
		{"Inf", 0, `"Inf" is not a finite number`},
		{"+Inf", 0, `"+Inf" is not a finite number`},
		{"-infinity", 0, `"-infinity" is not a finite number`},
		{"1e999", 0, `"1e999" is not a finite number`},
		{"eighty", 0, `"eighty" is not a number`},
		{"", 0, `"" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseNumber(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseNumber(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseNumber(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestInRange(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0.99, 99.01} {
		if InRange(f, 1, 99) {
			t.Errorf("InRange(%v, 1, 99) = true", f)
		}
	}
	if !InRange(1, 1, 99) || !InRange(99, 1, 99) {
		t.Error("InRange excludes its bounds")
	}
}

// FuzzParseNumber: whatever ParseNumber accepts is finite and is what
// strconv reads.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"80", "0.05", "NaN", "-nan", "Inf", "+Inf", "-Inf", "infinity", "1e308", "1e309", "0x1p-2", "1_000", " 5 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseNumber(s)
		if err != nil {
			return
		}
		if math.IsNaN(got) || math.IsInf(got, 0) {
			t.Fatalf("ParseNumber(%q) = %v", s, got)
		}
		if want, _ := strconv.ParseFloat(strings.TrimSpace(s), 64); want != got {
			t.Fatalf("ParseNumber(%q) = %v, strconv reads %v", s, got, want)
		}
	})
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{in: "90m", want: 90 * time.Minute},
		{in: "7d", want: 7 * 24 * time.Hour},
		{in: "0d", want: 0},
		{in: "-5m", want: -5 * time.Minute},
		{in: "36500d", want: 36500 * 24 * time.Hour},
		{in: "36501d", err: `"36501d" is not a number of days from 0 to 36500`},
		{in: "1.5d", err: `"1.5d" is not a number of days from 0 to 36500`},
		{in: "-1d", err: `"-1d" is not a number of days from 0 to 36500`},
		{in: "soon", err: `"soon" is not a duration such as 90m, 36h or 7d`},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		switch {
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("ParseDuration(%q) error = %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
