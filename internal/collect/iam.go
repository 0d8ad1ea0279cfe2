package collect

import (
	"reflect"
	"sort"
)

// IAMActions returns every IAM action a scan calls, sorted: the Connect
// read calls of ConnectAPI, Service Quotas and CloudWatch reads, and the
// list calls of Connect's related services. All are read-only.
// (sts:GetCallerIdentity needs no permission.)
func IAMActions() []string {
	var out []string
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
		for i := range api.typ.NumMethod() {
			out = append(out, api.prefix+":"+api.typ.Method(i).Name)
		}
	}
	sort.Strings(out)
	return out
}
