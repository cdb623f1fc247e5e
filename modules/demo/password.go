package demo

import (
	"context"
	"sort"

	"github.com/ctvacademy/academy/modules/accounts"
)

// The demo accounts are recognised by two marks together: their email is
// one of the demo network's (content/demo/network.yaml: its staff and
// collaborators), and their password hash is the one Load gave them all.
// Load hashes the demo password once, so every account it created holds
// the very same argon2id string, salt included; an account created any
// other way has a salt of its own, and one whose person changed its
// password no longer shares the hash. So an admin, a real account, or a
// demo account someone made their own is never touched.

// Accounts returns the demo accounts among users: those with an email of
// the network that still share the hash Load gave them (the largest group
// of two or more sharing one hash). None when no such group exists.
func Accounts(n Network, users []accounts.User) []accounts.User {
	emails := map[string]bool{}
	for _, s := range n.Staff {
		if e, err := accounts.NormalizeEmail(s.Email); err == nil {
			emails[e] = true
		}
	}
	for _, p := range n.Collaborators {
		if e, err := accounts.NormalizeEmail(p.Email); err == nil {
			emails[e] = true
		}
	}
	byHash := map[string][]accounts.User{}
	for _, u := range users {
		if emails[u.Email] && u.PasswordHash != "" {
			byHash[u.PasswordHash] = append(byHash[u.PasswordHash], u)
		}
	}
	var best []accounts.User
	for _, us := range byHash {
		if len(us) >= 2 && len(us) > len(best) {
			best = us
		}
	}
	sort.Slice(best, func(i, j int) bool { return best[i].Email < best[j].Email })
	return best
}

// PasswordResult says what ApplyPassword found and did.
type PasswordResult struct {
	Accounts int  // demo accounts recognised (see Accounts)
	Changed  bool // their password was not the given one and now is
}

// ApplyPassword makes password (ACADEMY_DEMO_PASSWORD) the password of the
// demo accounts of an existing database, as it is for a new one: without
// it, setting the variable after the first start changed nothing and every
// sign-in failed. Only the accounts Accounts recognises change; their
// sessions end, and one audit entry records it. Nothing is written when
// they already have that password.
func ApplyPassword(ctx context.Context, n Network, d Deps, password string) (PasswordResult, error) {
	users, err := d.Accounts.Users(ctx)
	if err != nil {
		return PasswordResult{}, err
	}
	demo := Accounts(n, users)
	res := PasswordResult{Accounts: len(demo)}
	if len(demo) == 0 || accounts.PasswordMatches(password, demo[0].PasswordHash) {
		return res, nil
	}
	hash, err := d.Accounts.HashPassword(password)
	if err != nil {
		return res, err
	}
	ids := make([]string, len(demo))
	for i, u := range demo {
		ids[i] = u.ID
	}
	if err := d.Accounts.SetSharedPasswordHash(ctx, ids, hash, "ACADEMY_DEMO_PASSWORD changed at start"); err != nil {
		return res, err
	}
	res.Changed = true
	return res, nil
}
