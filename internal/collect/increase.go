package collect

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"

	"github.com/cqmon/cqmon/internal/quota"
)

// IncreaseAPI is the part of Service Quotas that filing an increase
// request calls. Scans never use it: the scan's role holds no write.
type IncreaseAPI interface {
	GetServiceQuota(context.Context, *servicequotas.GetServiceQuotaInput, ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error)
	RequestServiceQuotaIncrease(context.Context, *servicequotas.RequestServiceQuotaIncreaseInput, ...func(*servicequotas.Options)) (*servicequotas.RequestServiceQuotaIncreaseOutput, error)
}

// IncreaseActions returns the IAM actions filing an increase request
// needs, sorted: reading the applied value, filing the request, and
// listing instances to find the one named by id or alias.
// Like IAMActions, the list is written out (and tested against
// IncreaseAPI) rather than read by reflection.
func IncreaseActions() []string {
	return []string{"connect:ListInstances", "servicequotas:GetServiceQuota", "servicequotas:RequestServiceQuotaIncrease"}
}

// ErrRefused marks an increase cqmon will not ask for: the input names
// something that does not exist or a value that would not raise the
// limit. Its message names the value.
var ErrRefused = errors.New("refused")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// Increase is one increase request, checked and ready to file.
type Increase struct {
	Definition quota.Definition
	Region     string
	// Instance is the instance named on the command line, if any.
	Instance *quota.Instance
	// ContextID is the instance ARN when the quota is applied at resource
	// level: the request raises that instance's limit alone. Empty means
	// an account-level request.
	ContextID string
	// Name is the quota's name as Service Quotas gives it.
	Name string
	// Applied is the limit that applies now, and AppliedFrom says where it
	// comes from.
	Applied     float64
	AppliedFrom string
	Value       float64
}

// PlanIncrease reads the limit that applies to quota d (on instance in,
// when given) and checks that value would raise it. It refuses, naming the
// value, a quota Service Quotas does not know, a quota that is not
// adjustable, a per-instance quota without an instance, and a value at or
// under the applied limit.
func PlanIncrease(ctx context.Context, api IncreaseAPI, region string, d quota.Definition, in *quota.Instance, value float64) (Increase, error) {
	inc := Increase{Definition: d, Region: region, Instance: in, Value: value}
	if d.Code == "" {
		return inc, refuse("quota %q has no Service Quotas code, so no increase can be requested through Service Quotas", d.Key)
	}
	if d.PerInstance() && in == nil {
		return inc, refuse("quota %s (%s) applies to each instance: name the instance with --instance", d.Code, d.Name)
	}
	input := &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String(d.ServiceCode), QuotaCode: aws.String(d.Code)}
	if in != nil {
		input.ContextId = aws.String(in.ARN)
	}
	out, err := api.GetServiceQuota(ctx, input)
	if serviceAbsent(err) {
		return inc, refuse("quota %s: Service Quotas does not know it for service %s in %s", d.Code, d.ServiceCode, region)
	}
	if err != nil {
		return inc, fmt.Errorf("read the applied value of %s: %w", d.Code, err)
	}
	q := out.Quota
	if q == nil || q.Value == nil {
		return inc, fmt.Errorf("read the applied value of %s: Service Quotas answered without a value", d.Code)
	}
	inc.Name, inc.Applied, inc.AppliedFrom = aws.ToString(q.QuotaName), *q.Value, "applied account-wide"
	if inc.Name == "" {
		inc.Name = d.Name
	}
	if c := q.QuotaContext; c != nil && c.ContextScope == sqtypes.QuotaContextScopeResource && in != nil {
		inc.ContextID = in.ARN
		inc.AppliedFrom = "applied to every instance without its own value"
		if aws.ToString(c.ContextId) == in.ARN {
			inc.AppliedFrom = "applied to this instance"
		}
	}
	if !q.Adjustable {
		return inc, refuse("quota %s (%s) is not adjustable: no increase can be requested, reduce usage instead", d.Code, inc.Name)
	}
	if value <= inc.Applied {
		return inc, refuse("value %s is not above the applied limit %s of %s (%s)", quota.FormatNumber(value), quota.FormatNumber(inc.Applied), d.Code, inc.Name)
	}
	return inc, nil
}

// input is the RequestServiceQuotaIncrease call File makes.
func (inc Increase) input() *servicequotas.RequestServiceQuotaIncreaseInput {
	input := &servicequotas.RequestServiceQuotaIncreaseInput{
		ServiceCode: aws.String(inc.Definition.ServiceCode), QuotaCode: aws.String(inc.Definition.Code), DesiredValue: aws.Float64(inc.Value),
	}
	if inc.ContextID != "" {
		input.ContextId = aws.String(inc.ContextID)
	}
	return input
}

// File sends the request and returns it as Service Quotas recorded it.
func (inc Increase) File(ctx context.Context, api IncreaseAPI) (quota.IncreaseRequest, error) {
	out, err := api.RequestServiceQuotaIncrease(ctx, inc.input())
	if err != nil {
		return quota.IncreaseRequest{}, fmt.Errorf("request an increase of %s to %s: %w", inc.Definition.Code, quota.FormatNumber(inc.Value), err)
	}
	if out.RequestedQuota == nil {
		return quota.IncreaseRequest{}, fmt.Errorf("request an increase of %s: Service Quotas answered without the request", inc.Definition.Code)
	}
	r, ok := toRequest(inc.Definition.ServiceCode, *out.RequestedQuota)
	if !ok {
		return r, fmt.Errorf("request an increase of %s: Service Quotas answered without an id or a creation time", inc.Definition.Code)
	}
	return r, nil
}

// Describe says exactly what File sends, one field a line.
func (inc Increase) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  service:  %s\n", inc.Definition.ServiceCode)
	fmt.Fprintf(&b, "  quota:    %s (%s)\n", inc.Definition.Code, inc.Name)
	fmt.Fprintf(&b, "  region:   %s\n", inc.Region)
	switch {
	case inc.ContextID != "":
		fmt.Fprintf(&b, "  level:    resource, ContextId %s (instance %s)\n", inc.ContextID, instanceName(inc.Instance))
	case inc.Instance != nil:
		fmt.Fprintf(&b, "  level:    account (the quota is not applied per instance; the request covers every instance, %s included)\n", instanceName(inc.Instance))
	default:
		b.WriteString("  level:    account\n")
	}
	fmt.Fprintf(&b, "  applied:  %s (%s)\n", quota.FormatNumber(inc.Applied), inc.AppliedFrom)
	fmt.Fprintf(&b, "  desired:  %s\n", quota.FormatNumber(inc.Value))
	in := inc.input()
	call := fmt.Sprintf("ServiceCode=%s QuotaCode=%s DesiredValue=%s", *in.ServiceCode, *in.QuotaCode, quota.FormatNumber(*in.DesiredValue))
	if in.ContextId != nil {
		call += " ContextId=" + *in.ContextId
	}
	fmt.Fprintf(&b, "  call:     servicequotas:RequestServiceQuotaIncrease %s\n", call)
	return b.String()
}

func instanceName(in *quota.Instance) string {
	if in.Alias == "" {
		return in.ID
	}
	return in.Alias + ", " + in.ID
}
