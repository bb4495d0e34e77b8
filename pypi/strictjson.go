package pypi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxJSONDepth bounds how deeply an index document may nest. Real JSON API,
// simple and provenance documents nest fewer than ten levels.
const MaxJSONDepth = 64

// CheckStrictJSON reports whether data is exactly one JSON value with no
// object that repeats a key and no nesting deeper than MaxJSONDepth.
// encoding/json keeps the last of two equal keys, so a document that says
// "sha256" twice can show one digest to a reviewer and another to us: an
// index that sends such a document is refused (issue #8), as the statement
// parser refuses such a statement. It allocates only the key sets of the
// objects on the current path.
func CheckStrictJSON(data []byte) error {
	d := json.NewDecoder(bytes.NewReader(data))
	if err := checkStrictValue(d, 0); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

func checkStrictValue(d *json.Decoder, depth int) error {
	if depth > MaxJSONDepth {
		return fmt.Errorf("nested deeper than %d levels", MaxJSONDepth)
	}
	tok, err := d.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]struct{}{}
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return err
			}
			k, ok := kt.(string)
			if !ok {
				return fmt.Errorf("object key %v is not a string", kt)
			}
			if _, dup := seen[k]; dup {
				return fmt.Errorf("duplicated key %q", k)
			}
			seen[k] = struct{}{}
			if err := checkStrictValue(d, depth+1); err != nil {
				return err
			}
		}
		_, err := d.Token() // '}'
		return err
	case json.Delim('['):
		for d.More() {
			if err := checkStrictValue(d, depth+1); err != nil {
				return err
			}
		}
		_, err := d.Token() // ']'
		return err
	case json.Delim('}'), json.Delim(']'):
		return fmt.Errorf("unexpected %v", tok)
	}
	return nil
}
