// Command academy is CTV Academy: `academy` serves; `academy seed-demo`
// loads the demo network; `academy user add` creates an account;
// `academy user set-password` resets one's password; `academy content
// check` validates content/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/ctvacademy/academy/modules/app"
	"github.com/ctvacademy/academy/modules/platform/web"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, logger); err != nil {
		fmt.Fprintln(os.Stderr, "academy:", err)
		os.Exit(1)
	}
}

// configFrom reads the ACADEMY_* variables of DESIGN.md.
func configFrom(getenv func(string) string) (app.Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	cfg := app.Config{
		HTTPAddr:      get("ACADEMY_HTTP_ADDR", "127.0.0.1:8080"),
		DataDir:       get("ACADEMY_DATA_DIR", "./data"),
		MongoURI:      get("ACADEMY_MONGODB_URI", ""),
		MongoDB:       get("ACADEMY_MONGODB_DB", "academy"),
		SMTPURL:       get("ACADEMY_SMTP_URL", ""),
		MailFrom:      get("ACADEMY_MAIL_FROM", "academy@localhost"),
		AdminEmail:    get("ACADEMY_ADMIN_EMAIL", ""),
		AdminPassword: getenv("ACADEMY_ADMIN_PASSWORD"),
		DemoPassword:  getenv("ACADEMY_DEMO_PASSWORD"),
		MetricsAddr:   get("ACADEMY_METRICS_ADDR", ""),
	}
	from, err := parseMailFrom(cfg.MailFrom)
	if err != nil {
		return cfg, err
	}
	cfg.MailFrom, cfg.MailFromName = from.Address, from.Name
	proxies, err := web.ParseTrustedProxies(getenv("ACADEMY_TRUSTED_PROXIES"))
	if err != nil {
		return cfg, fmt.Errorf("ACADEMY_TRUSTED_PROXIES: %w", err)
	}
	cfg.TrustedProxies = proxies
	cfg.BaseURL = strings.TrimRight(get("ACADEMY_BASE_URL", "http://"+cfg.HTTPAddr), "/")
	switch d := strings.ToLower(get("ACADEMY_DEMO", "")); d {
	case "":
		cfg.Demo = cfg.MongoURI == ""
	case "true", "1", "yes", "on":
		cfg.Demo = true
	case "false", "0", "no", "off":
		cfg.Demo = false
	default:
		return cfg, fmt.Errorf("ACADEMY_DEMO=%q: want true or false", d)
	}
	// The demo network comes with sample sessions and quiz results.
	cfg.DemoActivity = cfg.Demo
	if cfg.AdminEmail != "" && len(cfg.AdminPassword) < 10 {
		return cfg, errors.New("ACADEMY_ADMIN_PASSWORD must be set (at least 10 characters) with ACADEMY_ADMIN_EMAIL")
	}
	if err := checkProductionSecrets(cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// parseMailFrom reads ACADEMY_MAIL_FROM: a bare address
// (academy@example.vn) or a display name and an address
// (Trung tâm Khuyến công <academy@example.vn>), as net/mail parses one
// address; anything else is refused, naming the setting.
func parseMailFrom(v string) (*netmail.Address, error) {
	a, err := netmail.ParseAddress(v)
	if err == nil && !strings.Contains(a.Address, "@") {
		err = errors.New("no @ in the address")
	}
	if err != nil {
		return nil, fmt.Errorf("ACADEMY_MAIL_FROM=%q is not an email address: want academy@example.vn or "+
			"a name and an address, e.g. 'Trung tâm Khuyến công <academy@example.vn>' (%v)", v, err)
	}
	return a, nil
}

// minProductionPassword is the shortest admin password accepted against
// MongoDB.
const minProductionPassword = 12

// knownPasswords are passwords that appear in examples, compose files and
// demos (this project's among them): an attacker tries them first.
var knownPasswords = []string{
	"change-me-please", "changemeplease", "change-me", "changeme", "change_me", "changeit",
	"password", "password1", "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword",
	"admin", "admin123", "admin1234", "administrator", "admin-password", "admin-password-1", "adminadmin",
	"demo", "demo-password", "demo-password-1", "demopassword", "academy", "academy-admin", "ctv-academy",
	"secret", "secret-password", "letmein", "qwerty", "qwertyuiop", "qwerty123456",
	"123456", "12345678", "123456789", "1234567890", "123456789012", "a long secret",
}

// checkProductionSecrets refuses to start against MongoDB (production)
// with an admin password that is known or short: the first admin is
// created with it, and compose files once fell back to "change-me-please".
func checkProductionSecrets(cfg app.Config) error {
	if cfg.MongoURI == "" || cfg.AdminPassword == "" {
		return nil
	}
	how := "choose a secret of at least 12 characters and set it, e.g. " +
		"ACADEMY_ADMIN_PASSWORD=\"$(openssl rand -base64 18)\" (with docker compose: in the shell or an .env file beside docker-compose.yml)"
	pw := strings.ToLower(strings.TrimSpace(cfg.AdminPassword))
	if slices.Contains(knownPasswords, pw) || (cfg.DemoPassword != "" && cfg.AdminPassword == cfg.DemoPassword) {
		return fmt.Errorf("ACADEMY_ADMIN_PASSWORD is a well-known default; refusing to start against MongoDB (ACADEMY_MONGODB_URI) with it: %s", how)
	}
	if utf8.RuneCountInString(cfg.AdminPassword) < minProductionPassword {
		return fmt.Errorf("ACADEMY_ADMIN_PASSWORD is shorter than %d characters; refusing to start against MongoDB (ACADEMY_MONGODB_URI) with it: %s", minProductionPassword, how)
	}
	return nil
}

func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer, logger *slog.Logger) error {
	cfg, err := configFrom(getenv)
	if err != nil {
		return err
	}
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "", "serve":
		return serve(ctx, cfg, out, logger)
	case "seed-demo":
		cfg.Demo, cfg.DemoActivity = true, true
		return withApp(ctx, cfg, logger, func(a *app.App) error {
			if !a.DemoLoaded {
				fmt.Fprintln(out, "The database already holds a network; nothing loaded.")
				printDemoPassword(out, a)
				return nil
			}
			printDemoActivity(out, a)
			fmt.Fprintf(out, "Demo network loaded. Every demo account's password: %s\n", a.DemoPassword)
			return nil
		})
	case "user":
		switch {
		case len(args) >= 2 && args[1] == "add":
			return userAdd(ctx, cfg, args[2:], getenv, out, logger)
		case len(args) >= 2 && args[1] == "set-password":
			return userSetPassword(ctx, cfg, args[2:], getenv, out, logger)
		}
		return errors.New("usage: academy user add --email E --role R [--collaborator ID] | academy user set-password --email E (password from ACADEMY_USER_PASSWORD or stdin)")
	case "content":
		if len(args) < 2 || args[1] != "check" {
			return errors.New("usage: academy content check")
		}
		return contentCheck(out)
	case "help", "-h", "--help":
		fmt.Fprintln(out, "usage: academy [serve | seed-demo | user add --email E --role R [--collaborator ID] | user set-password --email E | content check]")
		return nil
	}
	return fmt.Errorf("unknown command %q (try: academy help)", cmd)
}

