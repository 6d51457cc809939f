// Package mem is the one place engagekit reads and writes memory by
// address. The closures that decide rules (dsl/native.go) read the host's
// fields at offsets computed once from the host's types; the rule runner
// writes the host's value, the evaluation time and its governor into a
// frame whose layout it built with reflect; the advisory decoder writes
// consolidated values into the host's struct at precomputed offsets; a
// rule set's hit store boxes evidence values where it laid them out.
// Every such access goes through this package, so the unsafe code is
// small, in one file, and reviewed as one.
//
// The rule that makes it safe: an offset is only ever applied to the
// address of a value of the type it was computed from, and a pointer read
// is checked for nil by the caller before it is followed.
package mem

import (
	"reflect"
	"time"
	"unsafe"
)

// Ptr is the address of a value whose type the caller knows.
type Ptr struct{ p unsafe.Pointer }

// Of returns the address of *v.
func Of[T any](v *T) Ptr { return Ptr{unsafe.Pointer(v)} }

// FromValue returns the address held by v, a pointer.
func FromValue(v reflect.Value) Ptr { return Ptr{v.UnsafePointer()} }

// IsNil reports whether p is the nil address.
func (p Ptr) IsNil() bool { return p.p == nil }

// Add returns the address off bytes past p.
func (p Ptr) Add(off uintptr) Ptr { return Ptr{unsafe.Add(p.p, off)} }

// Load reads the T at off bytes past p.
func Load[T any](p Ptr, off uintptr) T { return *(*T)(unsafe.Add(p.p, off)) }

// Store writes v as the T at off bytes past p.
func Store[T any](p Ptr, off uintptr, v T) { *(*T)(unsafe.Add(p.p, off)) = v }

// LoadPtr reads the pointer at off bytes past p.
func LoadPtr(p Ptr, off uintptr) Ptr { return Ptr{*(*unsafe.Pointer)(unsafe.Add(p.p, off))} }

// StorePtr writes the pointer v at off bytes past p.
func StorePtr(p Ptr, off uintptr, v Ptr) { *(*unsafe.Pointer)(unsafe.Add(p.p, off)) = v.p }

// Interface returns the pointer p as a value of type *elem, boxed.
func Interface(elem reflect.Type, p Ptr) any { return reflect.NewAt(elem, p.p).Interface() }

// Value is the addressable value of type elem at p.
func Value(elem reflect.Type, p Ptr) reflect.Value { return reflect.NewAt(elem, p.p).Elem() }

// eface is the layout of an interface value of type any: its type word
// and its data word.
type eface struct {
	typ, data unsafe.Pointer
}

// Boxable are the types Boxed boxes: an interface holds each of them by
// the address of the value, never the value itself (as it does a pointer,
// a map, or a struct or array of one pointer), so an address is what its
// data word may be. The set is closed, and exact, on purpose: a type
// added here must be one of that kind.
type Boxable interface {
	int | float64 | string | time.Time
}

// The interfaces whose type words Boxed takes, one a Boxable type. They
// are read, never written.
var (
	intLike    any = 0
	floatLike  any = 0.0
	stringLike any = ""
	timeLike   any = time.Time{}
)

// Boxed returns an interface value holding the T at p, without copying
// it: T's type word, and p as the data word, as if the runtime had boxed
// *p there. The caller promises that the T at p is never written again,
// as the runtime assumes of a boxed value, and that p points into a heap
// object, which the interface then keeps alive.
func Boxed[T Boxable](p *T) any {
	var like any
	switch any(p).(type) {
	case *int:
		like = intLike
	case *float64:
		like = floatLike
	case *string:
		like = stringLike
	case *time.Time:
		like = timeLike
	}
	e := *(*eface)(unsafe.Pointer(&like))
	e.data = unsafe.Pointer(p)
	return *(*any)(unsafe.Pointer(&e))
}

// LinePad is padding the size of two cache lines (x86 processors fetch
// lines in adjacent pairs). A field of this type before and after what
// one goroutine writes at every step of a loop keeps other allocations,
// which goroutines on other cores may write, off its lines: sharing a
// line, the cores would pass it back and forth at every write (false
// sharing). The allocator packs small objects of any goroutine together.
type LinePad [128]byte
