package web

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Every message the code writes about a refused request has an English
// problem.* entry (the converse of TestProblemWordsAreTheCodes), so that a
// Vietnamese page says it in Vietnamese rather than the generic
// error.detail_untranslated / error.field_untranslated. The messages are
// read from the Go source of modules/ (test files aside): the format of
// errs.E and errs.Field, the message of errs.Fields, the Message of an
// errs.Error or errs.FieldError literal; a message that is a constant (of
// its package or another of modules/), a local variable or map given only
// such values, fmt.Sprintf of such a format, a concatenation (its
// non-constant parts are values), the string a function of the package
// returns, or a parameter of a function of the package (then each call's
// argument) is followed to its words; a value that a function of the
// package returns (a JSON type's name) is each of its words. A copy of
// another error's Message is read where that is written. Each is matched
// as problemWords matches it, its verbs standing for values. Messages the
// source does not spell are listed in dynamicProblems, with the reason.
func TestCodesProblemsHaveWords(t *testing.T) {
	t.Parallel()
	w := newProblemWords(catalog(t))
	msgs, dynamic := codeProblems(t, filepath.Join("..", ".."))
	if len(msgs) < 100 {
		t.Fatalf("found only %d messages in modules/: is the walk broken?", len(msgs))
	}
	var missing []string
	seen, used := map[string]bool{}, map[string]bool{}
	for _, m := range msgs {
		if _, ok := w.say("vi", sampleMessage(m.format)); ok || seen[m.format] {
			continue
		}
		if d, ok := dynamicProblems[m.site+": "+strconv.Quote(m.format)]; ok {
			used[m.site+": "+strconv.Quote(m.format)] = true
			for _, msg := range d.says {
				if _, ok := w.say("vi", msg); !ok {
					t.Errorf("%s: no English problem.* entry says %q", m.pos, msg)
				}
			}
			continue
		}
		seen[m.format] = true
		missing = append(missing, fmt.Sprintf("%s: %q", m.pos, m.format))
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("no English problem.* entry says %s", m)
	}
	if len(missing) > 0 {
		t.Logf("%d messages have no problem.* entry", len(missing))
	}
	for _, d := range dynamic {
		if _, ok := dynamicProblems[d.key]; ok {
			used[d.key] = true
			continue
		}
		t.Errorf("%s: the message %s cannot be read from the source: give it words the test can read, or list %q in dynamicProblems with the reason", d.pos, d.expr, d.key)
	}
	for key := range dynamicProblems {
		if !used[key] {
			t.Errorf("dynamicProblems lists %q, which is no longer in the code", key)
		}
	}
}

// dynamicProblems are the messages built at run time that the source does
// not spell, "file: function: expression" → why; or a format whose value
// is words an entry of its own says, "file: function: format" → why and
// says, those messages, each checked instead. When the message is the
// words of an error some functions of its package return, errorsOf names
// them, and their fmt.Errorf and errors.New formats are checked instead.
var dynamicProblems = map[string]struct {
	why      string
	errorsOf []string
	says     []string
}{
	"app/standing_source.go: renewalGuard: r.Code + \": \" + strings.TrimSpace(r.Text.EN)": {
		why: "a standing reason's code and its English sentence, built per collaborator by the standing module (its Vietnamese is the reason's Text.VI, not a catalog entry)"},
	"platform/web/router.go: checkQuery: \"must be %s\"": {
		why: "the value is the languages, strings.Join(i18n.Languages, \" or \")", says: []string{"must be vi or en"}},
	"scheduling/session.go: Validate: err.Error()": {
		why: "the recurrence field's message is the error of Occurrences", errorsOf: []string{"Occurrences", "parseRule"}},
	"scheduling/session_create.go: Create: \"%v\"": {
		why: "the recurrence field's message is the error of Occurrences", errorsOf: []string{"Occurrences", "parseRule"}},
}

