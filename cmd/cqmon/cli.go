package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/quota"
)

// A command declares its flags on a flag.FlagSet, as flag.Value types,
// and hands the set to parse. cobra and pflag read the command line:
// --flag and (rewritten by longFlags) -flag alike, --flag=value, the
// shell completion requests. The help text is written here, by Go code
// rather than a template: text/template's execution would make the linker
// keep every method of the SDK clients. Its groups come in the order a
// reader needs them rather than in the alphabetical order of their names.

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

// envDefault is the environment variable that gives a flag its value when
// the command line does not. The names are the Lambda's where it has one
// (CQMON_THRESHOLD for its THRESHOLD_PERCENTAGE), and so are the values.
type envDefault struct {
	name string
	// days: the variable is a whole number of days, as the Lambda reads
	// it; the flag takes "14d".
	days bool
	// split: the runes that separate the entries of a repeatable flag.
	split string
	// check parses an entry the flag keeps as text until the run's
	// options are built, so a bad one is named by its variable.
	check func(string) error
}

var flagEnv = map[string]envDefault{
	"regions":      {name: "CQMON_REGIONS"},
	"skip-service": {name: "CQMON_SKIP_SERVICES"},
	"threshold":    {name: "CQMON_THRESHOLD"},
	"threshold-for": {name: "CQMON_THRESHOLDS", split: ";\n", check: func(v string) error {
		_, err := quota.ParseThreshold(v)
		return err
	}},
	"mute": {name: "CQMON_MUTE", check: func(v string) error {
		_, err := alert.ParseMutes(v)
		return err
	}},
	"remind-after":     {name: "CQMON_REMIND_AFTER"},
	"hysteresis":       {name: "CQMON_HYSTERESIS"},
	"horizon":          {name: "CQMON_HORIZON_DAYS", days: true},
	"alert-singletons": {name: "CQMON_ALERT_SINGLETONS"},
	"retention":        {name: "CQMON_RETENTION_DAYS", days: true},
	"kms-key":          {name: "CQMON_KMS_KEY_ID"},
	"lookback":         {name: "CQMON_LOOKBACK"},
	"max-parents":      {name: "CQMON_MAX_PARENTS"},
	"rate-share":       {name: "CQMON_RATE_SHARE"},
	"rate-share-max":   {name: "CQMON_RATE_SHARE_MAX"},
}

// newFlagSet returns the set a command declares its flags on; its help
// is written to stdout.
func newFlagSet(name string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	return fs
}

// errShown ends a command whose help or completions were printed: it
// exits 0.
var errShown = errors.New("help shown")

// parse reads args into the flags of fs, then fills the flags the command
// line left out from their environment variables. Errors are one line
// naming the flag (or variable) and its value. Help and completion
// requests are answered on fs's output and end in errShown.
func parse(fs *flag.FlagSet, args []string) error {
	name := "cqmon " + fs.Name()
	var ran bool
	var rest []string
	cmd := &cobra.Command{
		Use:               fs.Name(),
		Args:              cobra.ArbitraryArgs,
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		RunE: func(c *cobra.Command, a []string) error {
			ran, rest = true, a
			return applyEnv(fs, c.Flags().Changed)
		},
	}
	cmd.SetHelpFunc(func(*cobra.Command, []string) { writeHelp(fs.Output(), fs) })
	flags := cmd.Flags()
	flags.SortFlags = false
	for _, f := range orderedFlags(fs) {
		_, usage := flag.UnquoteUsage(f)
		pf := flags.VarPF(value{f}, f.Name, "", usage)
		if isBool(f) {
			pf.NoOptDefVal = "true"
		}
	}
	flags.BoolP("help", "h", false, "this text")
	cmd.SetOut(fs.Output())
	cmd.SetErr(io.Discard)
	cmd.SetArgs(longFlags(args, flags))
	err := cmd.Execute()
	switch {
	case err != nil && ran:
		return usageError{fmt.Errorf("%v (see %s --help)", err, name)}
	case err != nil:
		return usageError{flagError(name, err)}
	case !ran:
		// --help, or a completion request.
		return errShown
	case len(rest) > 0:
		return usagef("unexpected argument %q (see %s --help)", rest[0], name)
	}
	return nil
}

// completing reports whether args are a shell completion request, which
// cobra answers with the flags (or commands) that complete the last
// argument.
func completing(args []string) bool {
	return len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd)
}

// longFlags rewrites the arguments pflag would misread: it takes -name as
// the short flags n, a, m and e, where the flag package (and scripts
// written for it) mean --name. An argument -name or -name=value whose name
// is a long flag of the set becomes --name or --name=value. A flag's
// value, the arguments after "--" and the word a completion request
// completes are left as they are.
func longFlags(args []string, flags *pflag.FlagSet) []string {
	out := append([]string{}, args...)
	last := len(out)
	if completing(out) {
		last--
	}
	for i := 0; i < last; i++ {
		a := out[i]
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		f := flags.Lookup(name)
		if f == nil {
			continue
		}
		if a[1] != '-' {
			out[i] = "-" + a
		}
		if !hasValue && f.NoOptDefVal == "" {
			// The next argument is this flag's value.
			i++
		}
	}
	return out
}

