// Package app binds every module into one service: it opens the store,
// creates indexes, builds the HTTP platform and registers each module's
// routes. cmd/academy reads the configuration and calls it; tests start the
// same service on a database of their own.
package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/certification/certpdf"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/demo"
	"github.com/ctvacademy/academy/modules/home"
	"github.com/ctvacademy/academy/modules/outbox"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/ctvacademy/academy/modules/platform/jobs"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/store/embedded"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/quizzes"
	"github.com/ctvacademy/academy/modules/reports"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/ctvacademy/academy/modules/standing"
	"github.com/ctvacademy/academy/policies"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Config is the service's configuration, read from ACADEMY_* in cmd.
type Config struct {
	HTTPAddr string
	BaseURL  string
	DataDir  string
	MongoURI string
	MongoDB  string
	SMTPURL  string
	MailFrom string
	// MailFromName is the sender's display name ACADEMY_MAIL_FROM gives
	// (empty: the Center's name in each mail's language).
	MailFromName  string
	AdminEmail    string
	AdminPassword string
	Demo          bool
	// DemoActivity adds, to a demo network loaded into an empty database,
	// sample sessions (over and to come, with invitations, answers and
	// attendance) and graded quiz attempts. cmd sets it with Demo; tests
	// that count records leave it off.
	DemoActivity bool
	DemoPassword string
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client (login throttling, logs); none by default.
	TrustedProxies []netip.Prefix
	// MetricsAddr is where cmd serves /metrics; empty: nowhere (never on
	// HTTPAddr).
	MetricsAddr string
}

// Options are what tests change.
type Options struct {
	Logger *slog.Logger
	// DB, when set, is used instead of opening the configured store.
	DB    *mongo.Database
	Clock clock.Clock
	// Argon2 overrides the password hashing cost (tests use a cheap one).
	Argon2 *argon2id.Params
	// Events receives "quiz passed"; nil logs it and has certification
	// reconcile the person.
	Events quizzes.Events
	// Mail tunes the mail worker (leases, timeouts, backoff); the zero value
	// gives mail.WorkerOptions' defaults. Fault tests shrink them.
	Mail mail.WorkerOptions
	// Courses holds the course catalog's files (a `courses/` folder);
	// nil: the product's content. Benchmarks add a course of their own.
	Courses fs.FS
	// MailTemplates holds the mail templates (a `mail/` folder); nil: the
	// product's content. Tests start with broken ones.
	MailTemplates fs.FS
	// IndexIDs, with DB, adds the embedded store's `_id` lookup indexes
	// (store.IndexIDs) once Setup has created the collections, as the
	// store's own indexer does when the service opens it: whoever hands
	// the database in knows its files (tests: storetest.IndexIDs).
	IndexIDs func(ctx context.Context, db *mongo.Database) (int, error)
	// ScreenRefresh is how often the check-in screen reloads itself; 0:
	// scheduling.ScreenRefresh. Browser tests shorten it.
	ScreenRefresh time.Duration
}

// App is the running service.
type App struct {
	Config        Config
	Platform      *web.Platform
	Store         *store.Store // nil when a database was handed in
	DB            *mongo.Database
	Accounts      *accounts.Service
	Collaborators *collaborators.Service
	Courses       *courses.Catalog
	Quizzes       *quizzes.Service
	Scheduling    *scheduling.Service
	Certification *certification.Service
	Outbox        *mail.Outbox
	MailWorker    *mail.Worker
	Jobs          *jobs.Runner
	Audit         *audit.Log
	Logger        *slog.Logger
	// Modules are the domain modules, in the order their routes are
	// registered; Policy is the authorization policy they and the
	// platform make together.
	Modules []module.Module
	Policy  string
	// DemoLoaded and DemoPassword tell what Setup did, for the start-up message.
	DemoLoaded   bool
	DemoPassword string
	// DemoPasswordApplied tells, when ACADEMY_DEMO_PASSWORD is set and the
	// demo network was loaded at an earlier start, what applying it to the
	// demo accounts found and did (nil otherwise).
	DemoPasswordApplied *demo.PasswordResult
	// DemoActivity is what LoadDemo added beside the network (nil: nothing).
	DemoActivity *demo.Activity
	AdminCreated bool

	clock clock.Clock
	// languages caches the collaborators' mail languages (mailLanguages).
	languages *accountLanguages

	stopWorkers []func()
	indexIDs    func(ctx context.Context, db *mongo.Database) (int, error)
}

