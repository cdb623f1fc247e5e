package burst

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/ctvacademy/academy/modules/app"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/store/embedded"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Stack is the embedded store and the whole service on it, as the
// benchmark commands run them.
type Stack struct {
	Emb    store.Embedded
	Client *mongo.Client
	DB     *mongo.Database
	App    *app.App
	Base   string // http://<loopback address>
	stop   func()
}

// StackConfig says how to start a Stack.
type StackConfig struct {
	Dir     string   // data directory; the store's files are under Dir/store
	Monitor *Monitor // attached to the driver
	Log     *slog.Logger
	// SMTPURL and MailFrom go to app.Config.
	SMTPURL, MailFrom string
	// Prepare, when set, runs after app.New and before Setup (to replace
	// a part of the service); Loaded after Setup (to load the fixture).
	Prepare, Loaded func(ctx context.Context, s *Stack) error
	// IDIndex adds the store's `_id` lookup indexes before serving, as
	// store.Open does, also to the Extra collections (created empty first).
	IDIndex bool
	Extra   []string
	// Courses replaces the course catalog's files (app.Options.Courses).
	Courses fs.FS
	// TrustedProxies go to app.Config: a client behind one of them is
	// named by X-Forwarded-For (a benchmark of a public page stands for
	// many visitors so).
	TrustedProxies []netip.Prefix
}

// OpenEmbedded starts the embedded store on dir (its files under
// dir/store) and connects to it as store.Open does: one driver connection,
// marked as the store's only client, with the operation timeout given and
// mon attached to it.
func OpenEmbedded(dir string, mon *Monitor, timeout time.Duration) (store.Embedded, *mongo.Client, error) {
	emb, err := embedded.Start(filepath.Join(dir, "store"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, nil, err
	}
	client, err := mongo.Connect(options.Client().ApplyURI(emb.URI()).SetMaxPoolSize(store.EmbeddedPoolSize).
		SetTimeout(timeout).SetMonitor(mon.CommandMonitor()))
	if err != nil {
		emb.Stop()
		return nil, nil, err
	}
	store.MarkExclusive(client)
	return emb, client, nil
}

// StartStack starts the embedded store on c.Dir (OpenEmbedded, a 30 s
// operation timeout) with the command monitor, the service on it (app.New
// with Options{DB}, Setup without the demo) and serves on a loopback
// listener.
func StartStack(ctx context.Context, c StackConfig) (*Stack, error) {
	emb, client, err := OpenEmbedded(c.Dir, c.Monitor, 30*time.Second)
	if err != nil {
		return nil, err
	}
	s := &Stack{Emb: emb, Client: client, DB: client.Database("academy"), stop: func() {}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		return nil, err
	}
	s.Base = "http://" + ln.Addr().String()
	mailFrom := c.MailFrom
	if mailFrom == "" {
		mailFrom = "academy@localhost"
	}
	s.App, err = app.New(ctx, app.Config{HTTPAddr: ln.Addr().String(), BaseURL: s.Base, DataDir: c.Dir, MongoDB: "academy",
		SMTPURL: c.SMTPURL, MailFrom: mailFrom, TrustedProxies: c.TrustedProxies}, app.Options{DB: s.DB, Logger: c.Log, Courses: c.Courses})
	if err == nil && c.Prepare != nil {
		err = c.Prepare(ctx, s)
	}
	if err == nil {
		err = s.App.Setup(ctx)
	}
	if err == nil && c.Loaded != nil {
		err = c.Loaded(ctx, s)
	}
	if err == nil && c.IDIndex {
		for _, name := range c.Extra {
			_ = s.DB.CreateCollection(ctx, name) // exists already: fine
		}
		_, err = s.Emb.IndexIDs(ctx, "academy")
	}
	if err != nil {
		_ = ln.Close()
		s.Close()
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- s.App.Serve(sctx, ln) }()
	s.stop = func() { cancel(); <-served }
	return s, nil
}

// Close stops the service, then the store.
func (s *Stack) Close() {
	if s == nil || s.Emb == nil {
		return
	}
	s.stop()
	_ = s.Client.Disconnect(context.Background())
	s.Emb.Stop()
	s.Emb = nil
}
