package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/lock"
	"github.com/citadel-build/citadel/internal/simpleindex"
)

// Projects looks up a project's files on the package index; *simpleindex.Client implements it.
type Projects interface {
	Project(ctx context.Context, name string) (*simpleindex.Project, error)
}

// Fetched is one locked file on local disk.
type Fetched struct {
	Package lock.Package
	Path    string
	Cached  bool // found in a distdir or the cache, not downloaded
}

// FetchPlan lists what is local already and the total size of what is not.
type FetchPlan struct {
	Local   []Fetched
	Missing []lock.Package
	Bytes   int64 // size of the missing files
}

// PlanFetch finds every locked file that is already in a distdir or the cache.
func PlanFetch(l *lock.Lock, f *fetch.Fetcher) (*FetchPlan, error) {
	plan := &FetchPlan{}
	for _, p := range l.Packages {
		path, err := f.Local(want(p, ""))
		if err != nil {
			return nil, err
		}
		if path != "" {
			plan.Local = append(plan.Local, Fetched{Package: p, Path: path, Cached: true})
			continue
		}
		plan.Missing = append(plan.Missing, p)
		plan.Bytes += p.Size
	}
	return plan, nil
}

func want(p lock.Package, url string) fetch.Want {
	return fetch.Want{Name: fmt.Sprintf("%s %s (%s)", p.Name, p.Version, p.Filename), URL: url, SHA256: p.SHA256, Size: p.Size}
}

// FetchLocked downloads every missing file of a plan, at most concurrency at once. A file's URL
// comes from the index (the lock pins bytes, not hosts); the index must serve the locked file
// under the locked hash.
func FetchLocked(ctx context.Context, plan *FetchPlan, f *fetch.Fetcher, idx Projects, offline bool, concurrency int) ([]Fetched, error) {
	out := append([]Fetched(nil), plan.Local...)
	if len(plan.Missing) == 0 {
		return out, nil
	}
	if offline {
		var errs []error
		for _, p := range plan.Missing {
			errs = append(errs, fmt.Errorf("%s %s (%s, sha256 %s): %w", p.Name, p.Version, p.Filename, p.SHA256, fetch.ErrOffline))
		}
		return nil, errors.Join(errs...)
	}
	if concurrency <= 0 {
		concurrency = 8
	}
	results := make([]Fetched, len(plan.Missing))
	errs := make([]error, len(plan.Missing))
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i, p := range plan.Missing {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], errs[i] = fetchOne(ctx, p, f, idx)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return append(out, results...), nil
}

func fetchOne(ctx context.Context, p lock.Package, f *fetch.Fetcher, idx Projects) (Fetched, error) {
	proj, err := idx.Project(ctx, p.Name)
	if err != nil {
		return Fetched{}, fmt.Errorf("%s %s: %w", p.Name, p.Version, err)
	}
	for _, file := range proj.Files {
		if file.Filename != p.Filename {
			continue
		}
		if file.SHA256 != "" && file.SHA256 != p.SHA256 {
			return Fetched{}, fmt.Errorf("%s %s: the index serves %s with sha256 %s, the lock pins %s", p.Name, p.Version, p.Filename, file.SHA256, p.SHA256)
		}
		path, err := f.Fetch(ctx, want(p, file.URL))
		if err != nil {
			return Fetched{}, err
		}
		return Fetched{Package: p, Path: path}, nil
	}
	return Fetched{}, fmt.Errorf("%s %s: the index no longer lists %s", p.Name, p.Version, p.Filename)
}

// ReadLock reads a committed lock file.
func ReadLock(path string) (*lock.Lock, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return lock.Unmarshal(path, data)
}