// New opens the store and builds every module. It does not write anything;
// Setup does.
func New(ctx context.Context, cfg Config, opts Options) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Clock == nil {
		opts.Clock = clock.System{}
	}
	a := &App{Config: cfg, Logger: opts.Logger, DB: opts.DB, clock: opts.Clock, indexIDs: opts.IndexIDs}
	if a.DB == nil {
		st, err := store.Open(ctx, store.Config{URI: cfg.MongoURI, Database: cfg.MongoDB, DataDir: cfg.DataDir, Logger: opts.Logger, Embedded: embedded.Start})
		if err != nil {
			return nil, err
		}
		a.Store, a.DB = st, st.DB
	}
	if err := a.build(ctx, opts); err != nil {
		_ = a.Close(context.Background())
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, opts Options) error {
	tr, err := i18n.Load(mustSub("i18n"))
	if err != nil {
		return err
	}
	a.Audit = audit.New(a.DB, opts.Clock.Now)
	a.Collaborators = collaborators.NewService(collaborators.Deps{Store: collaborators.NewStore(a.DB), Audit: a.Audit, Clock: opts.Clock})
	a.Accounts, err = accounts.NewService(accounts.Deps{Store: accounts.NewStore(a.DB), Audit: a.Audit,
		Directory: a.Collaborators, Clock: opts.Clock, Params: opts.Argon2})
	if err != nil {
		return err
	}
	courseFiles := opts.Courses
	if courseFiles == nil {
		courseFiles = content.FS
	}
	cat, probs := courses.Load(courseFiles)
	if len(probs) > 0 {
		return fmt.Errorf("content/ has %d problem(s) (see `academy content check`):\n%w", len(probs), courses.Problems(probs))
	}
	a.Courses = cat
	// Certification reads the attempts and attendance books through a
	// (the quiz and scheduling services are built next).
	a.Certification = certification.NewService(certification.Deps{Store: certification.NewStore(a.DB),
		Records: certRecords{a}, Courses: certCourses{cat}, People: certPeople{a.Collaborators},
		Audit: a.Audit, Clock: opts.Clock, Logger: a.Logger, Sessions: certSessions{a}, BaseURL: a.Config.BaseURL})
	events := opts.Events
	if events == nil {
		events = certEvents{a.Logger, a.Certification}
	}
	a.Quizzes = quizzes.NewService(quizzes.Deps{Store: quizzes.NewStore(a.DB), Catalog: cat, Events: events,
		Clock: opts.Clock, Logger: a.Logger, Areas: areaCodes{a.Collaborators}, People: quizDirectory{a.Collaborators},
		Registry: a.Collaborators, Audit: a.Audit, Renewals: a.Certification, Attendance: quizAttendance{a}})
	if err := a.buildMail(opts); err != nil {
		return err
	}
	tokenKey, err := store.Secret(ctx, a.DB, "rsvp")
	if err != nil {
		return err
	}
	titles := catalogCourses{cat}
	mailFiles := opts.MailTemplates
	if mailFiles == nil {
		mailFiles = content.FS
	}
	// Every template renders with sample data before anything is served:
	// a broken one stops start-up here, not every invitation with a 500.
	if probs := scheduling.CheckNotices(mailFiles); len(probs) > 0 {
		lines := make([]string, len(probs))
		for i, p := range probs {
			lines[i] = "content/" + p.String()
		}
		return fmt.Errorf("content/mail has %d problem(s) (see `academy content check`):\n%s", len(probs), strings.Join(lines, "\n"))
	}
	if err := a.wireAccountLinks(mailFiles); err != nil {
		return err
	}
	if err := a.wireCertMails(mailFiles); err != nil {
		return err
	}
	notices, err := scheduling.LoadNotices(mailFiles, a.Config.MailFrom, cmp.Or(a.Config.MailFromName, certpdf.DefaultCenter), opts.Clock.Now, titles.Title)
	if err != nil {
		return err
	}
	a.Scheduling = scheduling.NewService(scheduling.Deps{Store: scheduling.NewStore(a.DB), Directory: directory{reg: a.Collaborators, langs: a.mailLanguages()},
		Mailer: outboxMailer{a.Outbox}, Composer: notices, Courses: titles, Audit: a.Audit, Clock: opts.Clock, Logger: a.Logger,
		Pages: schedulingPages(cat, a.Collaborators), BaseURL: a.Config.BaseURL, TokenKey: tokenKey,
		Marked: a.reconcileCerts})

	courseMod, err := courses.NewModule(cat)
	if err != nil {
		return err
	}
	courseMod.WithHoldings(func(ctx context.Context, collaboratorID string) (map[string]courses.Holding, error) {
		return liveCertificates(ctx, a.Certification, collaboratorID)
	})
	perf, err := performance.NewService(performance.Deps{Store: performance.NewStore(a.DB), People: a.Collaborators, Audit: a.Audit, Clock: opts.Clock, Content: content.FS})
	if err != nil {
		return err
	}
	standingRules, err := standing.Load(content.FS, standing.File)
	if err != nil {
		return fmt.Errorf("content/%s: %w", standing.File, err)
	}
	standingSvc := standing.NewService(standingSource{reg: a.Collaborators, certs: a.Certification, perf: perf, sched: a.Scheduling, cat: cat, clock: opts.Clock},
		standingRules, opts.Clock, a.Audit, standing.NewStore(a.DB))
	a.Collaborators.GuardRenewals(renewalGuard(standingSvc))
	a.Collaborators.OnMove(a.rehomeResults)
	standingMod := standingModule(standingSvc, cat, a.Scheduling)
	a.Collaborators.ShowStanding(standingPanel(standingMod))
	// The modules, in the order their routes are registered. A new module
	// is one more line here.
	a.Modules = []module.Module{
		accounts.NewModule(a.Accounts),
		collaborators.NewModule(a.Collaborators),
		courseMod,
		quizzes.NewModule(a.Quizzes),
		scheduling.NewModule(a.Scheduling).WithScreenRefresh(opts.ScreenRefresh),
		outbox.NewModule(a.Outbox),
		performance.NewModule(perf),
		reports.NewModule(withLedgers{reportsSource{reg: a.Collaborators, certs: a.Certification, records: perf.Everyone(), cache: &reportsCache{snaps: newSnapshots(a.DB, standingRules, a.Logger)},
			standing: standingSvc, sched: a.Scheduling, cat: cat, clock: opts.Clock}, a.Scheduling, a.Quizzes, &ledgersCache{}}),
		certification.NewModule(a.Certification).WithAreas(directory{reg: a.Collaborators}.areaNames),
		standingMod,
		certpdf.NewModule(certpdf.FromService(a.Certification), certpdf.Options{BaseURL: a.Config.BaseURL, Now: opts.Clock.Now}),
		home.NewModule(home.NewService(home.Deps{Invitations: homeInvitations{a.Scheduling},
			Courses: homeCourses{a.Quizzes, cat, a.Certification}})),
	}
	return a.assemble(ctx, tr, opts)
}

