package pypitest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Wheel describes a minimal real wheel for tests of installed environments
// (issue #12): a module per entry of Files, a .data/scripts script per
// entry of Scripts, and the dist-info METADATA, WHEEL and RECORD a build
// backend writes.
type Wheel struct {
	Name    string            // project name as in METADATA ("demo")
	Version string            // "1.0"
	Tag     string            // compressed tag set of the filename; "" = py3-none-any
	Build   string            // build tag, "" for none
	Files   map[string]string // path within site-packages → content
	Scripts map[string]string // name → content, installed to bin/ (rewritten by real installers)
}

// Filename is the wheel's distribution filename.
func (w Wheel) Filename() string {
	parts := []string{strings.ReplaceAll(w.Name, "-", "_"), w.Version}
	if w.Build != "" {
		parts = append(parts, w.Build)
	}
	return strings.Join(append(parts, w.tag()), "-") + ".whl"
}

func (w Wheel) tag() string {
	if w.Tag == "" {
		return "py3-none-any"
	}
	return w.Tag
}

// DistInfo is the wheel's .dist-info directory name.
func (w Wheel) DistInfo() string {
	return strings.ReplaceAll(w.Name, "-", "_") + "-" + w.Version + ".dist-info"
}

// RecordHash is a RECORD hash field for data: sha256, urlsafe base64
// without padding.
func RecordHash(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// Bytes builds the wheel: a zip whose RECORD lists every other file with
// its hash and size, in name order.
func (w Wheel) Bytes() []byte {
	di := w.DistInfo()
	files := map[string]string{
		di + "/METADATA": fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n\nA test distribution.\n", w.Name, w.Version),
	}
	wheel := "Wheel-Version: 1.0\nGenerator: pypitest\nRoot-Is-Purelib: true\n"
	if w.Build != "" {
		wheel += "Build: " + w.Build + "\n"
	}
	py, abi, plat := splitTag(w.tag())
	for _, p := range py {
		for _, a := range abi {
			for _, pl := range plat {
				wheel += "Tag: " + p + "-" + a + "-" + pl + "\n"
			}
		}
	}
	files[di+"/WHEEL"] = wheel
	for p, c := range w.Files {
		files[p] = c
	}
	for n, c := range w.Scripts {
		files[strings.TrimSuffix(di, ".dist-info")+".data/scripts/"+n] = c
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var record strings.Builder
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		fw, _ := zw.Create(n)
		_, _ = fw.Write([]byte(files[n]))
		fmt.Fprintf(&record, "%s,%s,%d\n", n, RecordHash([]byte(files[n])), len(files[n]))
	}
	record.WriteString(di + "/RECORD,,\n")
	fw, _ := zw.Create(di + "/RECORD")
	_, _ = fw.Write([]byte(record.String()))
	_ = zw.Close()
	return buf.Bytes()
}

func splitTag(t string) (py, abi, plat []string) {
	parts := strings.SplitN(t, "-", 3)
	return strings.Split(parts[0], "."), strings.Split(parts[1], "."), strings.Split(parts[2], ".")
}

// Install lays wheel out in the environment root as pip would, with
// site-packages at sp (relative to root, e.g. "lib/python3.11/site-packages"):
// every file copied verbatim, .data/scripts to bin/, a .pyc (no hash) for
// each module, a console script "<name>-cli" (hashed, not from the wheel),
// INSTALLER, and a RECORD of all of them. root gets a pyvenv.cfg unless sp
// is ".".
func Install(wheel []byte, root, sp string) error {
	zr, err := zip.NewReader(bytes.NewReader(wheel), int64(len(wheel)))
	if err != nil {
		return err
	}
	var (
		record strings.Builder
		di     string
		name   string
	)
	write := func(rel string, data []byte, hashed bool) error {
		if hashed {
			fmt.Fprintf(&record, "%s,%s,%d\n", rel, RecordHash(data), len(data))
		} else {
			fmt.Fprintf(&record, "%s,,\n", rel)
		}
		if sp == "." && strings.HasPrefix(rel, "../") {
			return nil // outside the environment: listed, not written
		}
		dst := filepath.Join(root, sp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	}
	up := strings.Repeat("../", strings.Count(path.Clean(sp), "/")+1)
	if sp == "." {
		up = "../"
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		var b bytes.Buffer
		_, err = b.ReadFrom(rc)
		rc.Close()
		if err != nil {
			return err
		}
		rel := f.Name
		switch top, rest, _ := strings.Cut(rel, "/"); {
		case strings.HasSuffix(top, ".dist-info") && rest == "RECORD":
			di, name = top, strings.SplitN(top, "-", 2)[0]
			continue
		case strings.HasSuffix(top, ".data"):
			kind, sub, _ := strings.Cut(rest, "/")
			if kind == "scripts" {
				rel = up + "bin/" + sub
			} else {
				rel = sub
			}
		}
		if err := write(rel, b.Bytes(), true); err != nil {
			return err
		}
		if strings.HasSuffix(rel, ".py") {
			pyc := path.Join(path.Dir(rel), "__pycache__", strings.TrimSuffix(path.Base(rel), ".py")+".cpython-311.pyc")
			if err := write(pyc, []byte("compiled"), false); err != nil {
				return err
			}
		}
	}
	if err := write(up+"bin/"+name+"-cli", []byte("#!/venv/bin/python\nimport "+name+"\n"), true); err != nil {
		return err
	}
	if err := write(di+"/INSTALLER", []byte("pip\n"), true); err != nil {
		return err
	}
	record.WriteString(di + "/RECORD,,\n")
	if sp != "." {
		if err := os.WriteFile(filepath.Join(root, "pyvenv.cfg"), []byte("home = /usr/bin\n"), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(root, sp, di, "RECORD"), []byte(record.String()), 0o644)
}
