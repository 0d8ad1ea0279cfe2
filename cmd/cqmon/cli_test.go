package main

import (
	"flag"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/lambdaconfig"
)

// TestHelpIsGrouped: the help of the commands that run scans lists every
// flag, with two dashes, under the groups in their order, then examples.
func TestHelpIsGrouped(t *testing.T) {
	for _, name := range []string{"scan", "demo", "serve"} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := cqmon(t, nil, name, "--help")
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			var titles []string
			for line := range strings.Lines(stdout) {
				if t, ok := strings.CutSuffix(strings.TrimSpace(line), ":"); ok && !strings.HasPrefix(line, " ") {
					titles = append(titles, t)
				}
			}
			want := []string{"Usage", "What to scan", "Output", "Thresholds and alerts", "History", "Tuning", "Examples"}
			if name == "serve" {
				want = []string{"Usage", "What to scan", "Output", "Thresholds and alerts", "History", "Serving", "Tuning", "Examples"}
			}
			if !slices.Equal(titles, want) {
				t.Errorf("sections %q, want %q\n%s", titles, want, stdout)
			}
			for _, s := range []string{"\n  --threshold N\n", "\n  --regions LIST\n", "[$CQMON_THRESHOLD]", "\n  cqmon " + name} {
				if name == "demo" && s == "\n  --regions LIST\n" {
					continue
				}
				if !strings.Contains(stdout, s) {
					t.Errorf("help lacks %q:\n%s", s, stdout)
				}
			}
		})
	}
}

// TestEveryFlagHasAGroup: a flag added to scan, demo or serve without a
// place in flagGroups would be listed under "Other".
func TestEveryFlagHasAGroup(t *testing.T) {
	sets := map[string]*flag.FlagSet{}
	for _, name := range []string{"scan", "demo", "serve"} {
		sets[name] = newFlagSet(name, io.Discard)
	}
	addScanFlags(sets["scan"]).table = addTableFlags(sets["scan"])
	addRunFlags(sets["demo"], "none").table = addTableFlags(sets["demo"])
	sets["demo"].String("scenario", "", "")
	sets["demo"].Bool("org", false, "")
	addScanFlags(sets["serve"])
	for name, fs := range sets {
		fs.VisitAll(func(f *flag.Flag) {
			if groupOf(f.Name) == "Other" {
				t.Errorf("%s --%s is in no group of flagGroups", name, f.Name)
			}
		})
	}
	for flagName, env := range flagEnv {
		if groupOf(flagName) == "Other" {
			t.Errorf("flagEnv names --%s, which is in no group", flagName)
		}
		if env.name != "CQMON_THRESHOLD" && !slices.Contains(lambdaconfig.Vars, env.name) {
			t.Errorf("--%s reads %s, which the Lambda does not read", flagName, env.name)
		}
	}
}

// TestBadValueIsOneLine: a value that does not parse ends the run with
// one line naming the flag and the value, and no usage.
func TestBadValueIsOneLine(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--threshold", "abc"}, `cqmon demo: --threshold: "abc" is not a number (see cqmon demo --help)`},
		{[]string{"demo", "-threshold=NaN"}, `cqmon demo: --threshold: "NaN" is not a finite number (see cqmon demo --help)`},
		{[]string{"scan", "--concurrency", "many"}, `cqmon scan: --concurrency: "many" is not a whole number (see cqmon scan --help)`},
		{[]string{"catalog", "--measured=perhaps"}, `cqmon catalog: --measured: "perhaps" is not true or false (see cqmon catalog --help)`},
		{[]string{"history", "--colour"}, `cqmon history: unknown flag --colour (see cqmon history --help)`},
		{[]string{"demo", "--lookback"}, `cqmon demo: --lookback needs a value (see cqmon demo --help)`},
		{[]string{"demo", "now"}, `cqmon demo: unexpected argument "now" (see cqmon demo --help)`},
		{[]string{"--colour"}, `cqmon: unknown flag --colour (see cqmon --help)`},
		{[]string{"frobnicate"}, `cqmon: unknown command "frobnicate" (see cqmon --help)`},
		{[]string{"help", "frobnicate"}, `cqmon: unknown command "frobnicate" (see cqmon --help)`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, code := cqmon(t, nil, tt.args...)
			if code != exitUsage || stdout != "" || stderr != tt.want+"\n" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and stderr %q", code, stdout, stderr, exitUsage, tt.want)
			}
		})
	}
}

// TestEnvironmentDefaults: a CQMON_* variable gives a flag its value
// when the command line leaves it out, and the flag, with one dash or
// two, wins over it.
func TestEnvironmentDefaults(t *testing.T) {
	env := []string{"CQMON_THRESHOLD=50", "CQMON_LOOKBACK=2h"}
	tests := []struct {
		args          []string
		wantThreshold float64
	}{
		{[]string{"demo", "--output", "json", "--quiet"}, 50},
		{[]string{"demo", "-output", "json", "-quiet", "-threshold", "60"}, 60},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, code := cqmon(t, env, tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			rep := decodeReport(t, stdout)
			if rep.Threshold != tt.wantThreshold || rep.Lookback != "2h" {
				t.Errorf("threshold %v, lookback %q; want %v and 2h", rep.Threshold, rep.Lookback, tt.wantThreshold)
			}
		})
	}
}

