package pypi

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeRequirementsText returns data as UTF-8, as pip's auto_decode reads
// requirements files: a UTF-16 or UTF-32 byte-order mark (Windows
// PowerShell's `pip freeze > requirements.txt` writes UTF-16LE) selects that
// encoding, anything else must be UTF-8 (a UTF-8 BOM is removed later).
// When it is not, line is the 1-based line of the first invalid byte bad,
// so that the file is reported rather than read as garbage names.
func decodeRequirementsText(data []byte) (text []byte, line int, bad byte) {
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
			return out, 0, 0
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
		return out, 0, 0
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil, 1 + bytes.Count(data[:i], []byte("\n")), data[i]
		}
		i += size
	}
	return data, 0, 0
}
