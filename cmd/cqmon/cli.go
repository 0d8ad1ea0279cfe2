package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/quota"
)

// A command declares its flags on a flag.FlagSet, as flag.Value types,
// and hands the set to parse. cobra and pflag read the command line:
// --flag and (rewritten by longFlags) -flag alike, --flag=value, the
// shell completion requests. help.go writes the help.

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