// assemble joins the modules' policies, builds the HTTP platform, registers
// every module's routes and its jobs.
func (a *App) assemble(ctx context.Context, tr *i18n.Translator, opts Options) error {
	files := [][2]string{{"policies/platform.csv", policies.Platform}}
	for _, m := range a.Modules {
		files = append(files, [2]string{"modules/" + m.Name() + "/policy.csv", m.Policy()})
	}
	a.Policy = policies.Join(files...)
	enf, err := authz.New(policies.Model, a.Policy)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	csrfKey, err := store.Secret(ctx, a.DB, "csrf")
	if err != nil {
		return err
	}
	a.Platform, err = web.New(web.Options{
		Logger: a.Logger, Enforcer: enf, Authenticator: a.Accounts, Translator: tr, Registry: reg,
		SecureCookies: strings.HasPrefix(a.Config.BaseURL, "https://"), TrustedProxies: a.Config.TrustedProxies, CSRFKey: csrfKey,
		Ready:   func(ctx context.Context) error { return a.DB.Client().Ping(ctx, nil) },
		BaseURL: a.Config.BaseURL,
	})
	if err != nil {
		return err
	}
	a.Jobs = jobs.New(a.DB, opts.Clock, jobs.Options{Logger: a.Logger})
	for _, m := range a.Modules {
		if err := module.Register(m, a.Platform); err != nil {
			return fmt.Errorf("%s: %w", m.Name(), err)
		}
		for _, j := range m.Jobs() {
			a.Jobs.Add(j.Name, j.Every, j.Run)
		}
	}
	return nil
}

