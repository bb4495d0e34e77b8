package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// buildWheel returns a minimal wheel (PEP 427) of a pure-Python package
// name (a valid identifier) at version: the module, and dist-info METADATA,
// WHEEL and RECORD with every file's urlsafe-base64 sha256, as pip checks.
func buildWheel(name, version string, requires []string) ([]byte, error) {
	distInfo := name + "-" + version + ".dist-info/"
	meta := "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n"
	for _, r := range requires {
		meta += "Requires-Dist: " + r + "\n"
	}
	files := []struct{ name, body string }{
		{name + "/__init__.py", fmt.Sprintf("VERSION = %q\n", version)},
		{distInfo + "METADATA", meta},
		{distInfo + "WHEEL", "Wheel-Version: 1.0\nGenerator: pyverify-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var record strings.Builder
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			return nil, err
		}
		sum := sha256.Sum256([]byte(f.body))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", f.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(f.body))
	}
	record.WriteString(distInfo + "RECORD,,\n")
	w, err := zw.Create(distInfo + "RECORD")
	if err != nil {
		return nil, err
	}
	if _, err := w.Write([]byte(record.String())); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
