package quota

import "testing"

func TestIncreaseURL(t *testing.T) {
	code := "L-22922690"
	tests := []struct {
		name   string
		r      Result
		region string
		want   string
	}{
		{"adjustable", Result{ServiceCode: "connect", QuotaCode: &code, Adjustable: true}, "eu-west-2",
			"https://eu-west-2.console.aws.amazon.com/servicequotas/home/services/connect/quotas/L-22922690"},
		{"no region", Result{ServiceCode: "connect", QuotaCode: &code, Adjustable: true}, "",
			"https://console.aws.amazon.com/servicequotas/home/services/connect/quotas/L-22922690"},
		{"not adjustable", Result{ServiceCode: "connect", QuotaCode: &code}, "us-east-1", ""},
		{"no code", Result{ServiceCode: "connect", Adjustable: true}, "us-east-1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IncreaseURL(tt.r, tt.region); got != tt.want {
				t.Errorf("IncreaseURL() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 quotas", 1: "1 quota", 2: "2 quotas"} {
		if got := Plural(n, "quota"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}