// schedulingPages hands the scheduling pages the course catalog and the
// district units for their selects.
func schedulingPages(cat *courses.Catalog, reg *collaborators.Service) scheduling.PageDeps {
	return scheduling.PageDeps{
		Courses: func(lang string) []scheduling.Choice {
			var out []scheduling.Choice
			for _, c := range cat.Courses() {
				out = append(out, scheduling.Choice{Code: c.Code, Name: c.Title.In(lang)})
			}
			return out
		},
		Areas: func(ctx context.Context) ([]scheduling.Choice, error) {
			areas, err := reg.Areas(ctx)
			out := make([]scheduling.Choice, len(areas))
			for i, a := range areas {
				out[i] = scheduling.Choice{Code: a.Code, Name: a.Name}
			}
			return out, err
		},
	}
}

// buildMail sets up the outbox and its worker: SMTP when configured,
// otherwise .eml files under DataDir/mail.
func (a *App) buildMail(opts Options) error {
	a.Outbox = mail.NewOutbox(a.DB, opts.Clock)
	// The Center signs in the mail's language, unless ACADEMY_MAIL_FROM
	// names the sender itself.
	from := mail.Address{Email: a.Config.MailFrom, Name: certpdf.DefaultCenter}
	names := map[string]string{"en": certpdf.DefaultCenterEN}
	if a.Config.MailFromName != "" {
		from.Name, names = a.Config.MailFromName, nil
	}
	var sender mail.Sender
	if a.Config.SMTPURL != "" {
		s, err := mail.NewSMTPSender(a.Config.SMTPURL, mail.SMTPOptions{From: from, Names: names})
		if err != nil {
			return fmt.Errorf("ACADEMY_SMTP_URL: %w", err)
		}
		sender = s
	} else {
		s, err := mail.NewDropSender(filepath.Join(a.Config.DataDir, "mail"), from)
		if err != nil {
			return err
		}
		sender = s.WithNames(names)
	}
	wo := opts.Mail
	if wo.Logger == nil {
		wo.Logger = a.Logger
	}
	a.MailWorker = mail.NewWorker(a.Outbox, sender, opts.Clock, wo)
	return nil
}

// reconcileCerts has certification mark the people whose attendance was
// just marked; its background run reconciles them soon after (a failure
// leaves them to the next run or the nightly job).
func (a *App) reconcileCerts(ctx context.Context, ids []string) error {
	return a.Certification.Noted(ctx, ids...)
}

// rehomeResults moves the quiz results of a collaborator the registry just
// moved to another district unit; a failure is logged and left to the
// quizzes.rehome job, which compares the units' results with the registry.
func (a *App) rehomeResults(ctx context.Context, id, from, to string) {
	if _, err := a.Quizzes.Rehome(ctx, id); err != nil {
		a.Logger.ErrorContext(ctx, "quiz results of a moved collaborator", "collaborator", id, "from", from, "to", to, "error", err)
	}
}

// Setup creates indexes, the first admin and, when configured, the demo
// network in an empty database.
func (a *App) Setup(ctx context.Context) error {
	idx := append(audit.Indexes(), jobs.Indexes()...)
	for _, m := range a.Modules {
		idx = append(idx, m.Indexes()...)
	}
	if err := store.EnsureIndexes(ctx, a.DB, idx); err != nil {
		return err
	}
	switch {
	case a.Store != nil:
		if _, err := a.Store.IndexIDs(ctx); err != nil {
			return err
		}
	case a.indexIDs != nil:
		if _, err := a.indexIDs(ctx, a.DB); err != nil {
			return err
		}
	}
	if n, err := a.Outbox.ReleaseOrphans(ctx); err != nil {
		return fmt.Errorf("mail outbox: %w", err)
	} else if n > 0 {
		a.Logger.Info("mail the previous process was sending is queued again", "messages", n)
	}
	if n, err := a.Quizzes.Backfill(ctx); err != nil {
		return fmt.Errorf("quiz rosters: %w", err)
	} else if n > 0 {
		a.Logger.Info("quiz rosters built from earlier results", "results", n)
	}
	if a.Config.AdminEmail != "" {
		created, err := a.Accounts.EnsureAdmin(ctx, a.Config.AdminEmail, a.Config.AdminPassword)
		if err != nil {
			return fmt.Errorf("first admin: %w", err)
		}
		a.AdminCreated = created
	}
	if a.Config.Demo {
		if err := a.LoadDemo(ctx); err != nil {
			return err
		}
	}
	return nil
}

