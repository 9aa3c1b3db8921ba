// zkb-gnark: the gnark driver of zkmlbench. One subcommand per phase; each
// phase is its own process and reads what it needs from files.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/consensys/gnark/logger"
)

const usage = `usage: zkb-gnark version | setup | witness | prove | verify | commit | evm | cheat [flags]`

// usageError makes main exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// invalidProof makes verify exit 1 with "invalid proof: ...".
type invalidProof struct{ err error }

func (e invalidProof) Error() string { return "invalid proof: " + e.err.Error() }

func main() {
	logger.Disable()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

var commands = map[string]func(args []string, stdout io.Writer) error{
	"version": cmdVersion,
	"setup":   cmdSetup,
	"witness": cmdWitness,
	"prove":   cmdProve,
	"verify":  cmdVerify,
	"commit":  cmdCommit,
	"evm":     cmdEVM,
	"cheat":   cmdCheat,
}

// run executes one subcommand and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "zkb-gnark: unknown subcommand %q; %s\n", args[0], usage)
		return 2
	}
	err := cmd(args[1:], stdout)
	if err == nil {
		return 0
	}
	msg := oneLine(err.Error())
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "zkb-gnark %s: %s\n", args[0], msg)
		return 2
	}
	var ip invalidProof
	if errors.As(err, &ip) {
		fmt.Fprintln(stderr, msg) // "invalid proof: <gnark's error>"
		return 1
	}
	fmt.Fprintf(stderr, "zkb-gnark %s: %s\n", args[0], msg)
	return 1
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", "; ")
}

// flagSet parses flags; required names must be given; no positional args.
type flagSet struct {
	*flag.FlagSet
	set map[string]bool
}

func newFlags(name string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, set: map[string]bool{}}
}

func (f *flagSet) parse(args []string, required ...string) error {
	if err := f.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if f.NArg() > 0 {
		return usagef("unexpected argument %q", f.Arg(0))
	}
	f.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	for _, r := range required {
		if !f.set[r] {
			return usagef("missing -%s", r)
		}
	}
	return nil
}

// ---- version

var gnarkVersion, cryptoVersion = "v0.14.0", "v0.19.0" // fallbacks; read from the build info

func init() {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			v := d.Version
			if d.Replace != nil {
				v = d.Replace.Version
			}
			switch d.Path {
			case "github.com/consensys/gnark":
				gnarkVersion = v
			case "github.com/consensys/gnark-crypto":
				cryptoVersion = v
			}
		}
	}
}

func versionLine() string {
	return fmt.Sprintf("gnark %s; gnark-crypto %s; %s", gnarkVersion, cryptoVersion, runtime.Version())
}

func cmdVersion(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usagef("takes no arguments")
	}
	fmt.Fprintln(stdout, versionLine())
	return nil
}

// ---- JSON helpers

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("encoding %s: %v", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing %s: %v", path, err)
	}
	return nil
}

func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}