// A problem message found in the code, as a fmt format.
type codeMessage struct {
	pos    string
	site   string // "file: function"
	format string
}

// A message the source does not spell.
type dynamicMessage struct {
	pos, key, expr string
}

// problemFmtVerb is a fmt verb in a format, with its flags, width, index.
var problemFmtVerb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// sampleMessage is format with its verbs given values, as the code writes it.
func sampleMessage(format string) string {
	n := 0
	return problemFmtVerb.ReplaceAllStringFunc(format, func(v string) string {
		switch v[len(v)-1] {
		case '%':
			return "%"
		case 'q':
			n++
			return strconv.Quote("v" + strconv.Itoa(n))
		}
		n++
		return "v" + strconv.Itoa(n)
	})
}

// problemCode reads one package's files.
type problemCode struct {
	t       *testing.T
	fset    *token.FileSet
	root    string
	consts  map[string]ast.Expr        // package constants
	funcs   map[string][]*ast.FuncDecl // functions and methods by name
	files   []*ast.File
	parents map[ast.Node]ast.Node
	all     map[string][]*problemCode // the packages of modules/ by name
	msgs    []codeMessage
	dynamic []dynamicMessage
	visits  map[string]bool // parameter sinks followed already
}

func codeProblems(t *testing.T, root string) ([]codeMessage, []dynamicMessage) {
	t.Helper()
	dirs := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if filepath.Base(filepath.Dir(path)) == "errs" && filepath.Base(filepath.Dir(filepath.Dir(path))) == "platform" {
			return nil // the errs package builds the messages it is given
		}
		dirs[filepath.Dir(path)] = append(dirs[filepath.Dir(path)], path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all := map[string][]*problemCode{}
	var pcs []*problemCode
	fset := token.NewFileSet()
	for _, paths := range dirs {
		pc := &problemCode{t: t, fset: fset, root: root, consts: map[string]ast.Expr{}, all: all,
			funcs: map[string][]*ast.FuncDecl{}, parents: map[ast.Node]ast.Node{}, visits: map[string]bool{}}
		for _, path := range paths {
			f, err := parser.ParseFile(pc.fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			pc.files = append(pc.files, f)
		}
		pc.index()
		all[pc.files[0].Name.Name] = append(all[pc.files[0].Name.Name], pc)
		pcs = append(pcs, pc)
	}
	var msgs []codeMessage
	var dynamic []dynamicMessage
	for _, pc := range pcs {
		pc.read()
		for _, d := range pc.dynamic {
			for _, name := range dynamicProblems[d.key].errorsOf {
				pc.errorWords(name)
			}
		}
		for _, m := range pc.msgs {
			if m.format != "" {
				msgs = append(msgs, m)
			}
		}
		dynamic = append(dynamic, pc.dynamic...)
	}
	return msgs, dynamic
}

// index notes the package's parents, functions and constants.
func (pc *problemCode) index() {
	for _, f := range pc.files {
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			if len(stack) > 0 {
				pc.parents[n] = stack[len(stack)-1]
			}
			stack = append(stack, n)
			return true
		})
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				pc.funcs[d.Name.Name] = append(pc.funcs[d.Name.Name], d)
			case *ast.GenDecl:
				if d.Tok != token.CONST {
					continue
				}
				for _, s := range d.Specs {
					vs := s.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if i < len(vs.Values) {
							pc.consts[name.Name] = vs.Values[i]
						}
					}
				}
			}
		}
	}
}

// read notes the package's messages.
func (pc *problemCode) read() {
	for _, f := range pc.files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch {
				case isSel(n.Fun, "errs", "E") && len(n.Args) >= 2, isSel(n.Fun, "errs", "Field") && len(n.Args) >= 2:
					pc.message(n.Args[1], true, n.Args[2:]...)
				case isSel(n.Fun, "errs", "Fields") && len(n.Args) == 3:
					pc.message(n.Args[1], false)
				}
			case *ast.CompositeLit:
				if !pc.errsLiteral(n) {
					return true
				}
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
							pc.message(kv.Value, false)
						}
					}
				}
			}
			return true
		})
	}
}

