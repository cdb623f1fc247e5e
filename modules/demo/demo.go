// Package demo loads the demo network of content/demo into an empty
// database: the 11 district units, 10 team leaders and 55 CTVs with their
// contracts, one account per person and a coordinator and a leadership
// account, all sharing one password.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/srcpos"
	"go.yaml.in/yaml/v3"
)

// File is where the demo network lives in the content file system.
const File = "demo/network.yaml"

// Network is the content of content/demo/network.yaml.
type Network struct {
	Areas         []collaborators.Area `yaml:"areas"`
	Staff         []Staff              `yaml:"staff"`
	Collaborators []Person             `yaml:"collaborators"`

	// root is the parsed file, for the lines of rows and fields.
	root *yaml.Node
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
		NotRenewed       bool   `yaml:"not_renewed"`
	} `yaml:"contract"`
}

// Problem is one thing wrong with the demo network, at a line of File
// (0 when the problem is the whole file).
type Problem struct {
	Line    int
	Message string
}

// String writes the problem as "demo/network.yaml:line: message".
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", File, p.Message)
}

// Problems is a list of problems; as an error it lists them one a line,
// each with its file and line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = "content/" + p.String()
	}
	return fmt.Sprintf("the demo network has %d problem(s):\n%s", len(ps), strings.Join(lines, "\n"))
}

// Read parses the demo network from fsys (content.FS). A file that cannot
// be read as the network is a Problems error naming the line.
func Read(fsys fs.FS) (Network, error) {
	var n Network
	b, err := fs.ReadFile(fsys, File)
	if err != nil {
		return n, Problems{{Message: "cannot read: " + err.Error()}}
	}
	root, err := srcpos.Strict(b, &n)
	if e := (*srcpos.Error)(nil); errors.As(err, &e) {
		return n, Problems{{Line: e.Line, Message: e.Msg}}
	}
	n.root = root
	return n, nil
}

// line returns the line of a row of a section (areas, staff,
// collaborators), or of one of its fields ("email", "contract.ends_on")
// when field is set and found; 0 when the network was not read from a file.
func (n Network) line(section string, row int, field string) int {
	if n.root == nil || len(n.root.Content) == 0 {
		return 0
	}
	seq := child(n.root.Content[0], section)
	if seq == nil || seq.Kind != yaml.SequenceNode || row >= len(seq.Content) {
		return 0
	}
	item := seq.Content[row]
	line := item.Line
	node := item
	for _, key := range strings.Split(field, ".") {
		if key == "" {
			break
		}
		if node = child(node, key); node == nil {
			break
		}
		line = node.Line
	}
	return line
}

// child returns the value of key in a mapping node, or nil.
func child(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// Check validates the network as the registry will when it is loaded
// (every collaborator by collaborators.Input's rules, known areas, codes
// and emails used once, staff roles), each problem at the line of its row
// or field. Load refuses a network with problems.
func Check(n Network) Problems {
	var out Problems
	add := func(line int, format string, args ...any) {
		out = append(out, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
	}
	areas := map[string]bool{}
	for i, a := range n.Areas {
		if areas[a.Code] {
			add(n.line("areas", i, "code"), "areas[%d]: area %s appears twice", i, a.Code)
		}
		areas[a.Code] = true
	}
	emails := map[string]string{}
	for i, st := range n.Staff {
		where := fmt.Sprintf("staff[%d] (%s)", i, st.Email)
		email := strings.ToLower(strings.TrimSpace(st.Email))
		if first, dup := emails[email]; dup {
			add(n.line("staff", i, "email"), "%s: email appears twice (first at %s)", where, first)
		} else {
			emails[email] = where
		}
		switch st.Role {
		case authz.RoleCoordinator, authz.RoleLeadership, authz.RoleAdmin:
		default:
			add(n.line("staff", i, "role"), "%s: role must be coordinator, leadership or admin, not %q", where, st.Role)
		}
	}
	codes := map[string]string{}
	for i, p := range n.Collaborators {
		in := p.input()
		in.Normalize()
		where := fmt.Sprintf("collaborators[%d] (%s)", i, p.Code)
		for _, fe := range in.Validate(func(code string) bool { return areas[code] }) {
			add(n.line("collaborators", i, fe.Field), "%s: %s: %s", where, fe.Field, fe.Message)
		}
		if first, dup := codes[in.Code]; dup && in.Code != "" {
			add(n.line("collaborators", i, "code"), "%s: code appears twice (first at %s)", where, first)
		} else {
			codes[in.Code] = where
		}
		if first, dup := emails[in.Email]; dup && in.Email != "" {
			add(n.line("collaborators", i, "email"), "%s: email appears twice (first at %s)", where, first)
		} else {
			emails[in.Email] = where
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// input is the registry's input for a person.
func (p Person) input() collaborators.Input {
	return collaborators.Input{Code: p.Code, FullName: p.FullName, Email: p.Email, Phone: p.Phone, Role: p.Role,
		AreaCode: p.AreaCode, Commune: p.Commune, Position: p.Position, Contract: collaborators.Contract(p.Contract)}
}

// located names the rows of the network in a registry error whose fields
// are "collaborators[i].<field>", at their lines.
func (n Network) located(err error) error {
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	var out Problems
	for _, fe := range e.Fields {
		var i int
		var field string
		if _, serr := fmt.Sscanf(fe.Field, "collaborators[%d].", &i); serr != nil || i < 0 || i >= len(n.Collaborators) {
			out = append(out, Problem{Message: fe.Field + ": " + fe.Message})
			continue
		}
		_, field, _ = strings.Cut(fe.Field, "].")
		out = append(out, Problem{Line: n.line("collaborators", i, field),
			Message: fmt.Sprintf("collaborators[%d] (%s): %s: %s", i, n.Collaborators[i].Code, field, fe.Message)})
	}
	return out
}

// Deps are the services the loader writes through.
type Deps struct {
	Collaborators *collaborators.Service
	Accounts      *accounts.Service
}

// Load writes the network into the database when it holds no district unit
// yet, and reports whether it did.
//
// A network with problems (see Check) is refused before anything is
// written, with an error naming each problem's file and line.
func Load(ctx context.Context, n Network, d Deps, password string) (bool, error) {
	if ps := Check(n); len(ps) > 0 {
		return false, ps
	}
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
		ins[i] = p.input()
	}
	created, err := d.Collaborators.Create(ctx, ins, func(i int) string { return fmt.Sprintf("collaborators[%d].", i) })
	if err != nil {
		return false, fmt.Errorf("demo: %w", n.located(err))
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