// applyEnv sets each flag the command line did not set from its
// environment variable, if that is set and not blank. Only the commands
// that run scans read them: bench and its children set every value.
func applyEnv(fs *flag.FlagSet, set func(string) bool) error {
	if !commandNamed(fs.Name()).grouped {
		return nil
	}
	for _, f := range orderedFlags(fs) {
		env, ok := flagEnv[f.Name]
		if !ok || set(f.Name) {
			continue
		}
		v := strings.TrimSpace(os.Getenv(env.name))
		if v == "" {
			continue
		}
		entries := []string{v}
		if env.split != "" {
			entries = strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(env.split, r) })
		}
		for _, e := range entries {
			if strings.TrimSpace(e) == "" {
				continue
			}
			if env.days {
				n, err := strconv.Atoi(e)
				if err != nil || n < 0 {
					return fmt.Errorf("%s: %q is not a whole number of days", env.name, e)
				}
				if n > 0 {
					e += "d"
				}
			}
			if err := f.Value.Set(e); err != nil {
				return fmt.Errorf("%s: %s", env.name, valueError(isBool(f), e, err))
			}
			if env.check != nil {
				if err := env.check(e); err != nil {
					return fmt.Errorf("%s: %w", env.name, err)
				}
			}
		}
	}
	return nil
}

// value is a flag.Value as pflag takes it.
type value struct{ f *flag.Flag }

func (v value) String() string { return v.f.Value.String() }

func (v value) Set(s string) error { return v.f.Value.Set(s) }

// Type is the kind of value the flag takes, as the help names it.
func (v value) Type() string {
	if isBool(v.f) {
		return "bool"
	}
	return placeholder(v.f)
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// flagError is the one line a command line that did not parse ends with.
func flagError(name string, err error) error {
	msg := err.Error()
	var invalid *pflag.InvalidValueError
	var unknown *pflag.NotExistError
	var missing *pflag.ValueRequiredError
	switch {
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		msg = "--" + f.Name + ": " + valueError(f.NoOptDefVal == "true", invalid.GetValue(), invalid.Unwrap())
	case errors.As(err, &unknown) && unknown.GetSpecifiedShortnames() != "":
		msg = "unknown flag -" + unknown.GetSpecifiedShortnames()
	case errors.As(err, &unknown):
		msg = "unknown flag --" + unknown.GetSpecifiedName()
	case errors.As(err, &missing):
		msg = "--" + missing.GetFlag().Name + " needs a value"
	}
	return fmt.Errorf("%s (see %s --help)", msg, name)
}

// valueError says why v is not a value of a flag, naming v. The flag
// package's own types answer only "parse error".
func valueError(boolean bool, v string, err error) string {
	msg := err.Error()
	if strings.Contains(msg, strconv.Quote(v)) {
		return msg
	}
	switch {
	case boolean:
		return fmt.Sprintf("%q is not true or false", v)
	case msg == "parse error" || msg == "value out of range":
		return fmt.Sprintf("%q is not a whole number", v)
	}
	return fmt.Sprintf("%q: %s", v, msg)
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

// cmdRoot answers what comes before a command: --help, --version, the
// completion scripts and the completion of command names; anything else
// is a usage error.
func cmdRoot(args []string, stdout io.Writer) error {
	root := &cobra.Command{
		Use:           "cqmon",
		Short:         "monitor Amazon Connect service quotas",
		Version:       version(),
		Args:          cobra.ArbitraryArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(_ *cobra.Command, a []string) error {
			if len(a) > 0 {
				return fmt.Errorf("unknown command %q (see cqmon --help)", a[0])
			}
			writeUsage(stdout)
			return nil
		},
	}
	if completing(args) {
		// Listed only to be completed: each command is run by run, and
		// completes its own flags.
		for _, c := range commands {
			root.AddCommand(&cobra.Command{Use: c.name, Short: c.summary, Run: func(*cobra.Command, []string) {}})
		}
	}
	// cqmon completion pwsh, as before: the name of PowerShell's program.
	root.InitDefaultCompletionCmd(args...)
	if ps, _, err := root.Find([]string{"completion", "powershell"}); err == nil && ps.Name() == "powershell" {
		ps.Aliases = append(ps.Aliases, "pwsh")
	}
	// The completion command's help is cobra's; cqmon's is its own.
	cobraHelp := new(cobra.Command).HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		if c == root || c.Parent() == root && listed(c.Name()) {
			writeUsage(c.OutOrStdout())
			return
		}
		cobraHelp(c, args)
	})
	flags := root.Flags()
	flags.BoolP("help", "h", false, "this text")
	flags.BoolP("version", "v", false, "cqmon's version and the commit it was built from")
	root.SetOut(stdout)
	root.SetErr(io.Discard)
	root.SetArgs(longFlags(args, flags))
	c, err := root.ExecuteC()
	var unknown *pflag.NotExistError
	var missing *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	if errors.As(err, &unknown) || errors.As(err, &missing) || errors.As(err, &invalid) {
		return flagError(c.CommandPath(), err)
	}
	return err
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
