package collect

import (
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// methodActions is what an interface's methods call, as IAM actions.
func methodActions(prefix string, typ reflect.Type) []string {
	var out []string
	for m := range typ.Methods() {
		out = append(out, prefix+":"+m.Name)
	}
	return out
}

// TestIAMActionsMatchTheInterfaces keeps the written-out policy lists
// equal to the calls the interfaces allow: a method added to an API
// interface without its action, or an action left behind, fails here.
func TestIAMActionsMatchTheInterfaces(t *testing.T) {
	var want []string
	for _, api := range []struct {
		prefix string
		typ    reflect.Type
	}{
		{"connect", reflect.TypeFor[ConnectAPI]()},
		{"servicequotas", reflect.TypeFor[QuotasAPI]()},
		{"cloudwatch", reflect.TypeFor[MetricsAPI]()},
		{"cases", reflect.TypeFor[CasesAPI]()},
		{"profile", reflect.TypeFor[ProfilesAPI]()},
		{"wisdom", reflect.TypeFor[QConnectAPI]()},
		{"voiceid", reflect.TypeFor[VoiceIDAPI]()},
		{"app-integrations", reflect.TypeFor[AppIntegrationsAPI]()},
		{"connect-campaigns", reflect.TypeFor[CampaignsAPI]()},
	} {
		want = append(want, methodActions(api.prefix, api.typ)...)
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, IAMActions()); diff != "" {
		t.Errorf("scanActions differ from the API interfaces' methods (-interfaces +list):\n%s", diff)
	}

	want = append(methodActions("servicequotas", reflect.TypeFor[IncreaseAPI]()), "connect:ListInstances")
	slices.Sort(want)
	if diff := cmp.Diff(want, IncreaseActions()); diff != "" {
		t.Errorf("IncreaseActions differ from IncreaseAPI's methods (-interface +list):\n%s", diff)
	}
	if !slices.IsSorted(IncreaseActions()) {
		t.Errorf("IncreaseActions() = %v, want sorted", IncreaseActions())
	}
}

// TestIAMActionsIsACopy: a caller appending to or sorting the list cannot
// change the next caller's.
func TestIAMActionsIsACopy(t *testing.T) {
	a := IAMActions()
	a[0] = "x:Changed"
	if IAMActions()[0] == "x:Changed" {
		t.Error("IAMActions() shares its backing array")
	}
}
