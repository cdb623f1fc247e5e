// Package module is the one shape every domain module has, as the app
// assembles them: its lines of the authorization policy, its collections'
// indexes, its background jobs and its routes. A new module implements
// Module and is added to the list in modules/app; nothing else there
// changes.
package module

import (
	"context"
	"io/fs"
	"time"

	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/web"
)

// Module is one domain of the service.
type Module interface {
	// Name names the module in logs and errors ("scheduling").
	Name() string
	// Policy is the module's lines of the authorization policy (CSV:
	// p, role, route pattern, method, scope), one file per module. Every
	// route the module registers must be named there.
	Policy() string
	// Indexes are the indexes the module's collections need.
	Indexes() []store.Index
	// Jobs are the module's background jobs, run by the job runner in at
	// most one process at a time.
	Jobs() []Job
	// Register adds the module's views and routes to the platform.
	Register(p *web.Platform) error
	// attach hands the module the platform before Register. Only Base
	// has it, so every module embeds Base.
	attach(p *web.Platform)
}

// Register hands m the platform p (its Base's Platform from then on) and
// has m add its views and routes to it. The app registers every module
// through it.
func Register(m Module, p *web.Platform) error {
	m.attach(p)
	return m.Register(p)
}

// Job is a background job: Run every Every, first as soon as it is due.
// now is the time the run was due at.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context, now time.Time) error
}

// Counted is the Job named name that runs work every every, work being a
// use case that also says how many things it did (sent, purged, graded):
// the job keeps only its error.
func Counted[N any](name string, every time.Duration, work func(context.Context) (N, error)) Job {
	return Job{Name: name, Every: every, Run: func(ctx context.Context, _ time.Time) error {
		_, err := work(ctx)
		return err
	}}
}

// Every is the Job named name that runs work every every, work not
// needing the time of the tick.
func Every(name string, every time.Duration, work func(context.Context) error) Job {
	return Job{Name: name, Every: every, Run: func(ctx context.Context, _ time.Time) error { return work(ctx) }}
}

// Base gives a module its name, its policy lines and its indexes, no
// jobs, and the platform it is registered on. Embed Named(name, policy,
// indexes...) and override Jobs where the module has some.
type Base struct {
	name, policy string
	indexes      []store.Index
	// Platform is the platform the module is registered on (set by
	// Register before the module's own Register runs): its handlers
	// translate, render and read the session through it.
	Platform *web.Platform
}

// Named is the Base of the module called name with the policy lines
// policy (its policy.csv) and the indexes of its collections.
func Named(name, policy string, indexes ...store.Index) Base {
	return Base{name: name, policy: policy, indexes: indexes}
}

// Name names the module.
func (b Base) Name() string { return b.name }

// Policy is the module's lines of the authorization policy.
func (b Base) Policy() string { return b.policy }

// Indexes are the indexes of the module's collections.
func (b Base) Indexes() []store.Index { return b.indexes }

// Jobs returns none.
func (Base) Jobs() []Job { return nil }

func (b *Base) attach(p *web.Platform) { b.Platform = p }

// Mount adds a module's templates (views/*.html of views) to the platform,
// then its API routes and its page routes (either may be nil).
func Mount(p *web.Platform, views fs.FS, api, pages func(*web.Router)) error {
	if err := p.RegisterViews(views, "views/*.html"); err != nil {
		return err
	}
	if api != nil {
		api(p.API)
	}
	if pages != nil {
		pages(p.Web)
	}
	return nil
}
