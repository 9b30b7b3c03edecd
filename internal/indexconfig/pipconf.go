package indexconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// setting is one pip option's effective value and where it was set.
type setting struct{ value, source string }

// pipSettings maps a normalised pip option name ("index-url") to its effective setting.
type pipSettings map[string]setting

// pipCommand is the command whose section overrides [global]: Citadel installs what it
// resolves, so it reads the configuration `pip install` reads (a [download] section is for
// `pip download` only, and is ignored here as `pip install` ignores it).
const pipCommand = "install"

// pipConfigFiles lists the files pip 26.3 reads on Unix, lowest precedence first. This follows
// pip's code (Configuration.iter_config_files and OVERRIDE_ORDER), which differs from older pip
// documentation: PIP_CONFIG_FILE is read last, so it overrides the others, and when it names an
// existing file the user files are skipped; PIP_CONFIG_FILE=/dev/null disables all files.
func pipConfigFiles(env Env, getenv func(string) string) []string {
	envFile := getenv("PIP_CONFIG_FILE")
	if envFile == os.DevNull {
		return nil
	}
	var files []string
	for _, dir := range env.XDGConfigDirs {
		if dir != "" {
			files = append(files, filepath.Join(dir, "pip", "pip.conf"))
		}
	}
	if env.EtcDir != "" {
		files = append(files, filepath.Join(env.EtcDir, "pip.conf"))
	}
	if _, err := os.Stat(envFile); envFile == "" || err != nil {
		files = append(files, userConfigFiles(env)...)
	}
	if env.VirtualEnv != "" {
		files = append(files, filepath.Join(env.VirtualEnv, "pip.conf"))
	}
	if envFile != "" {
		files = append(files, envFile)
	}
	return files
}

// userConfigFiles is the legacy ~/.pip/pip.conf, then the XDG one, which overrides it.
func userConfigFiles(env Env) []string {
	var files []string
	if env.HomeDir != "" {
		files = append(files, filepath.Join(env.HomeDir, ".pip", "pip.conf"))
	}
	configHome := env.XDGConfigHome
	if configHome == "" && env.HomeDir != "" {
		configHome = filepath.Join(env.HomeDir, ".config")
	}
	if configHome != "" {
		files = append(files, filepath.Join(configHome, "pip", "pip.conf"))
	}
	return files
}

// pipConfig reads pip's configuration files and returns the settings `pip install` would use.
// As in pip, a later file's value replaces an earlier file's value for the same section and key;
// then an empty value counts as unset; then [install] overrides [global], whichever files they
// came from. A file that exists but cannot be read or parsed is an error, as pip refuses to run
// on a file it cannot parse (pip does skip unreadable files silently; Citadel does not, so it
// never quietly uses a different index than the user meant).
func pipConfig(env Env, getenv func(string) string) (pipSettings, error) {
	merged := map[string]pipSettings{"global": {}, pipCommand: {}}
	for _, path := range pipConfigFiles(env, getenv) {
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read pip configuration: %w", err)
		}
		f, err := parseINI(data)
		if err != nil {
			return nil, fmt.Errorf("pip configuration %s: %w", path, err)
		}
		for _, sec := range f.sections {
			dst, ok := merged[sec.name]
			if !ok {
				continue
			}
			for k, v := range sec.items {
				dst[k] = setting{value: v, source: fmt.Sprintf("%s [%s] %s", path, sec.name, k)}
			}
		}
	}
	out := pipSettings{}
	for _, section := range []string{"global", pipCommand} {
		for k, s := range merged[section] {
			if s.value != "" {
				out[k] = s
			}
		}
	}
	return out, nil
}
