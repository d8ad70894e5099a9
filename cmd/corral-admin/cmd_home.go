package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/config"
	"github.com/corral-tracker/corral/templates"
	"github.com/corral-tracker/corral/tracker"
)

// Commands about the tracker home rather than its items: install,
// initialise, templates, genconfig and updateconfig.

// cmdInstall is `install [template [backend [key=val[,key=val]]]]`
// (do_install): it creates the home from an embedded template and writes
// config.ini with the given option values (Roundup option names such as
// tracker_web, mail_domain, rdbms_name). A missing template or backend
// is asked for on a terminal (defaults classic and sqlite) and is an
// error otherwise. An existing tracker is erased after confirmation or
// with -y; without a terminal and -y the command refuses.
func (a *admin) cmdInstall(args []string) error {
	home, err := filepath.Abs(a.home)
	if err != nil {
		return err
	}
	if parent := filepath.Dir(home); !isDir(parent) {
		return usagef("Instance home parent directory \"%s\" does not exist", parent)
	}
	configIni := filepath.Join(home, config.IniFile)
	if _, err := os.Stat(configIni); err == nil {
		switch {
		case a.force:
		case a.inTerm:
			if !a.confirm(fmt.Sprintf("WARNING: There appears to be a tracker in \"%s\"!\nIf you re-install it, you will lose all the data!\nErase it? Y/N: ", home)) {
				return nil
			}
		default:
			return fmt.Errorf("there appears to be a tracker in \"%s\": give -y to erase it and install anew", home)
		}
		if err := os.RemoveAll(home); err != nil {
			return err
		}
	}
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	template, err := a.choose("Templates:", "Select template", templates.Names(), arg(0), "classic")
	if err != nil {
		return err
	}
	backend, err := a.choose("Back ends:", "Select backend", backends(), arg(1), "sqlite")
	if err != nil {
		return err
	}
	settings := map[string]string{}
	if len(args) > 2 {
		for _, kv := range strings.Split(args[2], ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return usagef("Error in configuration settings: \"%s\"", args[2])
			}
			settings[k] = v
		}
	}
	if err := trackerhome.Install(home, template, backend, settings); err != nil {
		return usagef("%s", errorText(err))
	}
	a.printf(`
---------------------------------------------------------------------------
 You should now edit the tracker configuration file:
   %s
`, configIni)
	if need := unsetRequired(home); len(need) > 0 {
		a.println(" ... at a minimum, you must set following options:")
		for _, n := range need {
			a.printf("   %s\n", n)
		}
	}
	a.printf(`
 If you wish to modify the database schema,
 you should also edit the schema file:
   %s
 You may also change the database initialisation file:
   %s
 ... see the documentation on customizing for more information.

 You MUST run the "corral-admin initialise" command once you've performed
 the above steps.
---------------------------------------------------------------------------

`, filepath.Join(home, "schema.py"), filepath.Join(home, "initial_data.py"))
	return nil
}

