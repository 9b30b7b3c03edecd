package simpleindex

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRealIndex reads two real projects from the index named by CITADEL_TEST_INDEX_URL (the
// test script sets it to pip's default index). Its absence fails the test rather than skipping
// it, so a run that was meant to check the real index cannot pass without doing so.
func TestRealIndex(t *testing.T) {
	root := os.Getenv("CITADEL_TEST_INDEX_URL")
	if root == "" {
		t.Fatal("CITADEL_TEST_INDEX_URL is not set; set it to a real index's simple API root, for example pip's default: " +
			"export CITADEL_TEST_INDEX_URL=$(python3 -c 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)')")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := New([]Index{{Name: "real", URL: root}}, WithUserAgent("citadel-test"))

	django, err := c.Project(ctx, "Django")
	if err != nil {
		t.Fatal(err)
	}
	var wheel *File
	for i, f := range django.Files {
		if strings.EqualFold(f.Filename, "Django-4.2.11-py3-none-any.whl") {
			wheel = &django.Files[i]
		}
	}
	if wheel == nil {
		t.Fatalf("Django 4.2.11 py3-none-any wheel not among %d files", len(django.Files))
	}
	if len(wheel.SHA256) != 64 || wheel.RequiresPython == "" {
		t.Errorf("wheel = %+v, want a sha256 and Requires-Python", *wheel)
	}
	f := *wheel
	if !f.CoreMetadata {
		// PEP 658 is optional, and some mirrors drop the announcement while still serving the
		// file; the resolver then reads METADATA from the wheel. Read it anyway to check the rest.
		t.Logf("the index announces no core metadata file for %s (PEP 658/714)", f.Filename)
		f.CoreMetadata = true
	}
	meta, err := c.Metadata(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(meta), "Metadata-Version") || !strings.Contains(string(meta), "\nVersion: 4.2.11\n") {
		t.Errorf("metadata starts %q", meta[:min(len(meta), 80)])
	}

	oslo, err := c.Project(ctx, "oslo.config")
	if err != nil {
		t.Fatal(err)
	}
	if oslo.Name != "oslo-config" || len(oslo.Files) == 0 {
		t.Errorf("oslo.config: name %q, %d files", oslo.Name, len(oslo.Files))
	}
	for _, f := range oslo.Files {
		if f.SHA256 == "" {
			t.Errorf("oslo.config file %s has no sha256", f.Filename)
		}
	}
}
