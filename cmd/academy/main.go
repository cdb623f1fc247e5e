// Command academy is CTV Academy: `academy` serves; `academy seed-demo`
// loads the demo network; `academy user add` creates an account;
// `academy content check` validates content/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ctvacademy/academy/modules/app"
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
	}
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
	if cfg.AdminEmail != "" && len(cfg.AdminPassword) < 10 {
		return cfg, errors.New("ACADEMY_ADMIN_PASSWORD must be set (at least 10 characters) with ACADEMY_ADMIN_EMAIL")
	}
	return cfg, nil
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
		cfg.Demo = true
		return withApp(ctx, cfg, logger, func(a *app.App) error {
			if !a.DemoLoaded {
				fmt.Fprintln(out, "The database already holds a network; nothing loaded.")
				return nil
			}
			fmt.Fprintf(out, "Demo network loaded. Every demo account's password: %s\n", a.DemoPassword)
			return nil
		})
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return errors.New("usage: academy user add --email E --role R [--collaborator ID] (password from ACADEMY_USER_PASSWORD or stdin)")
		}
		return userAdd(ctx, cfg, args[2:], getenv, out, logger)
	case "content":
		if len(args) < 2 || args[1] != "check" {
			return errors.New("usage: academy content check")
		}
		return contentCheck(out)
	case "help", "-h", "--help":
		fmt.Fprintln(out, "usage: academy [serve | seed-demo | user add --email E --role R [--collaborator ID] | content check]")
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

func serve(ctx context.Context, cfg app.Config, out io.Writer, logger *slog.Logger) error {
	return withApp(ctx, cfg, logger, func(a *app.App) error {
		ln, err := net.Listen("tcp", cfg.HTTPAddr)
		if err != nil {
			return err
		}
		printBanner(out, a, ln.Addr().String())
		err = a.Serve(ctx, ln)
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
	case cfg.Demo:
		fmt.Fprintf(out, "  demo network present: sign in as dieuphoi@example.vn with the demo password (ACADEMY_DEMO_PASSWORD or the one printed at first start)\n")
	}
	if cfg.AdminEmail != "" {
		fmt.Fprintf(out, "  admin: %s (password from ACADEMY_ADMIN_PASSWORD)\n", cfg.AdminEmail)
	}
	if !cfg.Demo && cfg.AdminEmail == "" {
		fmt.Fprintln(out, "  no accounts configured: set ACADEMY_ADMIN_EMAIL and ACADEMY_ADMIN_PASSWORD, or run `academy user add`")
	}
}

func userAdd(ctx context.Context, cfg app.Config, args []string, getenv func(string) string, out io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "login email")
	role := fs.String("role", "", "admin, coordinator, leadership, team_leader or ctv")
	collaborator := fs.String("collaborator", "", "collaborator id (team_leader and ctv)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw := getenv("ACADEMY_USER_PASSWORD")
	if pw == "" {
		fmt.Fprint(out, "password: ")
		b, err := io.ReadAll(io.LimitReader(os.Stdin, 300))
		if err != nil {
			return err
		}
		pw = strings.TrimRight(string(b), "\r\n")
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