// TestEnvironmentOnlyForScans: the commands that do not run a scan of
// the account (bench's rate share) ignore the variables.
func TestEnvironmentOnlyForScans(t *testing.T) {
	stdout, _, code := cqmon(t, []string{"CQMON_RATE_SHARE=high"}, "bench", "--help")
	if code != exitOK || strings.Contains(stdout, "CQMON_") {
		t.Errorf("bench --help: exit %d, and it names a variable:\n%s", code, stdout)
	}
	fs := newFlagSet("bench", io.Discard)
	_, share := benchRateFlags(fs)
	t.Setenv("CQMON_RATE_SHARE", "0.9")
	if err := parse(fs, nil); err != nil || *share != awsapi.DefaultShare {
		t.Errorf("bench read CQMON_RATE_SHARE: share %v, error %v", *share, err)
	}
}

func TestBadEnvironmentValueIsNamed(t *testing.T) {
	tests := []struct {
		env  string
		want string
	}{
		{"CQMON_THRESHOLD=abc", `cqmon demo: CQMON_THRESHOLD: "abc" is not a number (see cqmon demo --help)`},
		{"CQMON_HORIZON_DAYS=2w", `cqmon demo: CQMON_HORIZON_DAYS: "2w" is not a whole number of days (see cqmon demo --help)`},
		{"CQMON_THRESHOLDS=code:L-9A46857E=70;name:x", `cqmon demo: CQMON_THRESHOLDS: threshold "name:x": want SPEC=N`},
		{"CQMON_MUTE=colour:red", `cqmon demo: CQMON_MUTE: mute "colour:red": unknown kind "colour"`},
		{"CQMON_ALERT_SINGLETONS=yes", `cqmon demo: CQMON_ALERT_SINGLETONS: "yes" is not true or false (see cqmon demo --help)`},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			stdout, stderr, code := cqmon(t, []string{tt.env}, "demo", "--quiet")
			if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and one line starting %q", code, stdout, stderr, exitUsage, tt.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "-v"} {
		stdout, stderr, code := cqmon(t, nil, arg)
		if code != exitOK || !strings.HasPrefix(stdout, "cqmon version ") || strings.Count(stdout, "\n") != 1 || stderr != "" {
			t.Errorf("cqmon %s: exit %d, stdout %q, stderr %q", arg, code, stdout, stderr)
		}
	}
}

func TestVersionOf(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"go install module@version", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, true, "v1.4.0"},
		{"a checkout", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("0123456789abcdef0123", "false")}, true, "devel (commit 0123456789ab)"},
		{"a checkout with changes", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.1-0.20260101000000-0123456789ab+dirty"}, Settings: vcs("0123456789abcdef0123", "true")},
			true, "v1.4.1-0.20260101000000-0123456789ab+dirty (commit 0123456789ab, modified)"},
		{"without VCS information", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "devel"},
		{"without build information", nil, false, "unknown (built without module support)"},
	}
	for _, tt := range tests {
		if got := versionOf(tt.bi, tt.ok); got != tt.want {
			t.Errorf("%s: versionOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestCompletion: the completion script, and the answers it asks the
// binary for: command names, then a command's flags.
func TestCompletion(t *testing.T) {
	tests := []struct {
		args []string
		want []string
		not  []string
	}{
		{[]string{"completion", "bash"}, []string{"complete -o default -F __start_cqmon cqmon"}, nil},
		{[]string{"completion", "zsh"}, []string{"#compdef cqmon"}, nil},
		{[]string{"completion", "pwsh"}, []string{"Register-ArgumentCompleter -CommandName 'cqmon'"}, nil},
		{[]string{"__complete", ""}, []string{"scan\tmeasure every quota", "request-increase\t", "completion\t"}, []string{"bench-one"}},
		{[]string{"__complete", "scan", "--thr"}, []string{"--threshold\tviolation threshold", "--threshold-for\t"}, []string{"--regions"}},
		{[]string{"__complete", "scan", "-threshold", "70", "--reg"}, []string{"--regions\t"}, []string{"--threshold"}},
		{[]string{"__complete", "history", "--", "-"}, nil, []string{"--quota"}},
		{[]string{"__complete", "demo", "-"}, []string{"--scenario\t", "--mute\t"}, []string{"--regions"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, code := cqmon(t, nil, tt.args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(stdout, n) {
					t.Errorf("stdout has %q:\n%s", n, stdout)
				}
			}
		})
	}
}

// TestLongFlags: what the flag package read as a long flag with one dash
// reaches pflag with two; a flag's value, what follows "--", short flags
// and the word being completed are left alone.
func TestLongFlags(t *testing.T) {
	flags := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	flags.String("threshold", "", "")
	flags.String("quota", "", "")
	flags.Bool("quiet", false, "")
	tests := []struct {
		args, want []string
	}{
		{[]string{"-threshold", "70"}, []string{"--threshold", "70"}},
		{[]string{"-threshold=70", "-quiet", "-quiet=false"}, []string{"--threshold=70", "--quiet", "--quiet=false"}},
		{[]string{"--threshold", "70", "-quiet"}, []string{"--threshold", "70", "--quiet"}},
		{[]string{"--quota", "-threshold", "-quiet"}, []string{"--quota", "-threshold", "--quiet"}},
		{[]string{"-quota", "-quiet", "-threshold"}, []string{"--quota", "-quiet", "--threshold"}},
		{[]string{"-quiet", "--", "-threshold", "70"}, []string{"--quiet", "--", "-threshold", "70"}},
		{[]string{"-h", "-colour", "-", "now"}, []string{"-h", "-colour", "-", "now"}},
		{[]string{"__complete", "-quiet", "-quiet"}, []string{"__complete", "--quiet", "-quiet"}},
	}
	for _, tt := range tests {
		if got := longFlags(tt.args, flags); !slices.Equal(got, tt.want) {
			t.Errorf("longFlags(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}
