package pypi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeError is a requirements file that cannot be decoded, at a line.
type decodeError struct {
	line int
	msg  string
}

// pep263RE is pip's PEP263_ENCODING_RE, searched in the first two lines
// when they start with "#".
var pep263RE = regexp.MustCompile(`coding[:=][ \t\f\v\r]*([-\w.]+)`)

// decodeRequirementsText returns data as UTF-8, as pip's _decode_req_file
// reads requirements files: a UTF-16 or UTF-32 byte-order mark (Windows
// PowerShell's `pip freeze > requirements.txt` writes UTF-16LE) selects
// that encoding; else a PEP 263 declaration ("# -*- coding: latin-1 -*-")
// on one of the first two lines selects its encoding; else the file must
// be UTF-8 (a UTF-8 BOM is removed later). pip then falls back to the
// locale's encoding, which is not reproducible, so bytes that are not
// UTF-8 are an error at their line rather than garbage names. Declared
// encodings are UTF-8, ASCII, Latin-1 and Windows-1252 (Python's names and
// aliases); another one is an error at its line.
func decodeRequirementsText(data []byte) ([]byte, *decodeError) {
	type bom struct {
		mark  string
		width int
		big   bool
	}
	// UTF-32LE's mark begins with UTF-16LE's: test it first.
	for _, b := range []bom{{"\xff\xfe\x00\x00", 4, false}, {"\x00\x00\xfe\xff", 4, true}, {"\xff\xfe", 2, false}, {"\xfe\xff", 2, true}} {
		if !bytes.HasPrefix(data, []byte(b.mark)) {
			continue
		}
		rest := data[len(b.mark):]
		var out []byte
		if b.width == 4 {
			for ; len(rest) >= 4; rest = rest[4:] {
				var r rune
				if b.big {
					r = rune(binary.BigEndian.Uint32(rest))
				} else {
					r = rune(binary.LittleEndian.Uint32(rest))
				}
				out = utf8.AppendRune(out, r)
			}
			return out, nil
		}
		units := make([]uint16, 0, len(rest)/2)
		for ; len(rest) >= 2; rest = rest[2:] {
			if b.big {
				units = append(units, binary.BigEndian.Uint16(rest))
			} else {
				units = append(units, binary.LittleEndian.Uint16(rest))
			}
		}
		for _, r := range utf16.Decode(units) {
			out = utf8.AppendRune(out, r)
		}
		return out, nil
	}
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		for i, l := range bytes.SplitN(data, []byte("\n"), 3)[:min(2, bytes.Count(data, []byte("\n"))+1)] {
			if m := pep263RE.FindSubmatch(l); bytes.HasPrefix(l, []byte("#")) && m != nil {
				return decodeDeclared(data, string(m[1]), i+1)
			}
		}
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil, &decodeError{lineAt(data, i), fmt.Sprintf("the file is not UTF-8 (invalid byte 0x%02x): save it as UTF-8", data[i])}
		}
		i += size
	}
	return data, nil
}

// cp1252 maps Windows-1252's bytes 0x80–0x9F; 0 marks the five bytes
// Python's codec leaves undefined.
var cp1252 = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// decodeDeclared decodes data in the encoding a PEP 263 line (declLine)
// names, by Python's codec names and aliases.
func decodeDeclared(data []byte, name string, declLine int) ([]byte, *decodeError) {
	norm := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(name))
	var dec func(b byte) rune // one byte to a rune, or -1
	switch norm {
	case "utf_8", "utf8", "u8", "utf", "cp65001":
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				return nil, &decodeError{lineAt(data, i), fmt.Sprintf("the file is not %s (invalid byte 0x%02x), as line %d declares", name, data[i], declLine)}
			}
			i += size
		}
		return data, nil
	case "latin_1", "latin1", "latin", "l1", "iso_8859_1", "iso8859_1", "8859", "cp819", "iso_ir_100", "ibm819", "csisolatin1":
		dec = func(b byte) rune { return rune(b) }
	case "ascii", "us_ascii", "646", "us", "cp367", "ibm367", "csascii", "iso646_us":
		dec = func(b byte) rune {
			if b >= 0x80 {
				return -1
			}
			return rune(b)
		}
	case "cp1252", "windows_1252", "1252":
		dec = func(b byte) rune {
			switch {
			case b < 0x80 || b >= 0xa0:
				return rune(b)
			case cp1252[b-0x80] != 0:
				return cp1252[b-0x80]
			}
			return -1
		}
	default:
		return nil, &decodeError{declLine, fmt.Sprintf("unsupported encoding %q declared (PEP 263): save the file as UTF-8", name)}
	}
	out := make([]byte, 0, len(data))
	for i, b := range data {
		r := dec(b)
		if r < 0 {
			return nil, &decodeError{lineAt(data, i), fmt.Sprintf("the file is not %s (invalid byte 0x%02x), as line %d declares", name, b, declLine)}
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// lineAt is the 1-based line, as splitLines counts them, of byte i of data.
func lineAt(data []byte, i int) int {
	return len(splitLines(strings.ToValidUTF8(string(data[:i]), "?") + "x"))
}
