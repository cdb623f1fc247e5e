package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/app"
	"github.com/ctvacademy/academy/modules/demo"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestDemoPasswordOnAnExistingDataDirectory: ACADEMY_DEMO_PASSWORD set
// after the first start becomes the password of the demo accounts (it was
// silently ignored, and every sign-in answered 401), is audited, and
// touches no other account: not the admin, not a demo account whose person
// set a password of their own. `academy user set-password` resets one
// account. The banner says what happened, and that the variable is ignored
// when the demo is off.
func TestDemoPasswordOnAnExistingDataDirectory(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	base := map[string]string{"ACADEMY_DATA_DIR": t.TempDir(), "ACADEMY_HTTP_ADDR": "127.0.0.1:0",
		"ACADEMY_ADMIN_EMAIL": "admin@example.vn", "ACADEMY_ADMIN_PASSWORD": "admin-secret-42"}
	with := func(extra map[string]string) func(string) string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return env(m)
	}
	cmd := func(extra map[string]string, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, args, with(extra), &out, quiet); err != nil {
			t.Fatalf("academy %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}
	// open runs fn on the data directory without loading or changing the demo.
	open := func(fn func(a *app.App)) {
		t.Helper()
		cfg, err := configFrom(with(map[string]string{"ACADEMY_DEMO": "false"}))
		if err != nil {
			t.Fatal(err)
		}
		if err := withApp(ctx, cfg, quiet, func(a *app.App) error { fn(a); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	signsIn := func(a *app.App, email, pw string) bool {
		_, _, err := a.Accounts.Login(ctx, email, pw)
		return err == nil
	}

	out := cmd(nil, "seed-demo")
	first := strings.TrimSpace(out[strings.Index(out, "password: ")+len("password: "):])
	const ctv = "an.nguyenvan@example.vn"
	var demoAccounts int
	open(func(a *app.App) {
		n, err := demo.Read(content.FS)
		if err != nil {
			t.Fatal(err)
		}
		demoAccounts = len(n.Staff) + len(n.Collaborators)
		if !signsIn(a, "dieuphoi@example.vn", first) {
			t.Fatalf("the printed demo password %q does not sign in", first)
		}
		// One person made the account their own.
		if _, err := a.Accounts.SetPassword(ctx, ctv, "my-own-password-7"); err != nil {
			t.Fatal(err)
		}
	})

	// Set on the existing directory: applied to the demo accounts.
	out = cmd(map[string]string{"ACADEMY_DEMO_PASSWORD": "new-demo-password-9"}, "seed-demo")
	if want := "ACADEMY_DEMO_PASSWORD is now the password of its"; !strings.Contains(out, want) || strings.Contains(out, "new-demo-password-9") {
		t.Errorf("seed-demo with ACADEMY_DEMO_PASSWORD says:\n%s", out)
	}
	open(func(a *app.App) {
		for _, who := range []string{"dieuphoi@example.vn", "lanhdao@example.vn"} {
			if !signsIn(a, who, "new-demo-password-9") || signsIn(a, who, first) {
				t.Errorf("%s: the new demo password does not sign in, or the old one still does", who)
			}
		}
		if !signsIn(a, ctv, "my-own-password-7") || signsIn(a, ctv, "new-demo-password-9") {
			t.Errorf("%s lost the password they set", ctv)
		}
		if !signsIn(a, "admin@example.vn", "admin-secret-42") || signsIn(a, "admin@example.vn", "new-demo-password-9") {
			t.Error("the admin's password changed")
		}
		var entry struct {
			Changes map[string]any `bson:"changes"`
		}
		err := a.DB.Collection("audit").FindOne(ctx, bson.D{{Key: "action", Value: "user.password_set_many"}}).Decode(&entry)
		if err != nil || fmt.Sprint(entry.Changes["count"]) != fmt.Sprint(demoAccounts-1) {
			t.Errorf("audit of the demo password: %+v (%v), want a count of %d", entry, err, demoAccounts-1)
		}
	})
	// The same password again changes nothing.
	if out := cmd(map[string]string{"ACADEMY_DEMO_PASSWORD": "new-demo-password-9"}, "seed-demo"); !strings.Contains(out, "ACADEMY_DEMO_PASSWORD is the password of its") {
		t.Errorf("seed-demo with the same password says:\n%s", out)
	}

	// An operator resets one account.
	out = cmd(map[string]string{"ACADEMY_USER_PASSWORD": "reset-by-operator-3"}, "user", "set-password", "--email", "LanhDao@example.vn")
	if !strings.Contains(out, "password set for lanhdao@example.vn") {
		t.Errorf("set-password says:\n%s", out)
	}
	var errOut bytes.Buffer
	if err := run(ctx, []string{"user", "set-password", "--email", "nobody@example.vn"}, with(map[string]string{"ACADEMY_USER_PASSWORD": "reset-by-operator-3"}), &errOut, quiet); err == nil || !strings.Contains(err.Error(), "no account has the email nobody@example.vn") {
		t.Errorf("set-password of an unknown email: %v", err)
	}
	if err := run(ctx, []string{"user", "set-password", "--email", "lanhdao@example.vn"}, with(map[string]string{"ACADEMY_USER_PASSWORD": "short"}), &errOut, quiet); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("set-password with a short password: %v", err)
	}
	open(func(a *app.App) {
		if !signsIn(a, "lanhdao@example.vn", "reset-by-operator-3") {
			t.Error("the reset password does not sign in")
		}
	})

	// The banner, for each case; it never prints the variable's value.
	for _, c := range []struct {
		a    *app.App
		want string
	}{
		{&app.App{Config: app.Config{Demo: true, DemoPassword: "x"}, DemoPasswordApplied: &demo.PasswordResult{Accounts: 66, Changed: true}}, "ACADEMY_DEMO_PASSWORD is now the password of its 66 demo accounts"},
		{&app.App{Config: app.Config{Demo: true, DemoPassword: "x"}, DemoPasswordApplied: &demo.PasswordResult{}}, "ACADEMY_DEMO_PASSWORD is ignored: no account still holds the demo password"},
		{&app.App{Config: app.Config{Demo: false, DemoPassword: "x"}}, "ACADEMY_DEMO_PASSWORD is ignored: the demo is off"},
		{&app.App{Config: app.Config{Demo: true}}, "academy user set-password --email"},
	} {
		var b bytes.Buffer
		printBanner(&b, c.a, "127.0.0.1:8080")
		if !strings.Contains(b.String(), c.want) {
			t.Errorf("banner lacks %q:\n%s", c.want, b.String())
		}
	}
}