// unsetRequired lists the config.ini problems of a fresh home (required
// options without a value); install writes working values, so normally
// there are none.
func unsetRequired(home string) []string {
	cfg, err := config.Load(home)
	if err != nil {
		return []string{err.Error()}
	}
	var ps config.Problems
	if err := cfg.Validate(); errors.As(err, &ps) {
		var out []string
		for _, p := range ps {
			out = append(out, p.Error())
		}
		return out
	} else if err != nil {
		return []string{err.Error()}
	}
	return nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// choose returns arg when it is one of options; otherwise it asks on a
// terminal (Roundup's _get_choice: the list, then "Prompt [default]: "
// until a valid answer or an empty one for the default), and fails
// without one.
func (a *admin) choose(listName, prompt string, options []string, arg, def string) (string, error) {
	if slices.Contains(options, arg) {
		return arg, nil
	}
	if !a.inTerm {
		if arg == "" {
			return "", errNotEnough()
		}
		return "", usagef("%q is not one of the %s %s", arg, strings.ToLower(strings.TrimSuffix(listName, ":")), strings.Join(options, ", "))
	}
	a.printf("%s %s\n", listName, strings.Join(options, ", "))
	for {
		answer, err := a.prompt(fmt.Sprintf("%s [%s]: ", prompt, def))
		if err != nil {
			return "", errNotEnough()
		}
		answer = strings.TrimSpace(answer)
		if answer == "" {
			return def, nil
		}
		if slices.Contains(options, answer) {
			return answer, nil
		}
	}
}

// cmdInitialise is `initialise [adminpw]` (do_initialise): it creates the
// database and loads initial_data.py with the admin password, asked for
// twice without echo when not given — only on a terminal; otherwise
// that is a usage error (DESIGN.md §2.1). An existing database is erased
// after "Erase it? Y/N" on a terminal or with -y (given before the
// command or as its first argument); otherwise the command refuses.
func (a *admin) cmdInitialise(args []string) error {
	if len(args) > 0 && (args[0] == "-y" || args[0] == "--yes") {
		a.force = true
		args = args[1:]
	}
	if len(args) > 1 {
		return usagef("Too many arguments supplied")
	}
	var pw string
	if len(args) == 1 {
		pw = args[0]
	} else {
		if !a.inTerm {
			return usagef("no admin password given and stdin is not a terminal to ask for one")
		}
		for {
			p, err := a.promptPassword("Admin Password: ")
			if err != nil {
				return err
			}
			c, err := a.promptPassword("       Confirm: ")
			if err != nil {
				return err
			}
			if p == c {
				pw = p
				break
			}
		}
	}
	if !isDir(a.home) {
		return usagef("Instance home does not exist")
	}
	if _, err := os.Stat(filepath.Join(a.home, config.IniFile)); err != nil {
		return usagef("Instance has not been installed")
	}
	cfg, _, err := trackerhome.LoadConfig(a.home, nil)
	if err != nil {
		return usagef("In %s/config.ini - %s", a.home, errorText(err))
	}
	exists, err := trackerhome.Exists(a.ctx, cfg)
	if err != nil {
		return err
	}
	if exists {
		switch {
		case a.force:
		case a.inTerm:
			if !a.confirm("WARNING: The database is already initialised!\nIf you re-initialise it, you will lose all the data!\nErase it? Y/N: ") {
				return nil
			}
		default:
			return fmt.Errorf("The database is already initialised! Give -y to erase it and lose all the data")
		}
	}
	if a.h != nil {
		a.rollback()
		a.h.Close()
		a.h = nil
	}
	h, err := trackerhome.Initialise(a.ctx, a.home, pw, exists, trackerhome.Options{
		Logger:           a.logger(),
		InstallDetectors: a.installDetectors,
	})
	if err != nil {
		return err
	}
	return h.Close()
}

// cmdTemplates is `templates [trace_search]` (do_templates): name, where
// it lives and description of each template. Corral's templates are
// built into the binary, so there is no directory to show or search.
func (a *admin) cmdTemplates(args []string) error {
	if len(args) > 0 && args[0] == "trace_search" {
		a.println("(templates are built into corral-admin; no directories are searched)")
	}
	for _, name := range templates.Names() {
		desc, err := templates.Describe(name)
		if err != nil {
			return err
		}
		a.printf("\nName: %s\nPath: (built in)\nDesc: %s\n\n", name, fill(desc, 70, "      "))
	}
	return nil
}

// fill wraps text as Python's textwrap.fill(text, width,
// subsequent_indent=indent) does for single-spaced text.
func fill(text string, width int, indent string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "" && len(lines) == 0:
			line = w
		case line == "":
			line = indent + w
		case len([]rune(line))+1+len([]rune(w)) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = indent + w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// cmdGenconfig is `genconfig filename` (do_genconfig): a fresh,
// commented config.ini with every option's default.
func (a *admin) cmdGenconfig(args []string) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	var buf bytes.Buffer
	if err := config.WriteFresh(&buf, nil); err != nil {
		return err
	}
	return os.WriteFile(args[0], buf.Bytes(), 0o640)
}

// cmdUpdateconfig is `updateconfig filename` (do_genconfig with update):
// the tracker's config.ini rewritten in the current format with its
// settings kept. As Roundup does, a password_pbkdf2_default_rounds still
// at the old default of 10000 is raised to the current default, and a
// lower value is reported.
func (a *admin) cmdUpdateconfig(args []string) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	cfg, err := config.Load(a.home)
	if err != nil {
		return err
	}
	a.println()
	def := tracker.DefaultPasswordRounds
	if r := cfg.Int("main", "password_pbkdf2_default_rounds"); r == 10000 {
		a.printf("Changing option\n   'password_pbkdf2_default_rounds'\nfrom old default of %d to new default of %d.\n", r, def)
		if err := cfg.Set("main", "password_pbkdf2_default_rounds", fmt.Sprint(def)); err != nil {
			return err
		}
	}
	if cfg.Int("main", "password_pbkdf2_default_rounds") < def {
		a.printf("Update 'password_pbkdf2_default_rounds' to a number equal to or larger\n  than %d.\n\n", def)
	}
	var buf bytes.Buffer
	if err := cfg.Update(&buf); err != nil {
		return err
	}
	return os.WriteFile(args[0], buf.Bytes(), 0o640)
}
