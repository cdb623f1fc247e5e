// Package authz decides who may call which route (Casbin, deny by default)
// and with which row scope: all records, the caller's district unit, or only
// the caller's own record.
package authz

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"
)

// The roles of DESIGN.md, plus the two pseudo-roles every policy builds on.
const (
	RoleAdmin       = "admin"
	RoleCoordinator = "coordinator"
	RoleLeadership  = "leadership"
	RoleTeamLeader  = "team_leader"
	RoleCTV         = "ctv"
	// RoleAnonymous is everyone, signed in or not: its routes are public.
	RoleAnonymous = "anonymous"
	// RoleMember is every signed-in user.
	RoleMember = "member"
)

// Roles lists the user roles, in order of reach.
var Roles = []string{RoleAdmin, RoleCoordinator, RoleLeadership, RoleTeamLeader, RoleCTV}

// ValidRole reports whether r is a user role.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// ScopeKind says which rows a caller may reach through a route.
type ScopeKind string

// Scope kinds.
const (
	ScopeAll  ScopeKind = "all"
	ScopeArea ScopeKind = "area"
	ScopeOwn  ScopeKind = "own"
)

// Principal is who is calling: a signed-in user, or the zero value.
type Principal struct {
	UserID         string
	Email          string
	Role           string
	CollaboratorID string
	AreaCode       string // the district unit of the user's collaborator record
	SessionID      string
	Language       string
}

// Authenticated reports whether the principal is a signed-in user.
func (p Principal) Authenticated() bool { return p.UserID != "" }

// Scope is the set of rows a request may reach.
type Scope struct {
	Kind           ScopeKind
	AreaCode       string
	CollaboratorID string
}

// All is the scope of staff with network-wide reach.
var All = Scope{Kind: ScopeAll}

// Allows reports whether a record of the given district unit and
// collaborator lies inside the scope.
func (s Scope) Allows(areaCode, collaboratorID string) bool {
	switch s.Kind {
	case ScopeAll:
		return true
	case ScopeArea:
		return s.AreaCode != "" && s.AreaCode == areaCode
	case ScopeOwn:
		return s.CollaboratorID != "" && s.CollaboratorID == collaboratorID
	}
	return false
}

// Enforcer answers authorization questions from the policy. The policy
// does not change once loaded, so each answer is kept: a request asks about
// its registered route pattern, never its path, and the patterns, roles and
// methods are few (maxDecisions bounds the memo all the same).
type Enforcer struct {
	e *casbin.Enforcer

	mu        sync.RWMutex
	decisions map[question]decision
}

type question struct{ role, route, method string }

type decision struct {
	ok    bool
	scope ScopeKind
}

// maxDecisions bounds the memo of answers; past it Decide asks Casbin.
const maxDecisions = 1 << 14

// loaded keeps the enforcers made so far by their model and policy text:
// every App of a process (a test binary starts hundreds) loads the same
// policy, and a second New answers with the first's enforcer and its memo.
var loaded sync.Map // [2]string{model, policy} → *Enforcer

// New loads the model and the policy. Every non-comment policy line must
// load: Casbin's string adapter skips lines it cannot parse, so New counts
// them and fails on a mismatch. The same model and policy give the same
// enforcer.
func New(modelText, policyText string) (*Enforcer, error) {
	key := [2]string{modelText, policyText}
	if en, ok := loaded.Load(key); ok {
		return en.(*Enforcer), nil
	}
	en, err := load(modelText, policyText)
	if err != nil {
		return nil, err
	}
	actual, _ := loaded.LoadOrStore(key, en)
	return actual.(*Enforcer), nil
}

func load(modelText, policyText string) (*Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("authz: model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, stringadapter.NewAdapter(policyText))
	if err != nil {
		return nil, fmt.Errorf("authz: policy: %w", err)
	}
	wantP, wantG, err := countLines(policyText)
	if err != nil {
		return nil, err
	}
	gotP, _ := e.GetPolicy()
	gotG, _ := e.GetGroupingPolicy()
	if len(gotP) != wantP || len(gotG) != wantG {
		return nil, fmt.Errorf("authz: policy has %d p and %d g lines but %d and %d loaded", wantP, wantG, len(gotP), len(gotG))
	}
	for _, p := range gotP {
		switch ScopeKind(p[3]) {
		case ScopeAll, ScopeArea, ScopeOwn:
		default:
			return nil, fmt.Errorf("authz: policy %v: unknown scope %q", p, p[3])
		}
	}
	return &Enforcer{e: e, decisions: map[question]decision{}}, nil
}

func countLines(text string) (p, g int, err error) {
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rec, err := csv.NewReader(strings.NewReader(line)).Read()
		if err != nil {
			return 0, 0, fmt.Errorf("authz: policy line %d: %w", i+1, err)
		}
		switch strings.TrimSpace(rec[0]) {
		case "p":
			if len(rec) != 5 {
				return 0, 0, fmt.Errorf("authz: policy line %d: want p, role, route, method, scope", i+1)
			}
			p++
		case "g":
			if len(rec) != 3 {
				return 0, 0, fmt.Errorf("authz: policy line %d: want g, role, parent", i+1)
			}
			g++
		default:
			return 0, 0, fmt.Errorf("authz: policy line %d: unknown type %q", i+1, rec[0])
		}
	}
	return p, g, nil
}

// Decide returns whether the role may call method on route, and the scope
// of the first rule that grants it.
func (en *Enforcer) Decide(role, route, method string) (bool, ScopeKind) {
	if role == "" {
		role = RoleAnonymous
	}
	q := question{role, route, method}
	en.mu.RLock()
	d, ok := en.decisions[q]
	en.mu.RUnlock()
	if ok {
		return d.ok, d.scope
	}
	ok, rule, err := en.e.EnforceEx(role, route, method)
	if err != nil {
		return false, "" // not kept: Casbin may answer the next time
	}
	if ok && len(rule) >= 4 {
		d = decision{ok: true, scope: ScopeKind(rule[3])}
	}
	en.mu.Lock()
	if len(en.decisions) < maxDecisions {
		en.decisions[q] = d
	}
	en.mu.Unlock()
	return d.ok, d.scope
}

// Public reports whether anyone may call method on route without signing in.
func (en *Enforcer) Public(route, method string) bool {
	ok, _ := en.Decide(RoleAnonymous, route, method)
	return ok
}

// Covered reports whether some policy line names route and method.
func (en *Enforcer) Covered(route, method string) bool {
	ps, _ := en.e.GetPolicy()
	for _, p := range ps {
		if p[1] == route && (p[2] == method || p[2] == "*") {
			return true
		}
	}
	return false
}

// ScopeFor turns a granted scope kind into the concrete scope of p.
func ScopeFor(kind ScopeKind, p Principal) Scope {
	return Scope{Kind: kind, AreaCode: p.AreaCode, CollaboratorID: p.CollaboratorID}
}

type ctxKey int

const (
	principalKey ctxKey = iota
	requestIDKey
)

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFrom returns the principal ctx carries, or the zero value.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey).(Principal)
	return p
}

// WithRequestID returns ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestIDFrom returns the request id ctx carries, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}
