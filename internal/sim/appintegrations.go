package sim

import (
	"fmt"
	"net/http"
)

// Amazon AppIntegrations (restJson1, signing name "app-integrations"): GET
// lists with maxResults and nextToken in the query string, at most 50 per
// page; responses carry NextToken.
var appIntegrationsService = &relatedService{
	name: ServiceAppIntegrations, maxName: "maxResults", tokenName: "nextToken", outToken: "NextToken",
	invalid:  "InvalidRequestException",
	throttle: apiError{status: http.StatusTooManyRequests, code: "ThrottlingException", msg: "Rate exceeded"},
	availability: func(rs *regionServices) string {
		if rs.AppIntegrations == nil {
			return Available
		}
		return rs.AppIntegrations.Availability
	},
	routes: []relatedRoute{
		{op: "ListDataIntegrations", method: "GET", path: "/dataIntegrations", max: 50, field: "DataIntegrations", list: appDataIntegrations},
		{op: "ListDataIntegrationAssociations", method: "GET", path: "/dataIntegrations/{DataIntegrationIdentifier}/associations", max: 50,
			field: "DataIntegrationAssociations", list: appDataAssociations},
		{op: "ListEventIntegrations", method: "GET", path: "/eventIntegrations", max: 50, field: "EventIntegrations", list: appEventIntegrations},
		{op: "ListEventIntegrationAssociations", method: "GET", path: "/eventIntegrations/{EventIntegrationName}/associations", max: 50,
			field: "EventIntegrationAssociations", list: appEventAssociations},
		{op: "ListApplications", method: "GET", path: "/applications", max: 50, field: "Applications", list: appApplications},
	},
}

func appData(rs *regionServices) *AppIntegrationsData {
	if rs.AppIntegrations == nil {
		return &AppIntegrationsData{}
	}
	return rs.AppIntegrations
}

func appDataARN(region, name string) string {
	return fmt.Sprintf("arn:aws:app-integrations:%s:000000000000:data-integration/%s", region, relatedID(region, "data-integration", name))
}

func appDataIntegrations(c *relatedCall) (vlist, *apiError) {
	ds := appData(c.rs).DataIntegrations
	return countList(len(ds), func(i int) any {
		return map[string]any{"Arn": appDataARN(c.region, ds[i].Name), "Name": ds[i].Name, "SourceURI": "Salesforce://AppFlow/" + ds[i].Name}
	}), nil
}

// appDataAssociations accepts the data integration's ARN, id or name.
func appDataAssociations(c *relatedCall) (vlist, *apiError) {
	ref := c.params["DataIntegrationIdentifier"]
	for _, d := range appData(c.rs).DataIntegrations {
		arn := appDataARN(c.region, d.Name)
		if ref == arn || ref == d.Name || ref == relatedID(c.region, "data-integration", d.Name) {
			return countList(d.Associations, func(i int) any {
				return map[string]any{"DataIntegrationArn": arn, "ClientId": fmt.Sprintf("client-%d", i+1),
					"DataIntegrationAssociationArn": fmt.Sprintf("%s/association/%d", arn, i+1)}
			}), nil
		}
	}
	return nil, relatedNotFound("Data integration", ref)
}

func appEventIntegrations(c *relatedCall) (vlist, *apiError) {
	es := appData(c.rs).EventIntegrations
	return countList(len(es), func(i int) any {
		return map[string]any{"Name": es[i].Name, "EventBridgeBus": "default",
			"EventIntegrationArn": fmt.Sprintf("arn:aws:app-integrations:%s:000000000000:event-integration/%s", c.region, es[i].Name)}
	}), nil
}

func appEventAssociations(c *relatedCall) (vlist, *apiError) {
	name := c.params["EventIntegrationName"]
	for _, e := range appData(c.rs).EventIntegrations {
		if e.Name == name {
			return countList(e.Associations, func(i int) any {
				return map[string]any{"EventIntegrationName": name, "ClientId": fmt.Sprintf("client-%d", i+1),
					"EventIntegrationAssociationId": relatedID(c.region, "event-association/"+name, fmt.Sprint(i))}
			}), nil
		}
	}
	return nil, relatedNotFound("Event integration", name)
}

func appApplications(c *relatedCall) (vlist, *apiError) {
	return countList(appData(c.rs).Applications, func(i int) any {
		id := relatedID(c.region, "application", fmt.Sprint(i))
		return map[string]any{"Id": id, "Name": fmt.Sprintf("app-%03d", i+1), "Namespace": fmt.Sprintf("app-%03d", i+1),
			"Arn": fmt.Sprintf("arn:aws:app-integrations:%s:000000000000:application/%s", c.region, id)}
	}), nil
}
