package lock

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/citadel-build/citadel/internal/coremetadata"
	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/pep503"
	"github.com/citadel-build/citadel/internal/pep508"
)

// maxMetadata bounds a metadata file read from an archive; real ones are a few hundred KiB.
const maxMetadata = 16 << 20

// metadata returns n's core metadata: the PEP 658 file when the index offers it (cached by its
// hash when the index gives one), else the file itself from the wheel or sdist.
func (r *resolver) metadata(ctx context.Context, n *node) ([]byte, error) {
	if !n.sdist && n.file.CoreMetadata && n.file.Size > 0 {
		if n.file.CoreMetadataSHA256 == "" {
			return r.idx.Metadata(ctx, n.file)
		}
		p, err := r.fetch.Fetch(ctx, fetch.Want{Name: "metadata of " + n.file.Filename, URL: n.file.URL + ".metadata", SHA256: n.file.CoreMetadataSHA256})
		if err != nil {
			return nil, err
		}
		return os.ReadFile(p)
	}
	p, err := r.fetch.Fetch(ctx, fetch.Want{Name: n.file.Filename, URL: n.file.URL, SHA256: n.file.SHA256, Size: n.file.Size})
	if err != nil {
		return nil, err
	}
	if n.file.Size == 0 {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		n.file.Size = fi.Size()
	}
	if n.sdist {
		return sdistMetadata(p, n.file.Filename)
	}
	return wheelMetadata(p)
}

// wheelMetadata reads {name}-{version}.dist-info/METADATA from a wheel.
func wheelMetadata(p string) ([]byte, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	for _, f := range zr.File {
		dir, base := path.Split(f.Name)
		if base == "METADATA" && strings.Count(dir, "/") == 1 && strings.HasSuffix(dir, ".dist-info/") {
			return readLimited(f.Open())
		}
	}
	return nil, errors.New("no .dist-info/METADATA in the wheel")
}

func readLimited(rc io.ReadCloser, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxMetadata+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxMetadata {
		return nil, fmt.Errorf("metadata larger than %d bytes", maxMetadata)
	}
	return data, nil
}

// sdistMetadata reads {dir}/PKG-INFO from an sdist. When PKG-INFO cannot be trusted for
// dependencies (metadata before 2.2, or Requires-Dist marked Dynamic) and the sdist carries
// setuptools' egg-info/requires.txt, the dependencies come from there instead, as building the
// sdist would produce them.
func sdistMetadata(p, filename string) ([]byte, error) {
	files, err := sdistFiles(p, filename)
	if err != nil {
		return nil, err
	}
	var top string
	for name := range files {
		if dir, base := path.Split(name); base == "PKG-INFO" && strings.Count(dir, "/") == 1 {
			top = dir
		}
	}
	info, ok := files[top+"PKG-INFO"]
	if top == "" || !ok {
		return nil, errors.New("no PKG-INFO at the top of the sdist")
	}
	meta, err := coremetadata.Parse(info)
	if err != nil {
		return nil, err
	}
	if trustworthy(meta) {
		return info, nil
	}
	var requires []byte
	for name, data := range files {
		if strings.HasPrefix(name, top) && strings.HasSuffix(name, ".egg-info/requires.txt") && strings.Count(name, "/") == 2 {
			requires = data
		}
	}
	if requires == nil {
		return info, nil
	}
	deps, err := parseRequiresTxt(requires)
	if err != nil {
		return nil, fmt.Errorf("egg-info/requires.txt: %w", err)
	}
	return withRequiresDist(info, deps), nil
}

func trustworthy(m *coremetadata.Metadata) bool {
	if m.MetadataVersion < "2.2" {
		return false
	}
	for _, d := range m.GetAll("Dynamic") {
		if strings.EqualFold(strings.TrimSpace(d), "Requires-Dist") {
			return false
		}
	}
	return true
}

// sdistFiles returns PKG-INFO and requires.txt files of a .tar.gz or .zip sdist.
func sdistFiles(p, filename string) (map[string][]byte, error) {
	want := func(name string) bool {
		return strings.HasSuffix(name, "/PKG-INFO") || strings.HasSuffix(name, ".egg-info/requires.txt")
	}
	out := map[string][]byte{}
	if strings.HasSuffix(filename, ".zip") {
		zr, err := zip.OpenReader(p)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		for _, f := range zr.File {
			if want(f.Name) {
				data, err := readLimited(f.Open())
				if err != nil {
					return nil, err
				}
				out[f.Name] = data
			}
		}
		return out, nil
	}
	file, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	gz, err := gzip.NewReader(file)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		name := strings.TrimPrefix(h.Name, "./")
		if h.Typeflag == tar.TypeReg && want(name) {
			data, err := readLimited(io.NopCloser(tr), nil)
			if err != nil {
				return nil, err
			}
			out[name] = data
		}
	}
}

// parseRequiresTxt converts setuptools' requires.txt ("[extra:marker]" sections) to
// Requires-Dist values.
func parseRequiresTxt(data []byte) ([]string, error) {
	var out []string
	extra, marker := "", ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			extra, marker, _ = strings.Cut(line[1:len(line)-1], ":")
			extra, marker = strings.TrimSpace(extra), strings.TrimSpace(marker)
			if extra != "" && !pep503.Valid(extra) {
				return nil, fmt.Errorf("section [%s]: %q is not a valid extra name", line[1:len(line)-1], extra)
			}
			continue
		}
		rq, err := pep508.ParseRequirement(line)
		if err != nil {
			return nil, err
		}
		var conds []string
		if rq.Marker != nil {
			conds = append(conds, "("+rq.Marker.String()+")")
			rq.Marker = nil
		}
		if marker != "" {
			conds = append(conds, "("+marker+")")
		}
		if extra != "" {
			conds = append(conds, fmt.Sprintf("extra == %q", extra))
		}
		s := rq.String()
		if len(conds) > 0 {
			s += "; " + strings.Join(conds, " and ")
		}
		if _, err := pep508.ParseRequirement(s); err != nil {
			return nil, fmt.Errorf("section [%s:%s]: %w", extra, marker, err)
		}
		out = append(out, s)
	}
	return out, sc.Err()
}

// withRequiresDist replaces the Requires-Dist headers of a PKG-INFO.
func withRequiresDist(info []byte, deps []string) []byte {
	head, body, _ := bytes.Cut(bytes.ReplaceAll(info, []byte("\r\n"), []byte("\n")), []byte("\n\n"))
	var b bytes.Buffer
	for _, line := range strings.Split(string(head), "\n") {
		if !strings.HasPrefix(strings.ToLower(line), "requires-dist:") {
			b.WriteString(line + "\n")
		}
	}
	for _, d := range deps {
		b.WriteString("Requires-Dist: " + d + "\n")
	}
	b.WriteString("\n")
	b.Write(body)
	return b.Bytes()
}
