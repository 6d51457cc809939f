package canvas

import (
	"context"
	"reflect"
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/internal/valuetext"
)

// TestAlertOrderIsTotal: two items at one position whose alerts differ in
// any one field of advisory.Alert are ordered, never tied, so no plan's order can depend
// on the alerts' input order or on how the parallel planner splits them.
// The test walks the struct's fields, so a field added to Alert without
// a place in alertOrder fails it.
func TestAlertOrderIsTotal(t *testing.T) {
	base := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Outputs: map[string]any{"x": 1}}
	typ := reflect.TypeFor[advisory.Alert]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		other := base
		v := reflect.ValueOf(&other).Elem().Field(i)
		switch f.Type.Kind() {
		case reflect.String:
			v.SetString("zz")
		case reflect.Int:
			v.SetInt(7)
		case reflect.Float64:
			v.SetFloat(0.25)
		case reflect.Slice:
			elem := reflect.New(f.Type.Elem()).Elem()
			if elem.Kind() == reflect.String {
				elem.SetString("zz")
			} else if elem.Kind() == reflect.Struct {
				elem.Field(0).SetString("zz")
			}
			v.Set(reflect.Append(reflect.MakeSlice(f.Type, 0, 1), elem))
		case reflect.Map:
			v.Set(reflect.ValueOf(map[string]any{"x": 1.0})) // 1.0, not 1: the type tells them apart
		default:
			t.Fatalf("field %s of kind %s: teach this test to vary it", f.Name, f.Type.Kind())
		}
		a, b := Item{Alert: &base}, Item{Alert: &other}
		// Written on every comparison (nil) and kept by the plan.
		for _, texts := range []*alertTexts{nil, newAlertTexts(context.Background())} {
			if c, d := texts.itemOrder(a, b), texts.itemOrder(b, a); c == 0 || c != -d {
				t.Errorf("items that differ only in their alert's %s: itemOrder gives %d one way and %d the other", f.Name, c, d)
			}
		}
	}
}

// TestValueTextBounded: an output that points back at itself is written
// to a bounded depth, not followed until the stack runs out.
func TestValueTextBounded(t *testing.T) {
	loop := map[string]any{}
	loop["self"] = loop
	list := []any{nil}
	list[0] = list
	for _, v := range []any{loop, list} {
		if s := valuetext.Text(v); len(s) > 10_000 {
			t.Errorf("valueText wrote %d bytes", len(s))
		}
	}
	if valuetext.Text(map[string]any{"x": 1}) == valuetext.Text(map[string]any{"x": 1.0}) {
		t.Error("1 and 1.0 write alike")
	}
}
