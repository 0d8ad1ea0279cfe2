package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Every parameter has exactly one place in the console's ParameterGroups
// and a label, and the groups name no parameter the template lacks.
func TestParameterGroupsHoldEveryParameter(t *testing.T) {
	tpl := loadTemplate(t)
	params := tpl.section(t, "Parameters")
	iface, _ := path(map[string]any(tpl), "Metadata", "AWS::CloudFormation::Interface").(map[string]any)
	if iface == nil {
		t.Fatal("the template has no AWS::CloudFormation::Interface metadata")
	}
	placed := map[string]string{}
	groups, _ := iface["ParameterGroups"].([]any)
	for _, g := range groups {
		label, _ := path(g, "Label", "default").(string)
		if label == "" {
			t.Errorf("group %v has no label", g)
		}
		names, _ := path(g, "Parameters").([]any)
		for _, n := range names {
			name, _ := n.(string)
			if params[name] == nil {
				t.Errorf("group %q names %q, which is not a parameter", label, name)
			}
			if other, ok := placed[name]; ok {
				t.Errorf("%s is in groups %q and %q", name, other, label)
			}
			placed[name] = label
		}
	}
	labels, _ := iface["ParameterLabels"].(map[string]any)
	for name := range params {
		if placed[name] == "" {
			t.Errorf("parameter %s is in no ParameterGroup", name)
		}
		if l, _ := path(labels, name, "default").(string); l == "" {
			t.Errorf("parameter %s has no label", name)
		}
	}
}

// The Python Lambda's LambdaRuntime is accepted with a plain warning: the
// template's RuntimeWarning output and deploy.sh's --runtime.
func TestLambdaRuntimeIsAcceptedAndIgnored(t *testing.T) {
	tpl := loadTemplate(t)
	if got := path(tpl.properties(t, "Function"), "Runtime"); got != "provided.al2023" {
		t.Errorf("Function Runtime = %v, want provided.al2023 whatever LambdaRuntime says", got)
	}
	if c := path(map[string]any(tpl), "Outputs", "RuntimeWarning", "Condition"); c != "RuntimeIgnored" {
		t.Errorf("RuntimeWarning output condition = %v", c)
	}

	// deploy.sh with a fake aws that knows no account.
	bin := t.TempDir()
	fake := "#!/bin/sh\ncase \"$*\" in *get-caller-identity*) exit 255;; *describe-stacks*) exit 255;; *configure*) exit 1;; esac\nexit 0\n"
	if err := os.WriteFile(filepath.Join(bin, "aws"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	// A runtime that is neither is refused before anything is built.
	cmd := exec.Command("bash", "deploy.sh", "--runtime", "nodejs20.x", "--dry-run")
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), `--runtime: "nodejs20.x" is not provided.al2023 or a python3.x runtime`) {
		t.Errorf("--runtime nodejs20.x: %v\n%s", err, out)
	}
	if testing.Short() {
		t.Skip("deploy.sh --dry-run builds the function")
	}
	// --dry-run warns, and passes no runtime to the stack.
	for _, tc := range []struct {
		runtime string
		warns   bool
	}{{"python3.12", true}, {"provided.al2023", false}} {
		cmd := exec.Command("bash", "deploy.sh", "--runtime", tc.runtime, "--region", "us-east-1", "--dry-run")
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("deploy.sh --runtime %s: %v\n%s", tc.runtime, err, out)
		}
		warned := strings.Contains(string(out), "warning: --runtime "+tc.runtime+" is ignored: cqmon runs on provided.al2023")
		if warned != tc.warns {
			t.Errorf("--runtime %s: warned %v, want %v\n%s", tc.runtime, warned, tc.warns, out)
		}
		if strings.Contains(string(out), "LambdaRuntime=") {
			t.Errorf("--runtime %s is passed to the stack:\n%s", tc.runtime, out)
		}
	}
}
