package wheel

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Default limits against decompression bombs.
const (
	DefaultMaxRatio = 200     // uncompressed:compressed, for entries over ratioFloor
	DefaultMaxTotal = 2 << 30 // bytes, all files together
	ratioFloor      = 1 << 20 // smaller entries are not ratio-checked
)

// Error reports a wheel that cannot be installed, naming the archive entry at
// fault when there is one.
type Error struct {
	Wheel string // file name of the wheel
	Entry string // archive entry, or "" for the wheel as a whole
	Err   error
}

func (e *Error) Error() string {
	if e.Entry == "" {
		return fmt.Sprintf("wheel %s: %v", e.Wheel, e.Err)
	}
	return fmt.Sprintf("wheel %s: entry %q: %v", e.Wheel, e.Entry, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// OpenOption adjusts Open.
type OpenOption func(*openConfig)

type openConfig struct {
	filename           string
	maxRatio, maxTotal int64
}

// Filename gives the wheel's file name when path does not end in it, as in a
// content-addressed cache. The name is parsed for the project and version.
func Filename(name string) OpenOption { return func(c *openConfig) { c.filename = name } }

// MaxRatio sets the largest uncompressed:compressed ratio allowed for an
// entry of more than 1 MiB (default DefaultMaxRatio).
func MaxRatio(r int64) OpenOption { return func(c *openConfig) { c.maxRatio = r } }

// MaxTotal sets the largest total uncompressed size of the files (default
// DefaultMaxTotal).
func MaxTotal(n int64) OpenOption { return func(c *openConfig) { c.maxTotal = n } }

// Open checks that the file at path has the given sha256 (hex), then
// validates the whole wheel: entry names and types, sizes against the
// decompression limits, WHEEL, METADATA, the entry points and every RECORD
// hash. Nothing is installed; a Wheel is returned only if all of it holds,
// and it keeps the file open until Close.
func Open(path, wantSHA256 string, opts ...OpenOption) (*Wheel, error) {
	cfg := openConfig{filename: filepath.Base(path), maxRatio: DefaultMaxRatio, maxTotal: DefaultMaxTotal}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.maxRatio <= 0 || cfg.maxTotal <= 0 {
		return nil, fmt.Errorf("open wheel %s: limits must be positive (ratio %d, total %d)", cfg.filename, cfg.maxRatio, cfg.maxTotal)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open wheel %s: %w", cfg.filename, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open wheel %s: %w", cfg.filename, err)
	}
	w, err := open(f, info.Size(), wantSHA256, cfg)
	if err != nil {
		f.Close()
		return nil, err
	}
	w.closer = f
	return w, nil
}

// open does Open's work on any random-access content of the given size.
func open(r io.ReaderAt, size int64, wantSHA256 string, cfg openConfig) (*Wheel, error) {
	fail := func(err error) error { return &Error{Wheel: cfg.filename, Err: err} }
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(r, 0, size)); err != nil {
		return nil, fail(fmt.Errorf("read: %w", err))
	}
	got := hex.EncodeToString(h.Sum(nil))
	if !strings.EqualFold(got, wantSHA256) {
		return nil, fail(fmt.Errorf("sha256 mismatch: expected %q, actual %s", wantSHA256, got))
	}
	zr, err := zip.NewReader(r, size)
	// Insecure names are reported below, entry by entry, with the rest of the
	// name checks.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fail(fmt.Errorf("read zip: %w", err))
	}
	v := &validator{wheel: cfg.filename, cfg: cfg, w: &Wheel{filename: cfg.filename}}
	if err := v.run(zr); err != nil {
		return nil, err
	}
	return v.w, nil
}