// withApp opens the store, sets it up, runs fn and closes.
func withApp(ctx context.Context, cfg app.Config, logger *slog.Logger, fn func(*app.App) error) error {
	a, err := app.New(ctx, cfg, app.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	if err := a.Setup(ctx); err != nil {
		return err
	}
	return fn(a)
}

// serve binds its addresses before it opens the store, so that an address
// in use fails at once, and an address with port 0 gets a free port of its
// own that the banner (and, with ACADEMY_BASE_URL unset, every link) names.
func serve(ctx context.Context, cfg app.Config, out io.Writer, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("ACADEMY_HTTP_ADDR: %w", err)
	}
	defer ln.Close()
	var mln net.Listener
	if cfg.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			return fmt.Errorf("ACADEMY_METRICS_ADDR: %w", err)
		}
		defer mln.Close()
	}
	if _, port, _ := net.SplitHostPort(cfg.HTTPAddr); port == "0" && cfg.BaseURL == "http://"+cfg.HTTPAddr {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	return withApp(ctx, cfg, logger, func(a *app.App) error {
		printBanner(out, a, ln.Addr().String())
		if mln != nil {
			fmt.Fprintf(out, "  metrics: http://%s/metrics\n", mln.Addr())
			mctx, stopMetrics := context.WithCancel(ctx)
			mdone := make(chan error, 1)
			go func() { mdone <- a.ServeMetrics(mctx, mln) }()
			defer func() {
				stopMetrics()
				if err := <-mdone; err != nil {
					logger.Error("metrics listener", "error", err)
				}
			}()
		}
		err := a.Serve(ctx, ln)
		logger.Info("stopped", "at", time.Now().UTC())
		return err
	})
}

