package report

// AddWire writes a wire package to s, as Package does a domain one: the
// golden inputs are Documents.
func (s *Stream) AddWire(p Package) { s.add(p) }
