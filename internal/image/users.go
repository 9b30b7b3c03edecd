package image

import (
	"archive/tar"
	"bytes"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/citadel-build/citadel/internal/layer"
)

// The account files the user layer edits; gshadow only if the base has one.
const (
	passwdFile  = "/etc/passwd"
	groupFile   = "/etc/group"
	shadowFile  = "/etc/shadow"
	gshadowFile = "/etc/gshadow"
)

// wantedFile says which files of the base Assemble reads: the account files and dpkg's status.
func wantedFile(p string) bool {
	switch p {
	case passwdFile, groupFile, shadowFile, gshadowFile, dpkgStatus:
		return true
	}
	return false
}

// account is the service user to add.
type account struct {
	user, group string
	uid, gid    int
	home, shell string
}

// userFile is one entry of the user layer.
type userFile struct {
	path     string
	dir      bool
	mode     int64
	uid, gid int
	data     []byte
}

// userFiles returns the entries of the layer adding the account: the account files with a line
// appended where the base lacks it (as useradd would write it, minus the date of the last
// password change, which would make the image depend on the day it was built), the home
// directory, and the base's own entries for their parent directories. It is empty when the base
// already has everything.
func userFiles(fs *baseFS, a account) ([]userFile, error) {
	passwd := fs.files[passwdFile]
	group := fs.files[groupFile]
	if passwd == nil || group == nil {
		return nil, fmt.Errorf("base has no %s or %s to add user %s to", passwdFile, groupFile, a.user)
	}
	addGroup, err := needLine(groupFile, group.data, a.group, 2, a.gid)
	if err != nil {
		return nil, err
	}
	addUser, err := needLine(passwdFile, passwd.data, a.user, 2, a.uid)
	if err != nil {
		return nil, err
	}
	if !addUser {
		// An existing user must also have the wanted primary group.
		if f := lineFields(passwd.data, a.user); len(f) < 4 || f[3] != strconv.Itoa(a.gid) {
			return nil, fmt.Errorf("base's %s has user %s with primary group %s, want %d", passwdFile, a.user, field(f, 3), a.gid)
		}
	}
	shadowGID := 0
	if f := lineFields(group.data, "shadow"); len(f) > 2 {
		if shadowGID, err = strconv.Atoi(f[2]); err != nil {
			return nil, fmt.Errorf("base's %s: group shadow has gid %q: %w", groupFile, f[2], err)
		}
	}

	var out []userFile
	edit := func(name string, add bool, mode int64, gid int, line string) {
		e := fs.files[name]
		if !add || e == nil {
			return
		}
		data := slices.Clone(e.data)
		if len(data) > 0 && data[len(data)-1] != '\n' {
			data = append(data, '\n')
		}
		out = append(out, userFile{path: name, mode: mode, gid: gid, data: append(data, line+"\n"...)})
	}
	edit(passwdFile, addUser, 0o644, 0, fmt.Sprintf("%s:x:%d:%d::%s:%s", a.user, a.uid, a.gid, a.home, a.shell))
	edit(groupFile, addGroup, 0o644, 0, fmt.Sprintf("%s:x:%d:", a.group, a.gid))
	if e := fs.files[shadowFile]; e != nil && lineFields(e.data, a.user) == nil {
		edit(shadowFile, true, 0o640, shadowGID, a.user+":!::0:99999:7:::")
	}
	if e := fs.files[gshadowFile]; e != nil && lineFields(e.data, a.group) == nil {
		edit(gshadowFile, true, 0o640, shadowGID, a.group+":!::")
	}
	if _, _, err := fs.resolve(a.home); err != nil {
		out = append(out, userFile{path: a.home, dir: true, mode: 0o755, uid: a.uid, gid: a.gid})
	}
	if len(out) == 0 {
		return nil, nil
	}
	// Parent directories keep the base's owner and mode.
	parents := map[string]bool{}
	for _, f := range out {
		for q := path.Dir(f.path); q != "/"; q = path.Dir(q) {
			parents[q] = true
		}
	}
	for q := range parents {
		uf := userFile{path: q, dir: true, mode: 0o755}
		if e := fs.files[q]; e != nil && e.hdr.Typeflag == tar.TypeDir {
			uf.mode, uf.uid, uf.gid = e.hdr.Mode&0o7777, e.hdr.Uid, e.hdr.Gid
		}
		out = append(out, uf)
	}
	slices.SortFunc(out, func(a, b userFile) int { return strings.Compare(a.path, b.path) })
	return out, nil
}

// needLine reports whether name must be added to an account file with id in field idField: not
// if it is there with that id; an error if it is there with another id, or another name has it.
func needLine(file string, data []byte, name string, idField, id int) (bool, error) {
	want := strconv.Itoa(id)
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) <= idField {
			continue
		}
		switch {
		case f[0] == name && f[idField] != want:
			return false, fmt.Errorf("base's %s has %s with id %s, want %d", file, name, f[idField], id)
		case f[0] == name:
			return false, nil
		case f[idField] == want:
			return false, fmt.Errorf("base's %s gives id %d to %s, wanted for %s", file, id, f[0], name)
		}
	}
	return true, nil
}

// lineFields returns the fields of name's line in an account file, or nil.
func lineFields(data []byte, name string) []string {
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Split(line, ":"); f[0] == name && len(f) > 1 {
			return f
		}
	}
	return nil
}

func field(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return "(none)"
}

// writeUserLayer writes the entries as a deterministic gzip-compressed tar, like the venv's
// layers but keeping owners and modes, which the account files and home directory need.
func writeUserLayer(files []userFile, epoch int64) ([]byte, error) {
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, layer.Level)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	mtime := time.Unix(epoch, 0).UTC()
	for _, f := range files {
		hdr := &tar.Header{Name: strings.TrimPrefix(f.path, "/"), Mode: f.mode, Uid: f.uid, Gid: f.gid, ModTime: mtime, Format: tar.FormatPAX}
		if f.dir {
			hdr.Typeflag, hdr.Name = tar.TypeDir, hdr.Name+"/"
		} else {
			hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(f.data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
