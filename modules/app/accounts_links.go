package app

import (
	"context"
	"errors"
	"io/fs"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
)

// wireAccountLinks turns on the accounts' set-password links (activation
// and reset mails through the outbox) and gives every collaborator the
// registry creates or imports an account and its activation mail.
func (a *App) wireAccountLinks(mailFiles fs.FS) error {
	mails, err := loadMails(mailFiles, accounts.LoadMails)
	if err != nil {
		return err
	}
	a.Accounts.UseMail(a.Outbox, mails, registryRoster{a.Collaborators}, a.Config.BaseURL)
	a.Collaborators.OnCreate(func(ctx context.Context, created []collaborators.Collaborator) {
		if ctx.Value(seedingKey{}) != nil {
			return // the demo seeds its own accounts
		}
		people := make([]accounts.Person, len(created))
		for i, c := range created {
			people[i] = personOf(c)
		}
		_ = a.Accounts.Provision(ctx, people) // logged there; the repair job retries
	})
	return nil
}

// loadMails loads a module's mail templates from mailFiles, or from the
// shipped content where mailFiles has none of that module's files (a
// test's mail folder).
func loadMails[M any](mailFiles fs.FS, load func(fs.FS) (M, error)) (M, error) {
	m, err := load(mailFiles)
	if errors.Is(err, fs.ErrNotExist) {
		return load(content.FS)
	}
	return m, err
}

// seedingKey marks a context whose registry writes come with their own
// accounts (the demo network).
type seedingKey struct{}

// registryRoster hands accounts the registry's collaborators.
type registryRoster struct{ reg *collaborators.Service }

func personOf(c collaborators.Collaborator) accounts.Person {
	return accounts.Person{CollaboratorID: c.ID, Email: c.Email, Name: c.FullName, Role: c.Role, AreaCode: c.AreaCode, Archived: c.Archived}
}

func (r registryRoster) People(ctx context.Context) ([]accounts.Person, error) {
	cs, err := r.reg.List(ctx, authz.All, collaborators.Filter{IncludeArchived: true})
	if err != nil {
		return nil, err
	}
	out := make([]accounts.Person, len(cs))
	for i, c := range cs {
		out[i] = personOf(c)
	}
	return out, nil
}

func (r registryRoster) Person(ctx context.Context, id string) (accounts.Person, error) {
	c, err := r.reg.Get(ctx, authz.All, id)
	if err != nil {
		return accounts.Person{}, err
	}
	return personOf(c), nil
}
