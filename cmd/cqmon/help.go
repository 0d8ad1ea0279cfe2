package main

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
)

// The help text is written here, by Go code rather than a template:
// text/template's execution would make the linker keep every method of
// the SDK clients. Its groups come in the order a reader needs them
// rather than in the alphabetical order of their names.

// command is what a command's help says besides its flags.
type command struct {
	name string
	// args follows the name in the usage line.
	args    string
	summary string
	// grouped commands list their flags under flagGroups' titles.
	grouped  bool
	examples []string
}

// commands are listed in this order by cqmon --help; bench-one, the
// child process of bench, is not listed.
var commands = []command{
	{name: "scan", args: "[flags]", summary: "measure every quota of every Connect instance in the account", grouped: true, examples: []string{
		"cqmon scan --regions us-east-1,eu-west-2",
		"cqmon scan --threshold 70 --notify sns:arn:aws:sns:us-east-1:111122223333:quota-alerts",
		"cqmon scan --org --role-name cqmon-read --output json > report.json",
		"cqmon scan --all --status violation --fail-on violation",
	}},
	{name: "demo", args: "[flags]", summary: "the same run against the built-in AWS simulator (no account needed)", grouped: true, examples: []string{
		"cqmon demo",
		"cqmon demo --all --quota 'Rate of *'",
		"cqmon demo --org --output json",
	}},
	{name: "serve", args: "[flags]", summary: "scan on a schedule and serve the results to Prometheus (/metrics)", grouped: true, examples: []string{
		"cqmon serve --regions us-east-1 --interval 15m --listen :9752",
	}},
	{name: "catalog", args: "[flags]", summary: "list every quota cqmon knows, and how its usage is measured", examples: []string{
		"cqmon catalog --measured",
		"cqmon catalog --coverage",
	}},
	{name: "history", args: "[flags]", summary: "past runs, or one quota over time, from the history store", examples: []string{
		"cqmon history",
		"cqmon history --quota L-9A46857E --instance acme-prod --since 30d",
	}},
	{name: "report", args: "--html FILE [flags]", summary: "the HTML dashboard of the latest (or a given) stored run", examples: []string{
		"cqmon report --html quotas.html",
		"cqmon report --html - --store dynamodb:cqmon-history > quotas.html",
	}},
	{name: "simulate", args: "[flags]", summary: "serve the AWS simulator for other tools", examples: []string{
		"cqmon simulate --listen 127.0.0.1:4566",
	}},
	{name: "request-increase", args: "--quota CODE --value N [flags]", summary: "ask Service Quotas to raise one quota (prints the request; sends it with --yes)", examples: []string{
		"cqmon request-increase --quota L-9A46857E --instance acme-prod --value 1500",
		"cqmon request-increase --quota L-9A46857E --instance acme-prod --value 1500 --yes",
	}},
	{name: "iam-policy", args: "[flags]", summary: "print the IAM policy a scan needs (read-only); --request-increase: the policy request-increase needs", examples: []string{
		"cqmon iam-policy --org > cqmon-policy.json",
	}},
	{name: "bench", args: "[flags]", summary: "measure scans of simulated accounts: time, calls, memory", examples: []string{
		"cqmon bench --scenario large",
	}},
}

// commandNamed returns the command of that name; bench-one, which only
// bench runs, has no help of its own.
func commandNamed(name string) command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return command{name: name, args: "[flags]"}
}

// flagGroups are the titles the flags of scan, demo and serve are listed
// under, each with its flags in the order they are listed.
var flagGroups = []struct {
	title string
	names []string
}{
	{"What to scan", []string{"regions", "profile", "accounts", "org", "org-ou", "role-name", "external-id", "account-concurrency", "skip-service", "scenario"}},
	{"Output", []string{"output", "all", "instance", "status", "quota", "html", "quiet", "verbose", "fail-on"}},
	{"Thresholds and alerts", []string{"threshold", "threshold-for", "notify", "mute", "remind-after", "hysteresis", "horizon", "alert-singletons"}},
	{"History", []string{"store", "retention", "kms-key"}},
	{"Serving", []string{"listen", "interval"}},
	{"Tuning", []string{"lookback", "timeout", "concurrency", "max-parents", "margin", "rate-share", "rate-share-max"}},
}