// errsLiteral says whether lit is an errs.Error or errs.FieldError, its
// type written or elided in a []errs.FieldError.
func (pc *problemCode) errsLiteral(lit *ast.CompositeLit) bool {
	if lit.Type == nil {
		outer, ok := pc.parents[lit].(*ast.CompositeLit)
		if !ok {
			return false
		}
		at, ok := outer.Type.(*ast.ArrayType)
		return ok && isSel(at.Elt, "errs", "FieldError")
	}
	return isSel(lit.Type, "errs", "Error") || isSel(lit.Type, "errs", "FieldError")
}

func isSel(e ast.Expr, pkg, name string) bool {
	s, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := s.X.(*ast.Ident)
	return ok && x.Name == pkg && s.Sel.Name == name
}

// message notes the words of e, a fmt format or a plain message.
// A value that is the string a function of the package returns (a type's
// name in words) is each of the words it returns.
func (pc *problemCode) message(e ast.Expr, format bool, args ...ast.Expr) {
	var forms []codeMessage
	for _, f := range pc.words(e, format, 0) {
		for _, g := range pc.expand(f.format, args) {
			forms = append(forms, codeMessage{pos: f.pos, site: f.site, format: g})
		}
	}
	for _, f := range forms {
		if f.format != "" && !problemLetter.MatchString(problemFmtVerb.ReplaceAllString(f.format, "")) {
			pc.unreadable(e) // values alone, as "%v" or x + ": " + y: no words of the code
			continue
		}
		pc.msgs = append(pc.msgs, f)
	}
}

var problemLetter = regexp.MustCompile(`\pL`)

func (pc *problemCode) pos(n ast.Node) string {
	p := pc.fset.Position(n.Pos())
	rel, err := filepath.Rel(pc.root, p.Filename)
	if err != nil {
		rel = p.Filename
	}
	return filepath.ToSlash(rel) + ":" + strconv.Itoa(p.Line)
}

// enclosing is the function (declared or literal) around n.
func (pc *problemCode) enclosing(n ast.Node) ast.Node {
	for p := pc.parents[n]; p != nil; p = pc.parents[p] {
		switch p.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return p
		}
	}
	return nil
}

// funcName names the declared function around n.
func (pc *problemCode) funcName(n ast.Node) string {
	for p := pc.parents[n]; p != nil; p = pc.parents[p] {
		if fd, ok := p.(*ast.FuncDecl); ok {
			return fd.Name.Name
		}
	}
	return "-"
}

func (pc *problemCode) unreadable(e ast.Expr) []codeMessage {
	expr := exprString(pc.fset, e)
	pc.dynamic = append(pc.dynamic, dynamicMessage{pos: pc.pos(e), expr: expr, key: pc.site(e) + ": " + expr})
	return nil
}

// site names the file and function of n, "file: function".
func (pc *problemCode) site(n ast.Node) string {
	rel, err := filepath.Rel(pc.root, pc.fset.Position(n.Pos()).Filename)
	if err != nil {
		pc.t.Fatal(err)
	}
	return filepath.ToSlash(rel) + ": " + pc.funcName(n)
}

func exprString(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	if err := printer.Fprint(&b, fset, e); err != nil {
		return fmt.Sprintf("%T", e)
	}
	return b.String()
}

