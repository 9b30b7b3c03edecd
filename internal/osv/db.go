package osv

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/citadel-build/citadel/internal/pep503"
)

// Limits on what a database may hold: an entry of PyPI's or Debian's all.zip is a few KiB; the
// largest exports are a few hundred thousand entries.
const (
	maxEntry   = 8 << 20
	maxEntries = 2_000_000
)

// DB is a set of OSV entries indexed by ecosystem and package name.
type DB struct {
	byID      map[string]*Vulnerability
	byPackage map[string][]*Vulnerability // ecosystem base + "\x00" + name key
	// Sources are the files read, with their sha256, in the order read.
	Sources []Source
}

// Source is one file a DB was read from.
type Source struct {
	Path    string `json:"path"`
	SHA256  string `json:"sha256"`
	Entries int    `json:"entries"`
}

// Load reads OSV entries from each path: a zip file of entries (an all.zip export), a JSON file
// of one entry, or a directory searched recursively for both. An entry seen twice keeps its
// latest modification. Any malformed entry is an error naming the file and entry.
func Load(paths ...string) (*DB, error) {
	db := &DB{byID: map[string]*Vulnerability{}, byPackage: map[string][]*Vulnerability{}}
	for _, p := range paths {
		if err := db.loadPath(p); err != nil {
			return nil, fmt.Errorf("vulnerability database: %w", err)
		}
	}
	if len(db.byID) == 0 {
		return nil, fmt.Errorf("vulnerability database %s: no OSV entries", strings.Join(paths, ", "))
	}
	for _, v := range db.sorted() {
		seen := map[string]bool{}
		for _, a := range v.Affected {
			k := key(a.Package.Ecosystem, a.Package.Name)
			if a.Package.Name == "" || seen[k] {
				continue
			}
			seen[k] = true
			db.byPackage[k] = append(db.byPackage[k], v)
		}
	}
	return db, nil
}

func (db *DB) loadPath(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return db.loadFile(p)
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".zip")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%s: no .json or .zip files", p)
	}
	slices.Sort(files)
	for _, f := range files {
		if err := db.loadFile(f); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) loadFile(p string) error {
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	src := Source{Path: p, SHA256: hex.EncodeToString(sum[:])}
	if !bytes.HasPrefix(data, []byte("PK")) {
		if !strings.HasSuffix(p, ".json") {
			return fmt.Errorf("%s: want a .zip of OSV entries or an OSV .json file", p)
		}
		v, err := Parse(p, data)
		if err != nil {
			return err
		}
		db.add(v)
		src.Entries = 1
		db.Sources = append(db.Sources, src)
		return nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		if src.Entries++; len(db.byID)+1 > maxEntries {
			return fmt.Errorf("%s: more than %d entries", p, maxEntries)
		}
		if f.UncompressedSize64 > maxEntry {
			return fmt.Errorf("%s: %s: %d bytes, more than %d", p, f.Name, f.UncompressedSize64, maxEntry)
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%s: %s: %w", p, f.Name, err)
		}
		entry, err := io.ReadAll(io.LimitReader(rc, maxEntry+1))
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %s: %w", p, f.Name, err)
		}
		if len(entry) > maxEntry {
			return fmt.Errorf("%s: %s: more than %d bytes", p, f.Name, maxEntry)
		}
		v, err := Parse(p+"!"+f.Name, entry)
		if err != nil {
			return err
		}
		db.add(v)
	}
	if src.Entries == 0 {
		return fmt.Errorf("%s: the zip holds no .json entries", p)
	}
	db.Sources = append(db.Sources, src)
	return nil
}

func (db *DB) add(v *Vulnerability) {
	if old, ok := db.byID[v.ID]; ok && old.Modified >= v.Modified {
		return
	}
	db.byID[v.ID] = v
}

func (db *DB) sorted() []*Vulnerability {
	ids := make([]string, 0, len(db.byID))
	for id := range db.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]*Vulnerability, len(ids))
	for i, id := range ids {
		out[i] = db.byID[id]
	}
	return out
}

// Len is the number of entries.
func (db *DB) Len() int { return len(db.byID) }

// Get returns the entry with id.
func (db *DB) Get(id string) (*Vulnerability, bool) {
	v, ok := db.byID[id]
	return v, ok
}

// Ecosystems lists the ecosystems the entries name (e.g. Debian:12, PyPI), sorted.
func (db *DB) Ecosystems() []string {
	seen := map[string]bool{}
	for _, v := range db.byID {
		for _, a := range v.Affected {
			if a.Package.Ecosystem != "" {
				seen[a.Package.Ecosystem] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for e := range seen {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

// Candidates are the entries, sorted by id, naming package name in ecosystem (its base:
// "Debian:12" finds entries for every Debian release, which the caller filters). Withdrawn
// entries are left out.
func (db *DB) Candidates(ecosystem, name string) []*Vulnerability {
	var out []*Vulnerability
	for _, v := range db.byPackage[key(ecosystem, name)] {
		if v.Withdrawn == "" {
			out = append(out, v)
		}
	}
	return out
}

// key is the index key of a package: the ecosystem's base and the name as the ecosystem
// compares names (PEP 503 for PyPI, exact otherwise).
func key(ecosystem, name string) string {
	base, _ := Ecosystem(ecosystem)
	if base == "PyPI" {
		name = pep503.Normalize(name)
	}
	return base + "\x00" + name
}
