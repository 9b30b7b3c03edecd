package scan

import (
	"fmt"
	"strings"

	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"

	"github.com/citadel-build/citadel/internal/osv"
)

// Level is a severity, ordered as trivy and grype order them.
type Level int

// The levels, lowest first. Unknown is an advisory that gives no severity.
const (
	Unknown Level = iota
	Low
	Medium
	High
	Critical
)

var levelNames = []string{"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

func (l Level) String() string { return levelNames[l] }

// MarshalText writes the level's name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a level with ParseLevel.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	*l = v
	return err
}

// ParseLevel reads a level name in any case; MODERATE (GitHub's word) is MEDIUM.
func ParseLevel(s string) (Level, error) {
	switch u := strings.ToUpper(strings.TrimSpace(s)); u {
	case "MODERATE":
		return Medium, nil
	default:
		for i, n := range levelNames {
			if n == u {
				return Level(i), nil
			}
		}
	}
	return Unknown, fmt.Errorf("severity %q: want one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL", s)
}

// levelOfScore is CVSS's qualitative rating of a base score.
func levelOfScore(score float64) Level {
	switch {
	case score >= 9:
		return Critical
	case score >= 7:
		return High
	case score >= 4:
		return Medium
	case score > 0:
		return Low
	}
	return Unknown
}

// Rating is a vulnerability's severity for one package and where it comes from.
type Rating struct {
	Level  Level   `json:"level"`
	Score  float64 `json:"score,omitempty"`  // CVSS base score
	Vector string  `json:"vector,omitempty"` // the CVSS vector scored
	Source string  `json:"source,omitempty"` // "cvss", "database" or "urgency"
}

// rate gives the severity of v for the affected package a: the highest CVSS base score among
// the package's and the entry's vectors; else the database's textual severity (GitHub's
// database_specific.severity); else Debian's urgency; else Unknown.
func rate(v *osv.Vulnerability, a *osv.Affected) Rating {
	var best Rating
	for _, s := range append(append([]osv.Severity{}, a.Severity...), v.Severity...) {
		score, err := baseScore(s)
		if err != nil {
			continue
		}
		if best.Source == "" || score > best.Score {
			best = Rating{Level: levelOfScore(score), Score: score, Vector: s.Score, Source: "cvss"}
		}
	}
	if best.Source != "" {
		return best
	}
	if v.DatabaseSpecific != nil && v.DatabaseSpecific.Severity != "" {
		if l, err := ParseLevel(v.DatabaseSpecific.Severity); err == nil {
			return Rating{Level: l, Source: "database"}
		}
	}
	if a.EcosystemSpecific != nil {
		if l, ok := urgencies[strings.TrimSuffix(a.EcosystemSpecific.Urgency, "*")]; ok {
			return Rating{Level: l, Source: "urgency"}
		}
	}
	return Rating{}
}

// urgencies maps the Debian security tracker's urgencies to levels.
var urgencies = map[string]Level{"unimportant": Low, "low": Low, "medium": Medium, "high": High}

func baseScore(s osv.Severity) (float64, error) {
	switch s.Type {
	case "CVSS_V3":
		if strings.HasPrefix(s.Score, "CVSS:3.0/") {
			c, err := cvss30.ParseVector(s.Score)
			if err != nil {
				return 0, err
			}
			return c.BaseScore(), nil
		}
		c, err := cvss31.ParseVector(s.Score)
		if err != nil {
			return 0, err
		}
		return c.BaseScore(), nil
	case "CVSS_V4":
		c, err := cvss40.ParseVector(s.Score)
		if err != nil {
			return 0, err
		}
		return c.Score(), nil
	}
	return 0, fmt.Errorf("severity type %q is not scored", s.Type)
}