// words are the formats e may be (a plain message's % doubled).
func (pc *problemCode) words(e ast.Expr, format bool, depth int) []codeMessage {
	if depth > 8 {
		return pc.unreadable(e)
	}
	lit := func(s string) []codeMessage {
		if !format {
			s = strings.ReplaceAll(s, "%", "%%")
		}
		return []codeMessage{{pos: pc.pos(e), site: pc.site(e), format: s}}
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return pc.words(e.X, format, depth+1)
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return pc.unreadable(e)
		}
		s, err := strconv.Unquote(e.Value)
		if err != nil {
			pc.t.Fatal(err)
		}
		return lit(s)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return pc.unreadable(e)
		}
		// A concatenation: its constant parts are words, the others values.
		left, right := pc.part(e.X, format, depth), pc.part(e.Y, format, depth)
		var out []codeMessage
		for _, l := range left {
			for _, r := range right {
				out = append(out, codeMessage{pos: pc.pos(e), site: pc.site(e), format: l + r})
			}
		}
		return out
	case *ast.CallExpr:
		if isSel(e.Fun, "fmt", "Sprintf") && len(e.Args) >= 1 {
			return pc.words(e.Args[0], true, depth+1)
		}
		if fds := pc.called(e); len(fds) > 0 {
			return pc.returns(fds, format, depth, true)
		}
		return pc.unreadable(e)
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && x.Obj == nil {
			for _, other := range pc.all[x.Name] {
				if c, ok := other.consts[e.Sel.Name]; ok {
					return other.words(c, format, depth+1)
				}
			}
		}
		if e.Sel.Name == "Message" {
			return nil // a copy of an errs message, read where it is written
		}
		return pc.unreadable(e)
	case *ast.IndexExpr:
		return pc.mapValues(e, format, depth)
	case *ast.Ident:
		if c, ok := pc.consts[e.Name]; ok && (e.Obj == nil || e.Obj.Kind == ast.Con) {
			return pc.words(c, format, depth+1)
		}
		if e.Obj == nil {
			return pc.unreadable(e)
		}
		switch d := e.Obj.Decl.(type) {
		case *ast.ValueSpec:
			if e.Obj.Kind == ast.Con {
				for i, n := range d.Names {
					if n.Name == e.Name && i < len(d.Values) {
						return pc.words(d.Values[i], format, depth+1)
					}
				}
			}
			return pc.local(e, format, depth)
		case *ast.AssignStmt:
			return pc.local(e, format, depth)
		case *ast.Field:
			return pc.param(e, d, format, depth)
		}
	}
	return pc.unreadable(e)
}

// part is one operand of a concatenation: its words, or a value.
func (pc *problemCode) part(e ast.Expr, format bool, depth int) []string {
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD || isConstantish(pc, e) {
		var out []string
		for _, m := range pc.words(e, format, depth+1) {
			out = append(out, m.format)
		}
		return out
	}
	return []string{"%v"}
}

// isConstantish says whether e is spelled in the source: a string
// literal, a constant, a concatenation of them.
func isConstantish(pc *problemCode, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.ParenExpr:
		return isConstantish(pc, e.X)
	case *ast.BinaryExpr:
		return e.Op == token.ADD && isConstantish(pc, e.X) && isConstantish(pc, e.Y)
	case *ast.Ident:
		if _, ok := pc.consts[e.Name]; ok && (e.Obj == nil || e.Obj.Kind == ast.Con) {
			return true
		}
		return e.Obj != nil && e.Obj.Kind == ast.Con
	}
	return false
}

// local is a local variable's words: every value given to it in its
// function.
func (pc *problemCode) local(id *ast.Ident, format bool, depth int) []codeMessage {
	fn := pc.enclosing(id)
	if fn == nil {
		return pc.unreadable(id)
	}
	var out []codeMessage
	ok := true
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if li, isId := l.(*ast.Ident); isId && li.Obj == id.Obj {
					if len(n.Rhs) == 1 && i == 0 {
						if _, isIndex := n.Rhs[0].(*ast.IndexExpr); isIndex {
							out = append(out, pc.words(n.Rhs[0], format, depth+1)...)
							continue
						}
					}
					if len(n.Rhs) != len(n.Lhs) {
						ok = false
						continue
					}
					out = append(out, pc.words(n.Rhs[i], format, depth+1)...)
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if name.Obj == id.Obj && i < len(n.Values) {
					out = append(out, pc.words(n.Values[i], format, depth+1)...)
				}
			}
		case *ast.RangeStmt:
			for _, x := range []ast.Expr{n.Key, n.Value} {
				if xi, isId := x.(*ast.Ident); isId && xi.Obj == id.Obj {
					ok = false
				}
			}
		}
		return true
	})
	if !ok || len(out) == 0 {
		return pc.unreadable(id)
	}
	return out
}

