package quota

import "fmt"

// IncreaseURL is the Service Quotas console page where an increase of an
// adjustable quota can be requested in region, or "" when the quota is
// not adjustable or has no code (such a limit is raised, if at all,
// through AWS Support).
func IncreaseURL(r Result, region string) string {
	if !r.Adjustable || r.QuotaCode == nil || r.ServiceCode == "" {
		return ""
	}
	host := "console.aws.amazon.com"
	if region != "" {
		host = region + "." + host
	}
	return fmt.Sprintf("https://%s/servicequotas/home/services/%s/quotas/%s", host, r.ServiceCode, *r.QuotaCode)
}
