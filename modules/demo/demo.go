// Package demo loads the demo network of content/demo into an empty
// database: the 11 district units, 10 team leaders and 55 CTVs with their
// contracts, one account per person and a coordinator and a leadership
// account, all sharing one password.
package demo

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"

	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/collaborators"
	"go.yaml.in/yaml/v3"
)

// Network is the content of content/demo/network.yaml.
type Network struct {
	Areas         []collaborators.Area `yaml:"areas"`
	Staff         []Staff              `yaml:"staff"`
	Collaborators []Person             `yaml:"collaborators"`
}

// Staff is a Center account with no collaborator record.
type Staff struct {
	Email    string `yaml:"email"`
	FullName string `yaml:"full_name"`
	Role     string `yaml:"role"`
}

// Person is one collaborator of the demo network.
type Person struct {
	Code     string `yaml:"code"`
	FullName string `yaml:"full_name"`
	Email    string `yaml:"email"`
	Phone    string `yaml:"phone"`
	Role     string `yaml:"role"`
	AreaCode string `yaml:"area_code"`
	Commune  string `yaml:"commune"`
	Position string `yaml:"position"`
	Contract struct {
		Number           string `yaml:"number"`
		StartsOn         string `yaml:"starts_on"`
		EndsOn           string `yaml:"ends_on"`
		Status           string `yaml:"status"`
		QuarterlyStipend int64  `yaml:"quarterly_stipend"`
	} `yaml:"contract"`
}

// Read parses the demo network from fsys (content.FS).
func Read(fsys fs.FS) (Network, error) {
	var n Network
	b, err := fs.ReadFile(fsys, "demo/network.yaml")
	if err != nil {
		return n, fmt.Errorf("demo: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&n); err != nil {
		return n, fmt.Errorf("demo/network.yaml: %w", err)
	}
	return n, nil
}

// Deps are the services the loader writes through.
type Deps struct {
	Collaborators *collaborators.Service
	Accounts      *accounts.Service
}

// Load writes the network into the database when it holds no district unit
// yet, and reports whether it did.
func Load(ctx context.Context, n Network, d Deps, password string) (bool, error) {
	areas, err := d.Collaborators.Areas(ctx)
	if err != nil {
		return false, err
	}
	if len(areas) > 0 {
		return false, nil
	}
	if err := d.Collaborators.SetAreas(ctx, n.Areas); err != nil {
		return false, err
	}
	ins := make([]collaborators.Input, len(n.Collaborators))
	for i, p := range n.Collaborators {
		ins[i] = collaborators.Input{Code: p.Code, FullName: p.FullName, Email: p.Email, Phone: p.Phone, Role: p.Role,
			AreaCode: p.AreaCode, Commune: p.Commune, Position: p.Position, Contract: collaborators.Contract(p.Contract)}
	}
	created, err := d.Collaborators.Create(ctx, ins, func(i int) string { return fmt.Sprintf("collaborators[%d].", i) })
	if err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	// The demo accounts share one password by design, so one hash serves all.
	hash, err := d.Accounts.HashPassword(password)
	if err != nil {
		return false, err
	}
	users := make([]accounts.NewUser, 0, len(created)+len(n.Staff))
	for _, s := range n.Staff {
		users = append(users, accounts.NewUser{Email: s.Email, Role: s.Role})
	}
	for _, c := range created {
		users = append(users, accounts.NewUser{Email: c.Email, Role: c.Role, CollaboratorID: c.ID})
	}
	if err := d.Accounts.CreateUsersWithHash(ctx, users, hash); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	return true, nil
}