// param is a parameter's words: its argument at every call of its
// function in the package.
func (pc *problemCode) param(id *ast.Ident, field *ast.Field, format bool, depth int) []codeMessage {
	fn := pc.enclosing(id)
	var ft *ast.FuncType
	var calls []*ast.CallExpr
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
		for _, f := range pc.files {
			ast.Inspect(f, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					switch fun := c.Fun.(type) {
					case *ast.Ident:
						if fun.Name == fn.Name.Name && fn.Recv == nil {
							calls = append(calls, c)
						}
					case *ast.SelectorExpr:
						if fun.Sel.Name == fn.Name.Name && fn.Recv != nil {
							calls = append(calls, c)
						}
					}
				}
				return true
			})
		}
	case *ast.FuncLit:
		ft = fn.Type
		// a closure given a name: name := func(...) {...}
		as, ok := pc.parents[fn].(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 {
			return pc.unreadable(id)
		}
		name, ok := as.Lhs[0].(*ast.Ident)
		if !ok || name.Obj == nil {
			return pc.unreadable(id)
		}
		outer := pc.enclosing(fn)
		ast.Inspect(outer, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if fi, ok := c.Fun.(*ast.Ident); ok && fi.Obj == name.Obj {
					calls = append(calls, c)
				}
			}
			return true
		})
	default:
		return pc.unreadable(id)
	}
	idx, i := -1, 0
	for _, f := range ft.Params.List {
		for _, n := range f.Names {
			if f == field && n.Name == id.Name {
				idx = i
			}
			i++
		}
	}
	visit := pc.pos(fn) + "#" + strconv.Itoa(idx)
	if idx < 0 || len(calls) == 0 {
		return pc.unreadable(id)
	}
	if pc.visits[visit] {
		return nil // followed already, from another use of the parameter
	}
	pc.visits[visit] = true
	var out []codeMessage
	for _, c := range calls {
		if idx >= len(c.Args) || c.Ellipsis.IsValid() && idx >= len(c.Args)-1 {
			out = append(out, pc.unreadable(c)...)
			continue
		}
		out = append(out, pc.words(c.Args[idx], format, depth+1)...)
	}
	return out
}

// called are the package's functions (or methods of that name) c calls,
// when they return a string first.
func (pc *problemCode) called(c *ast.CallExpr) []*ast.FuncDecl {
	var name, recv string
	switch fun := c.Fun.(type) {
	case *ast.Ident:
		name = fun.Name
	case *ast.SelectorExpr:
		x, ok := fun.X.(*ast.Ident)
		if !ok || x.Obj == nil {
			return nil // another package's function, or a method of an unknown type
		}
		name, recv = fun.Sel.Name, localType(x)
		if recv == "" {
			return nil
		}
	default:
		return nil
	}
	var out []*ast.FuncDecl
	for _, fd := range pc.funcs[name] {
		res := fd.Type.Results
		if res == nil || len(res.List) == 0 || recv != typeName(fd.Recv) {
			continue
		}
		if id, ok := res.List[0].Type.(*ast.Ident); ok && id.Name == "string" {
			out = append(out, fd)
		}
	}
	return out
}

