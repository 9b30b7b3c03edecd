package pep425

import "strings"

// Ranking answers how well tags and wheels suit one Target. Build it once with
// Target.Ranking and reuse it: it holds the target's tag list as a lookup.
type Ranking struct {
	priority map[Tag]int
}

// Ranking returns the lookup behind Priority and BestWheel for t. An invalid
// target supports no tag.
func (t Target) Ranking() Ranking {
	tags := t.Tags()
	r := Ranking{priority: make(map[Tag]int, len(tags))}
	for i, tag := range tags {
		if _, dup := r.priority[tag]; !dup {
			r.priority[tag] = i
		}
	}
	return r
}

// Priority is tag's index in t.Tags(): lower is better, false if t does not
// support tag.
func (t Target) Priority(tag Tag) (int, bool) { return t.Ranking().Priority(tag) }

// BestWheel picks among filenames as Ranking.BestWheel does.
func (t Target) BestWheel(filenames []string) (string, bool) {
	return t.Ranking().BestWheel(filenames)
}

// Priority is tag's index in the target's tag list: lower is better, false if
// the target does not support tag. The tag is compared lower-cased, as
// packaging.tags.Tag stores it.
func (r Ranking) Priority(tag Tag) (int, bool) {
	p, ok := r.priority[Tag{pyLower(tag.Interpreter), pyLower(tag.ABI), pyLower(tag.Platform)}]
	return p, ok
}

// WheelPriority is the best Priority among w's tags, as pip's
// Wheel.find_most_preferred_tag; false if the wheel does not fit the target.
func (r Ranking) WheelPriority(w WheelFilename) (int, bool) {
	best, found := 0, false
	for _, tag := range w.Tags {
		if p, ok := r.priority[tag]; ok && (!found || p < best) {
			best, found = p, true
		}
	}
	return best, found
}

// BestWheel returns the filename pip would install among wheels of one
// release: the best WheelPriority, then, as pip's candidate sort key, the
// greater (build number, build suffix), where any build tag beats none. Equal
// keys fall back to the smaller filename so the result never depends on input
// order. Names that are not valid wheel filenames, or do not fit the target,
// are skipped, as pip skips them. Versions are not compared.
func (r Ranking) BestWheel(filenames []string) (string, bool) {
	var (
		best     string
		bestW    WheelFilename
		bestPrio int
		found    bool
	)
	for _, fn := range filenames {
		w, err := ParseWheelFilename(fn)
		if err != nil {
			continue
		}
		p, ok := r.WheelPriority(w)
		if !ok {
			continue
		}
		if !found || better(p, w, fn, bestPrio, bestW, best) {
			best, bestW, bestPrio, found = fn, w, p, true
		}
	}
	return best, found
}

// better reports whether wheel a (priority pa, filename fa) beats b.
func better(pa int, a WheelFilename, fa string, pb int, b WheelFilename, fb string) bool {
	if pa != pb {
		return pa < pb
	}
	if c := compareBuild(a, b); c != 0 {
		return c > 0
	}
	return fa < fb
}

// compareBuild orders build tags as Python orders pip's build_tag tuples:
// () < (n, suffix), then by number, then by suffix.
func compareBuild(a, b WheelFilename) int {
	switch {
	case a.HasBuild != b.HasBuild:
		if a.HasBuild {
			return 1
		}
		return -1
	case !a.HasBuild:
		return 0
	case a.BuildNumber != b.BuildNumber:
		if a.BuildNumber > b.BuildNumber {
			return 1
		}
		return -1
	}
	return strings.Compare(a.BuildSuffix(), b.BuildSuffix())
}
