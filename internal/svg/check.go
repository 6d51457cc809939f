package svg

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// numeric reports whether Doc writes the attribute as a number.
func numeric(name string) bool {
	switch name {
	case "x", "y", "cx", "cy", "r", "x1", "y1", "x2", "y2", "width", "height", "font-size", "opacity", "stroke-width":
		return true
	}
	return false
}

// Check reports whether doc is a well-formed XML document whose numeric
// attributes are all finite numbers: what the pictures' tests hold every
// document to.
func Check(doc []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	elements := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("svg: not well-formed: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		elements++
		for _, a := range se.Attr {
			if !numeric(a.Name.Local) {
				continue
			}
			if v, err := strconv.ParseFloat(a.Value, 64); err != nil || !finite(v) {
				return fmt.Errorf("svg: <%s %s=%q>: not a finite number", se.Name.Local, a.Name.Local, a.Value)
			}
		}
	}
	if elements == 0 {
		return errors.New("svg: no elements")
	}
	return nil
}
