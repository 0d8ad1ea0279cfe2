package collect

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/sim"
)

func TestQConnectAssistantsAndKnowledgeBases(t *testing.T) {
	env, srv := relatedEnv(t, &sim.Scenario{Services: map[string]sim.RegionServices{"us-east-1": {QConnect: &sim.QConnectData{
		Assistants: []sim.QAssistant{{Name: "assist", Associations: 3}, {Name: "self-service", Associations: 1}},
		KnowledgeBases: []sim.KnowledgeBase{
			{Name: "articles", Contents: 1234, QuickResponses: 20, MessageTemplates: 2},
			{Name: "templates", MessageTemplates: 180, QuickResponses: 101},
		},
	}}}}, "us-east-1")
	res := runRegion(t, qconnectAssistantsAndBases(), env)
	want := map[string]got{
		qconnectAssistants:       {Value: 2},
		qconnectAssociations:     {Value: 3, Parent: `assistant "assist"`},
		qconnectKnowledgeBases:   {Value: 2},
		qconnectContents:         {Value: 1234, Parent: `knowledge base "articles"`},
		qconnectQuickResponses:   {Value: 101, Parent: `knowledge base "templates"`},
		qconnectMessageTemplates: {Value: 180, Parent: `knowledge base "templates"`},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Q in Connect (-want +got):\n%s", diff)
	}
	// 1,234 contents are 13 pages of 100, plus one for the other base.
	if n := calls(srv, sim.ServiceQConnect)["ListContents"]; n != 14 {
		t.Errorf("ListContents calls = %d, want 14", n)
	}
}

func TestQConnectNotEnabled(t *testing.T) {
	env, srv := relatedEnv(t, &sim.Scenario{Services: map[string]sim.RegionServices{"us-east-1": {
		QConnect: &sim.QConnectData{Availability: sim.NotEnabled},
	}}}, "us-east-1")
	wantReason(t, runRegion(t, qconnectAssistantsAndBases(), env), "not enabled: wisdom:ListAssistants (ResourceNotFoundException")
	if diff := cmp.Diff(map[string]int{"ListAssistants": 1}, calls(srv, sim.ServiceQConnect)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
