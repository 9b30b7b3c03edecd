package pep440

import (
	"slices"
	"testing"
)

type comparePair struct {
	a, b string
	want int
}

func TestCompare(t *testing.T) {
	for _, tc := range comparePairs {
		a, b := MustParse(tc.a), MustParse(tc.b)
		if got := a.Compare(b); got != tc.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := b.Compare(a); got != -tc.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
		if got := a.Equal(b); got != (tc.want == 0) {
			t.Errorf("Equal(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

func TestSort(t *testing.T) {
	vs := make([]Version, len(sortInput))
	for i, s := range sortInput {
		vs[i] = MustParse(s)
	}
	slices.SortStableFunc(vs, Version.Compare)
	for i, v := range vs {
		if want := MustParse(sortWant[i]); v.String() != want.String() {
			t.Fatalf("sorted[%d] = %s, want %s", i, v, want)
		}
	}
}