// returns are the words the functions fds return first.
func (pc *problemCode) returns(fds []*ast.FuncDecl, format bool, depth int, once bool) []codeMessage {
	var out []codeMessage
	for _, fd := range fds {
		visit := pc.pos(fd) + "#return"
		if once && pc.visits[visit] || fd.Body == nil {
			continue
		}
		pc.visits[visit] = once || pc.visits[visit]
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) > 0 {
				out = append(out, pc.words(r.Results[0], format, depth+1)...)
			}
			return true
		})
	}
	return out
}

// mapValues are the words a local map holds: every value its function
// puts in it.
func (pc *problemCode) mapValues(e *ast.IndexExpr, format bool, depth int) []codeMessage {
	m, ok := e.X.(*ast.Ident)
	fn := pc.enclosing(e)
	if !ok || m.Obj == nil || fn == nil {
		return pc.unreadable(e)
	}
	var out []codeMessage
	ast.Inspect(fn, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, l := range as.Lhs {
			if ix, ok := l.(*ast.IndexExpr); ok {
				if id, ok := ix.X.(*ast.Ident); ok && id.Obj == m.Obj {
					out = append(out, pc.words(as.Rhs[i], format, depth+1)...)
				}
			}
		}
		return true
	})
	if len(out) == 0 {
		return pc.unreadable(e)
	}
	return out
}

// localType names the type of a local variable given a composite
// literal (T{...} or &T{...}), or of a parameter, "" when unknown.
func localType(x *ast.Ident) string {
	switch d := x.Obj.Decl.(type) {
	case *ast.Field:
		return typeName(&ast.FieldList{List: []*ast.Field{d}})
	case *ast.AssignStmt:
		for i, l := range d.Lhs {
			if l.(*ast.Ident).Obj != x.Obj || i >= len(d.Rhs) {
				continue
			}
			e := d.Rhs[i]
			if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
				e = u.X
			}
			if cl, ok := e.(*ast.CompositeLit); ok {
				if id, ok := cl.Type.(*ast.Ident); ok {
					return id.Name
				}
			}
		}
	}
	return ""
}

// typeName names the type of a receiver (T or *T), "" for none.
func typeName(fl *ast.FieldList) string {
	if fl == nil || len(fl.List) == 0 {
		return ""
	}
	e := fl.List[0].Type
	if st, ok := e.(*ast.StarExpr); ok {
		e = st.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// errorWords notes the formats of the errors the package's function name
// makes with fmt.Errorf and errors.New.
func (pc *problemCode) errorWords(name string) {
	if len(pc.funcs[name]) == 0 {
		pc.t.Errorf("dynamicProblems: no function %s in %s", name, pc.files[0].Name.Name)
	}
	for _, fd := range pc.funcs[name] {
		ast.Inspect(fd, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && len(c.Args) > 0 && (isSel(c.Fun, "fmt", "Errorf") || isSel(c.Fun, "errors", "New")) {
				pc.message(c.Args[0], isSel(c.Fun, "fmt", "Errorf"))
			}
			return true
		})
	}
}

// expand is format with each value that a function of the package returns
// written as each of its words (as formats); the other values stay verbs.
func (pc *problemCode) expand(format string, args []ast.Expr) []string {
	out := []string{format}
	if strings.Contains(format, "%[") {
		return out
	}
	var verbs [][]int
	for _, loc := range problemFmtVerb.FindAllStringIndex(format, -1) {
		if format[loc[1]-1] != '%' {
			verbs = append(verbs, loc)
		}
	}
	for k := len(verbs) - 1; k >= 0; k-- {
		if k >= len(args) {
			continue
		}
		c, ok := args[k].(*ast.CallExpr)
		if !ok || isSel(c.Fun, "fmt", "Sprintf") {
			continue
		}
		fds := pc.called(c)
		if len(fds) == 0 {
			continue
		}
		words := pc.returns(fds, true, 1, false)
		if len(words) == 0 {
			continue
		}
		var next []string
		for _, f := range out {
			for _, w := range words {
				next = append(next, f[:verbs[k][0]]+w.format+f[verbs[k][1]:])
			}
		}
		out = next
	}
	return out
}