// orderedFlags are fs's flags in the order flagGroups lists them, then
// the others by name.
func orderedFlags(fs *flag.FlagSet) []*flag.Flag {
	var out []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { out = append(out, f) })
	rank := map[string]int{}
	for _, g := range flagGroups {
		for _, n := range g.names {
			rank[n] = len(rank)
		}
	}
	slices.SortStableFunc(out, func(a, b *flag.Flag) int {
		ra, oka := rank[a.Name]
		rb, okb := rank[b.Name]
		switch {
		case oka && okb:
			return ra - rb
		case oka:
			return -1
		case okb:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// groupOf is the title a flag of a grouped command is listed under.
func groupOf(name string) string {
	for _, g := range flagGroups {
		if slices.Contains(g.names, name) {
			return g.title
		}
	}
	return "Other"
}

// writeHelp writes a command's help: its usage line, its flags (under
// their groups for the commands that run scans) and examples.
func writeHelp(w io.Writer, fs *flag.FlagSet) {
	c := commandNamed(fs.Name())
	fmt.Fprintf(w, "cqmon %s: %s.\n\nUsage:\n  cqmon %s %s\n", c.name, c.summary, c.name, c.args)
	title := ""
	for _, f := range orderedFlags(fs) {
		t := "Flags"
		if c.grouped {
			t = groupOf(f.Name)
		}
		if t != title {
			fmt.Fprintf(w, "\n%s:\n", t)
			title = t
		}
		writeFlag(w, f, c.grouped)
	}
	fmt.Fprintln(w, "\n  --help, -h\n        this text")
	if len(c.examples) > 0 {
		fmt.Fprintln(w, "\nExamples:")
		for _, e := range c.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	fmt.Fprintln(w, "\nFlags take one dash or two, and their value after a space or an equals sign: --flag value, -flag=value.")
	if c.grouped {
		fmt.Fprintln(w, "A flag left out takes its value from the environment variable in brackets, if set.")
	}
}

// writeFlag writes one flag: its name and kind of value, then its usage,
// default and environment variable (read by the commands that run scans),
// wrapped.
func writeFlag(w io.Writer, f *flag.Flag, env bool) {
	_, usage := flag.UnquoteUsage(f)
	kind := placeholder(f)
	fmt.Fprintln(w, strings.TrimRight("  --"+f.Name+" "+kind, " "))
	switch f.DefValue {
	case "", "0", "false", "[]":
	default:
		if !strings.Contains(usage, "(default") {
			usage += " (default " + f.DefValue + ")"
		}
	}
	if e, ok := flagEnv[f.Name]; ok && env {
		usage += " [$" + e.name + "]"
	}
	line := "       "
	for _, word := range strings.Fields(usage) {
		if len(line)+1+len(word) > 100 && len(line) > 8 {
			fmt.Fprintln(w, line)
			line = "       "
		}
		line += " " + word
	}
	fmt.Fprintln(w, line)
}

// writeUsage writes cqmon's own help: its commands, and what every
// command shares.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, "cqmon: monitor Amazon Connect service quotas.\n\nUsage:\n  cqmon <command> [flags]\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	fmt.Fprintf(tw, "  completion SHELL\tprint the completion script of bash, zsh, fish or powershell (pwsh): source <(cqmon completion bash)\n")
	fmt.Fprintf(tw, "  help [command]\tthis text, or a command's help\n")
	tw.Flush()
	fmt.Fprint(w, `
Flags:
  --help, -h     this text
  --version, -v  cqmon's version and the commit it was built from

Run "cqmon <command> --help" for a command's flags, grouped, with examples.
Exit status: 0 run completed (violations or not), 1 run could not complete, 2 bad usage,
3 run completed but storing history or delivering alerts failed, 4 run completed and found
a row --fail-on names. When several apply, the lowest wins.
`)
}

// version is cqmon's module version and the commit it was built from, as
// the Go toolchain recorded them in the binary.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	return versionOf(bi, ok)
}

func versionOf(bi *debug.BuildInfo, ok bool) string {
	if !ok {
		return "unknown (built without module support)"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		// Built from a checkout (go build, go run), not go install
		// module@version.
		v = "devel"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		rev += ", modified"
	}
	return v + " (commit " + rev + ")"
}

// listed reports whether cqmon --help lists a command of that name.
func listed(name string) bool {
	return slices.ContainsFunc(commands, func(c command) bool { return c.name == name })
}

// placeholders name the value of the flags whose type does not say it.
var placeholders = map[string]string{
	"endpoint": "URL", "external-id": "ID", "horizon": "DURATION", "html": "FILE", "instance": "ID|ALIAS",
	"kms-key": "KEY", "listen": "HOST:PORT", "memprofile": "FILE", "output": "FORMAT", "profile": "NAME",
	"quota": "CODE|NAME", "region": "REGION", "role-name": "NAME", "run": "RUN-ID", "org-ou": "OU-ID",
	"status": "STATUS", "store": "SPEC", "value": "N", "threshold-for": "SPEC=N",
}

// placeholder is what the help writes after a flag's name for its value;
// a boolean flag takes none.
func placeholder(f *flag.Flag) string {
	if isBool(f) {
		return ""
	}
	if p, ok := placeholders[f.Name]; ok {
		return p
	}
	switch f.Value.(type) {
	case *numberFlag:
		return "N"
	case *durationFlag:
		return "DURATION"
	case *listFlag:
		return "LIST"
	case *multiFlag:
		return "SPEC"
	case *failOnFlag:
		return "KIND"
	}
	if kind, _ := flag.UnquoteUsage(f); kind == "int" {
		return "N"
	}
	return "VALUE"
}