// LoadDemo loads the demo network when the database is empty.
func (a *App) LoadDemo(ctx context.Context) error {
	n, err := demo.Read(content.FS)
	if err != nil {
		return err
	}
	pw := a.Config.DemoPassword
	if pw == "" {
		pw = RandomPassword()
	}
	ctx = context.WithValue(ctx, seedingKey{}, true) // the demo makes its accounts itself
	loaded, err := demo.Load(ctx, n, demo.Deps{Collaborators: a.Collaborators, Accounts: a.Accounts}, pw)
	if err != nil {
		return err
	}
	a.DemoLoaded = loaded
	if loaded {
		a.DemoPassword = pw
		if a.Config.DemoActivity {
			return a.loadDemoActivity(ctx, n)
		}
		return nil
	}
	// Loaded at an earlier start: a password set now is the password of
	// the demo accounts too, as the variable says (see demo.ApplyPassword).
	if a.Config.DemoPassword != "" {
		res, err := demo.ApplyPassword(ctx, n, demo.Deps{Collaborators: a.Collaborators, Accounts: a.Accounts}, a.Config.DemoPassword)
		if err != nil {
			return fmt.Errorf("ACADEMY_DEMO_PASSWORD: %w", err)
		}
		a.DemoPasswordApplied = &res
		if res.Changed {
			a.Logger.Info("ACADEMY_DEMO_PASSWORD applied to the demo accounts", "accounts", res.Accounts)
		}
	}
	return nil
}

// loadDemoActivity writes the demo's sample sessions, their delivered
// invitations, graded attempts and quarterly records beside the network just loaded (see
// demo.LoadActivity): no mail is sent.
func (a *App) loadDemoActivity(ctx context.Context, n demo.Network) error {
	rules, err := standing.Load(content.FS, standing.File)
	if err != nil {
		return fmt.Errorf("content/%s: %w", standing.File, err)
	}
	act, err := demo.LoadActivity(ctx, n, demo.ActivityDeps{Collaborators: a.Collaborators, Accounts: a.Accounts,
		Catalog: a.Courses, Scheduling: a.Scheduling, Quizzes: quizzes.NewStore(a.DB), Outbox: a.Outbox,
		Performance: performance.NewStore(a.DB), Weights: rules.Performance.Weights,
		MailFiles: content.FS, MailFrom: a.Config.MailFrom, BaseURL: a.Config.BaseURL}, a.clock.Now(), demo.Seed)
	if err != nil {
		return err
	}
	a.DemoActivity = &act
	a.Logger.Info("demo sessions, results and quarterly records loaded", "past_sessions", act.Past, "upcoming_sessions", act.Upcoming,
		"invitations", act.Invitations, "attendance_marks", act.Marks, "attempts", act.Attempts, "passed", act.Passed,
		"records", act.Records, "approved", act.Approved, "quarters", act.Quarters)
	return nil
}

// RandomPassword returns a fresh password that is easy to type.
func RandomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return strings.NewReplacer("-", "x", "_", "y").Replace(base64.RawURLEncoding.EncodeToString(b))
}

// Serve answers HTTP on ln until ctx ends, then shuts down in order: stop
// accepting, drain in-flight requests, stop workers. The caller closes the
// store afterwards.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	a.startWorkers()
	errc := make(chan error, 1)
	go func() { errc <- a.Platform.App.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Logger.Info("shutting down: draining requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := a.Platform.App.ShutdownWithContext(shutCtx)
	// If shutdown came before the server began to accept, closing the
	// listener is what makes it return.
	_ = ln.Close()
	for _, stop := range a.stopWorkers {
		stop()
	}
	if serveErr := <-errc; serveErr != nil && err == nil && !errors.Is(serveErr, net.ErrClosed) {
		err = serveErr
	}
	return err
}

// ServeMetrics answers GET /metrics (Prometheus) on ln until ctx ends: a
// listener of its own (ACADEMY_METRICS_ADDR), so that the numbers are not
// served to the public on the service's address.
func (a *App) ServeMetrics(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Platform.MetricsHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	if serveErr := <-errc; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

// Close disconnects from the store and stops the embedded server.
func (a *App) Close(ctx context.Context) error {
	if a.Store != nil {
		return a.Store.Close(ctx)
	}
	return nil
}

// startWorkers starts the background work: the mail worker and the jobs
// (overdue quiz attempts, reminders, catching up on unsent notices).
func (a *App) startWorkers() {
	ctx := context.Background()
	a.MailWorker.Start(ctx)
	a.Jobs.Start(ctx)
	a.Certification.Start(ctx)
	a.stopWorkers = append(a.stopWorkers, a.Jobs.Stop, a.MailWorker.Stop, a.Certification.Stop)
}
