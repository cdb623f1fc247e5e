// Package i18n translates UI strings. Vietnamese is the default language;
// English is the alternative. Translations live in content/i18n/<lang>.yaml.
package i18n

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Default is the language shown when nobody chose one.
const Default = "vi"

// Languages lists the supported languages, the default first.
var Languages = []string{"vi", "en"}

// Supported reports whether lang is a supported language code.
func Supported(lang string) bool { return lang == "vi" || lang == "en" }

// Translator holds one flat key → text table per language.
type Translator struct {
	tables map[string]map[string]string
}

// Load reads <lang>.yaml for every supported language from fsys and checks
// that each language has every key the default has.
func Load(fsys fs.FS) (*Translator, error) {
	tr := &Translator{tables: map[string]map[string]string{}}
	for _, lang := range Languages {
		b, err := fs.ReadFile(fsys, lang+".yaml")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		table := map[string]string{}
		if err := yaml.Unmarshal(b, &table); err != nil {
			return nil, fmt.Errorf("i18n: %s.yaml: %w", lang, err)
		}
		tr.tables[lang] = table
	}
	if missing := tr.Missing(); len(missing) > 0 {
		return nil, fmt.Errorf("i18n: missing translations: %s", strings.Join(missing, ", "))
	}
	return tr, nil
}

// LoadDir is Load on the directory dir of fsys (content.FS keeps the
// translations under "i18n").
func LoadDir(fsys fs.FS, dir string) (*Translator, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	return Load(sub)
}

// Missing lists "lang:key" for keys some language lacks.
func (tr *Translator) Missing() []string {
	var out []string
	for _, a := range Languages {
		for k := range tr.tables[a] {
			for _, b := range Languages {
				if _, ok := tr.tables[b][k]; !ok {
					out = append(out, b+":"+k)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// T translates key into lang, formatting args into it when given. An
// unknown key falls back to the default language, then to the key itself.
func (tr *Translator) T(lang, key string, args ...any) string {
	s, ok := tr.tables[lang][key]
	if !ok {
		s, ok = tr.tables[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Prefixed is lang's own entries whose key starts with prefix (no
// fallback to the default language), key → text: a copy.
func (tr *Translator) Prefixed(lang, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range tr.tables[lang] {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}