func printBanner(out io.Writer, a *app.App, addr string) {
	cfg := a.Config
	storeMode := "embedded FerretDB (SQLite) in " + cfg.DataDir + "/store"
	if a.Store != nil && a.Store.Mode == "mongodb" {
		storeMode = "MongoDB at ACADEMY_MONGODB_URI, database " + cfg.MongoDB
	}
	mailMode := "mail drop: " + cfg.DataDir + "/mail/*.eml"
	if cfg.SMTPURL != "" {
		mailMode = "SMTP via ACADEMY_SMTP_URL"
	}
	fmt.Fprintf(out, "CTV Academy is running: open %s (listening on %s)\n", cfg.BaseURL, addr)
	fmt.Fprintf(out, "  store: %s\n  mail:  %s\n", storeMode, mailMode)
	switch {
	case a.DemoLoaded:
		fmt.Fprintf(out, "  demo network loaded: sign in as dieuphoi@example.vn (coordinator), lanhdao@example.vn (leadership)\n")
		fmt.Fprintf(out, "  or any collaborator's email; every demo password is: %s\n", a.DemoPassword)
		printDemoActivity(out, a)
	case cfg.Demo && a.DemoPasswordApplied != nil:
		printDemoPassword(out, a)
	case cfg.Demo:
		fmt.Fprintf(out, "  demo network present: sign in as dieuphoi@example.vn with the demo password printed at first start\n")
		fmt.Fprintf(out, "  (lost it? set ACADEMY_DEMO_PASSWORD and start again, or: %s)\n", setPasswordHint)
	case cfg.DemoPassword != "":
		fmt.Fprintf(out, "  ACADEMY_DEMO_PASSWORD is ignored: the demo is off (ACADEMY_DEMO=false, or MongoDB); to reset a password: %s\n", setPasswordHint)
	}
	if cfg.AdminEmail != "" {
		fmt.Fprintf(out, "  admin: %s (password from ACADEMY_ADMIN_PASSWORD)\n", cfg.AdminEmail)
	}
	if !cfg.Demo && cfg.AdminEmail == "" {
		fmt.Fprintln(out, "  no accounts configured: set ACADEMY_ADMIN_EMAIL and ACADEMY_ADMIN_PASSWORD, or run `academy user add`")
	}
}

// printDemoActivity says what the demo holds beside its people.
func printDemoActivity(out io.Writer, a *app.App) {
	if act := a.DemoActivity; act != nil {
		fmt.Fprintf(out, "  demo sessions: %d over, %d to come (%d invitations, %d attendance marks); %d graded quiz attempts (%d passed); no mail was sent\n",
			act.Past, act.Upcoming, act.Invitations, act.Marks, act.Attempts, act.Passed)
		fmt.Fprintf(out, "  demo quarterly records: %d in %d quarters (%d approved)\n", act.Records, act.Quarters, act.Approved)
	}
}

// setPasswordHint is how an operator resets one account's password.
const setPasswordHint = "ACADEMY_USER_PASSWORD=… academy user set-password --email <email>"

// printDemoPassword says what ACADEMY_DEMO_PASSWORD did to the demo
// accounts of a database where the demo network was loaded before; it
// never prints the password itself.
func printDemoPassword(out io.Writer, a *app.App) {
	res := a.DemoPasswordApplied
	switch {
	case res == nil:
	case res.Accounts == 0:
		fmt.Fprintln(out, "  ACADEMY_DEMO_PASSWORD is ignored: no account still holds the demo password (the demo network is not here, or its people changed their passwords)")
		fmt.Fprintf(out, "  to reset a password: %s\n", setPasswordHint)
	case res.Changed:
		fmt.Fprintf(out, "  demo network present: ACADEMY_DEMO_PASSWORD is now the password of its %d demo accounts (their sessions ended); sign in as dieuphoi@example.vn\n", res.Accounts)
	default:
		fmt.Fprintf(out, "  demo network present: sign in as dieuphoi@example.vn; ACADEMY_DEMO_PASSWORD is the password of its %d demo accounts\n", res.Accounts)
	}
}

// userSetPassword resets the password of one account: an operator's way in
// when a password is lost. It ends the account's sessions and is audited.
func userSetPassword(ctx context.Context, cfg app.Config, args []string, getenv func(string) string, out io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("user set-password", flag.ContinueOnError)
	email := fs.String("email", "", "login email of the account")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("usage: academy user set-password --email E (password from ACADEMY_USER_PASSWORD or stdin)")
	}
	pw, err := readPassword(getenv, out)
	if err != nil {
		return err
	}
	cfg.Demo = false
	return withApp(ctx, cfg, logger, func(a *app.App) error {
		u, err := a.Accounts.SetPassword(ctx, *email, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "password set for %s (%s); their sessions ended\n", u.Email, u.Role)
		return nil
	})
}

// readPassword reads a new password from ACADEMY_USER_PASSWORD or stdin.
func readPassword(getenv func(string) string, out io.Writer) (string, error) {
	if pw := getenv("ACADEMY_USER_PASSWORD"); pw != "" {
		return pw, nil
	}
	fmt.Fprint(out, "password: ")
	b, err := io.ReadAll(io.LimitReader(os.Stdin, 300))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func userAdd(ctx context.Context, cfg app.Config, args []string, getenv func(string) string, out io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "login email")
	role := fs.String("role", "", "admin, coordinator, leadership, team_leader or ctv")
	collaborator := fs.String("collaborator", "", "collaborator id (team_leader and ctv)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw, err := readPassword(getenv, out)
	if err != nil {
		return err
	}
	cfg.Demo = false
	return withApp(ctx, cfg, logger, func(a *app.App) error {
		u, err := a.Accounts.CreateUser(ctx, accountsNewUser(*email, pw, *role, *collaborator))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "created %s (%s), id %s\n", u.Email, u.Role, u.ID)
		return nil
	})
}
