package venv

import (
	"fmt"
	"os"

	"github.com/citadel-build/citadel/internal/jsonfile"
)

// ReadManifest reads the manifest.json of an output directory.
func ReadManifest(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := jsonfile.Unmarshal(path, data, &m); err != nil {
		return nil, fmt.Errorf("venv manifest %w", err)
	}
	return &m, nil
}
