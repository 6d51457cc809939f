package dsl

import (
	"fmt"
	"reflect"
	"slices"
)

// checkEnvType refuses an environment type rules cannot be compiled
// against: one that is no struct (or pointer to one), or one envCycle
// finds expr's checker cannot walk.
func checkEnvType(env reflect.Type, cfg *config) *Error {
	if st := deref(env); st == nil || st.Kind() != reflect.Struct {
		return &Error{Kind: KindType, Msg: fmt.Sprintf("environment type %v is not a struct", env)}
	}
	if msg, found := envCycle(env, cfg.funcs); found {
		return &Error{Kind: KindType, Msg: fmt.Sprintf("environment type %v: %s, which no rule can be checked over", env, msg)}
	}
	return nil
}

// envCycle finds what in the environment type expr's checker cannot walk:
// a struct that embeds itself, through pointers or other embedded structs
// (type T struct{ *T }; A embeds *B, B embeds *A), whose promoted names
// the checker looks through without end (a stack overflow, which kills
// the process: no recover), and a pointer type that points at itself
// (type P *P), which it dereferences for ever. It names the first such
// type reachable from env, in field order, and why; ok is false when
// there is none.
func envCycle(env reflect.Type, funcs map[string]*hostFunc) (msg string, found bool) {
	const (
		unseen = iota
		open   // on the walk's current embedding chain
		done
	)
	types := map[reflect.Type]uint8{}     // every type reached through fields
	embedding := map[reflect.Type]uint8{} // the embedding walk's colours
	// embeds reports a cycle of embedded structs through s.
	var embeds func(s reflect.Type) (string, bool)
	embeds = func(s reflect.Type) (string, bool) {
		switch embedding[s] {
		case open:
			return fmt.Sprintf("struct %v embeds itself", s), true
		case done:
			return "", false
		}
		embedding[s] = open
		for i := range s.NumField() {
			f := s.Field(i)
			if !f.Anonymous {
				continue
			}
			t, ok := pointee(f.Type)
			if !ok {
				return fmt.Sprintf("type %v points at itself", f.Type), true
			}
			if t.Kind() == reflect.Struct {
				if msg, found := embeds(t); found {
					return msg, true
				}
			}
		}
		embedding[s] = done
		return "", false
	}
	var walk func(t reflect.Type) (string, bool)
	walk = func(t reflect.Type) (string, bool) {
		if types[t] != unseen {
			return "", false
		}
		types[t] = done
		// What a rule reaches through a method too: its results.
		for _, mt := range []reflect.Type{t, reflect.PointerTo(t)} {
			if t.Kind() == reflect.Interface && mt != t {
				break
			}
			for i := range mt.NumMethod() {
				m := mt.Method(i).Type
				for o := range m.NumOut() {
					if msg, found := walk(m.Out(o)); found {
						return msg, true
					}
				}
			}
		}
		switch t.Kind() {
		case reflect.Pointer:
			if _, ok := pointee(t); !ok {
				return fmt.Sprintf("type %v points at itself", t), true
			}
			return walk(t.Elem())
		case reflect.Slice, reflect.Array, reflect.Chan:
			return walk(t.Elem())
		case reflect.Map:
			if msg, found := walk(t.Key()); found {
				return msg, true
			}
			return walk(t.Elem())
		case reflect.Struct:
			if msg, found := embeds(t); found {
				return msg, true
			}
			for i := range t.NumField() {
				// What expr's checker never enters: a field no rule
				// names (unexported and not embedded, or tagged "-").
				f := t.Field(i)
				if !f.Anonymous && !f.IsExported() || f.Tag.Get("expr") == "-" {
					continue
				}
				if msg, found := walk(f.Type); found {
					return msg, true
				}
			}
		}
		return "", false
	}
	if msg, found := walk(env); found {
		return msg, true
	}
	// What a rule reaches through the host's functions: their results.
	names := make([]string, 0, len(funcs))
	for name := range funcs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, ty := range funcs[name].types {
			ft := reflect.TypeOf(ty)
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() != reflect.Func {
				continue
			}
			for o := range ft.NumOut() {
				if msg, found := walk(ft.Out(o)); found {
					return fmt.Sprintf("%s (what function %s gives)", msg, name), true
				}
			}
		}
	}
	return "", false
}

// pointee is what a chain of pointer types points to; ok is false for a
// chain that comes back to a pointer type already on it (type P *P).
func pointee(t reflect.Type) (reflect.Type, bool) {
	var chain []reflect.Type
	for t.Kind() == reflect.Pointer {
		for _, c := range chain {
			if c == t {
				return t, false
			}
		}
		chain = append(chain, t)
		t = t.Elem()
	}
	return t, true
}
