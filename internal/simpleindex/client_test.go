package simpleindex

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Hashes in the testdata pages: the files' are made up, the metadata files' are real.
const (
	shaW940  = "958450d1bd189b97909fe410767f41607da432e095f9486d23028f6cea49a058"
	shaS940  = "d29928fa49884645c363fac6881dac2016f89345cc1f663d6137cd8834fe72ac"
	shaW930  = "e867e4b4d486e39e79516eeb16d40c2d5393f17d112ccbc60175a5a6321699db"
	shaW910  = "ae24e5367b1fc3a1c4133dc25c951a92725fc08c1d8a85859d1427748a056800"
	shaKS540 = "de1635be804bf3c86fa9f0a9099fab1211edd871ca888008ea768f2c9d011720"
	shaKS531 = "84a4cfcee3d35dd6f196542372a000615a617a520c0608e93c25632c39d08ca9"
	metaW940 = "6ad7c35b9a58506204e832f9656e85e3630391c81d62d533780d8bcd4a79137b"
	metaW930 = "7c312e310cc6cd7a0e4b3fa65a431d3b4d7530a9f3ae6b4e09e2d56636cf5119"
	metaKS   = "48324039cdc3574f3fad7f041f5d3adabef90867264c556f10a4dd00306ee100"
)

// osloFiles is testdata's oslo-config page as served from host; the JSON form adds sizes and
// upload times.
func osloFiles(host string, fromJSON bool) []File {
	files := []File{
		{Filename: "oslo.config-1.2.0a3.tar.gz", URL: host + "/packages/oslo.config-1.2.0a3.tar.gz"},
		{
			Filename: "oslo.config-9.1.0-py3-none-any.whl", URL: host + "/simple/oslo-config/packages/oslo.config-9.1.0-py3-none-any.whl",
			SHA256: shaW910, CoreMetadata: true,
		},
		{Filename: "oslo.config-9.2.0.tar.gz", URL: "https://mirror.example/packages/oslo.config-9.2.0.tar.gz", Yanked: true},
		{
			Filename: "oslo.config-9.3.0-py3-none-any.whl", URL: host + "/packages/oslo.config-9.3.0-py3-none-any.whl",
			SHA256: shaW930, RequiresPython: ">=3.8", Yanked: true, YankedReason: "broken entry points <bug 2049>",
			CoreMetadata: true, CoreMetadataSHA256: metaW930,
		},
		{
			Filename: "oslo.config-9.4.0-py3-none-any.whl", URL: host + "/packages/oslo.config-9.4.0-py3-none-any.whl",
			SHA256: shaW940, RequiresPython: ">=3.8", CoreMetadata: true, CoreMetadataSHA256: metaW940,
		},
		{Filename: "oslo.config-9.4.0.tar.gz", URL: host + "/packages/oslo.config-9.4.0.tar.gz", SHA256: shaS940, RequiresPython: ">=3.8"},
	}
	if fromJSON {
		files[3].Size = 158000
		files[4].Size, files[4].UploadTime = 159845, "2024-02-01T10:21:44.140913Z"
		files[5].Size, files[5].UploadTime = 164120, "2024-02-01T10:21:46.503226Z"
	}
	return files
}

func keystoneFiles(host string) []File {
	return []File{
		{
			Filename: "python-keystoneclient-5.3.1.tar.gz", URL: host + "/mirror/files/python-keystoneclient-5.3.1.tar.gz",
			SHA256: shaKS531, RequiresPython: ">=3.8",
		},
		{
			Filename: "python_keystoneclient-5.4.0-py3-none-any.whl", URL: host + "/mirror/files/python_keystoneclient-5.4.0-py3-none-any.whl",
			SHA256: shaKS540, RequiresPython: ">=3.8", CoreMetadata: true, CoreMetadataSHA256: metaKS,
		},
		{Filename: "python_keystoneclient-5.4.0-py3-none-any.whl.metadata", URL: host + "/mirror/files/python_keystoneclient-5.4.0-py3-none-any.whl.metadata"},
	}
}

var osloVersions = []string{"1.2.0a3", "9.1.0", "9.2.0", "9.3.0", "9.4.0", "9.5.0"}

func fastRetries() Option { return WithRetries(3, 0) }

func TestProjectJSONAndHTML(t *testing.T) {
	for _, negotiate := range []bool{true, false} {
		t.Run(fmt.Sprintf("negotiate=%v", negotiate), func(t *testing.T) {
			fi := newFakeIndex(t, negotiate, "oslo-config", "python-keystoneclient")
			idx := Index{Name: "fake", URL: fi.root()}
			c := New([]Index{idx}, fastRetries())
			p, err := c.Project(context.Background(), "Oslo_Config")
			if err != nil {
				t.Fatal(err)
			}
			want := &Project{Name: "oslo-config", Index: idx, Files: osloFiles(fi.srv.URL, negotiate)}
			if negotiate {
				want.Versions = osloVersions
			}
			if !reflect.DeepEqual(p, want) {
				t.Errorf("Project =\n%+v\nwant\n%+v", p, want)
			}
			// Only HTML exists for this one, whatever the client asks for.
			p, err = c.Project(context.Background(), "python-keystoneclient")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.Files, keystoneFiles(fi.srv.URL)) || p.Versions != nil {
				t.Errorf("keystoneclient files =\n%+v\nwant\n%+v", p.Files, keystoneFiles(fi.srv.URL))
			}
			for i, a := range fi.accepts {
				if a != acceptPage || fi.agents[i] != "citadel" {
					t.Errorf("request %d: Accept %q, User-Agent %q", i, a, fi.agents[i])
				}
			}
		})
	}
}

func TestFirstIndexWins(t *testing.T) {
	private := newFakeIndex(t, true, "oslo-config")
	public := newFakeIndex(t, true, "oslo-config", "python-keystoneclient")
	c := New([]Index{{Name: "private", URL: private.root()}, {Name: "public", URL: public.root()}}, fastRetries())
	ctx := context.Background()

	p, err := c.Project(ctx, "oslo.config")
	if err != nil {
		t.Fatal(err)
	}
	if p.Index.Name != "private" || public.hitCount("/simple/oslo-config/") != 0 {
		t.Errorf("oslo.config came from %s; public asked %d times", p.Index.Name, public.hitCount("/simple/oslo-config/"))
	}
	p, err = c.Project(ctx, "python-keystoneclient")
	if err != nil {
		t.Fatal(err)
	}
	if p.Index.Name != "public" || private.hitCount("/simple/python-keystoneclient/") != 1 {
		t.Errorf("keystoneclient came from %s after %d asks of private", p.Index.Name, private.hitCount("/simple/python-keystoneclient/"))
	}
	if !reflect.DeepEqual(p.Files, keystoneFiles(public.srv.URL)) {
		t.Errorf("keystoneclient files = %+v", p.Files)
	}
}

func TestNotFound(t *testing.T) {
	a, b := newFakeIndex(t, true), newFakeIndex(t, false)
	c := New([]Index{{Name: "a", URL: a.root()}, {URL: b.root()}}, fastRetries())
	for range 2 {
		_, err := c.Project(context.Background(), "no-such-project")
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "(asked a, "+b.root()+")") {
			t.Errorf("error = %v, want ErrNotFound naming both indexes", err)
		}
	}
	if a.hitCount("/simple/no-such-project/") != 1 || b.hitCount("/simple/no-such-project/") != 1 {
		t.Error("a project found nowhere was not remembered")
	}
}

func TestServerErrorStopsTheSearch(t *testing.T) {
	broken := newFakeIndex(t, true, "oslo-config")
	good := newFakeIndex(t, true, "oslo-config")
	broken.failWith("/simple/oslo-config/", 500, 500, 500)
	c := New([]Index{{Name: "broken", URL: broken.root()}, {Name: "good", URL: good.root()}}, fastRetries())
	_, err := c.Project(context.Background(), "oslo.config")
	want := "project oslo-config on index broken: GET " + broken.root() + "oslo-config/: 500 Internal Server Error"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	if n := broken.hitCount("/simple/oslo-config/"); n != 3 {
		t.Errorf("broken index asked %d times, want 3 attempts", n)
	}
	if good.hitCount("/simple/oslo-config/") != 0 {
		t.Error("a failing index fell through to the next")
	}
	// Failures are not remembered: the next call asks again, and the index is healthy by then.
	if p, err := c.Project(context.Background(), "oslo.config"); err != nil || p.Index.Name != "broken" {
		t.Fatalf("second call: %v", err)
	}
}

func TestRetries(t *testing.T) {
	for _, tc := range []struct {
		codes []int
		ok    bool
		hits  int
	}{
		{codes: []int{503, 429}, ok: true, hits: 3},
		{codes: []int{408, 502}, ok: true, hits: 3},
		{codes: []int{503, 503, 503}, ok: false, hits: 3},
		{codes: []int{403}, ok: false, hits: 1},
		{codes: []int{401}, ok: false, hits: 1},
		{codes: []int{410}, ok: false, hits: 1},
	} {
		fi := newFakeIndex(t, true, "oslo-config")
		fi.failWith("/simple/oslo-config/", tc.codes...)
		_, err := New([]Index{{URL: fi.root()}}, fastRetries()).Project(context.Background(), "oslo-config")
		if (err == nil) != tc.ok || fi.hitCount("/simple/oslo-config/") != tc.hits {
			t.Errorf("statuses %v: error %v after %d requests, want ok=%v after %d", tc.codes, err, fi.hitCount("/simple/oslo-config/"), tc.ok, tc.hits)
		}
	}
}

func TestNetworkErrorsAreRetried(t *testing.T) {
	fi := newFakeIndex(t, true, "oslo-config")
	fi.srv.Close()
	_, err := New([]Index{{Name: "down", URL: fi.root()}}, WithRetries(2, time.Millisecond)).Project(context.Background(), "oslo-config")
	if err == nil || !strings.Contains(err.Error(), "project oslo-config on index down: Get \""+fi.root()+"oslo-config/\"") {
		t.Errorf("error = %v", err)
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	fi := newFakeIndex(t, true, "oslo-config")
	fi.delay = 200 * time.Millisecond
	c := New([]Index{{URL: fi.root()}}, WithHTTPClient(&http.Client{Timeout: 20 * time.Millisecond}), WithRetries(2, 0))
	if _, err := c.Project(context.Background(), "oslo-config"); err == nil {
		t.Fatal("no timeout")
	}
	if n := fi.hitCount("/simple/oslo-config/"); n != 2 {
		t.Errorf("timed-out request made %d times, want 2", n)
	}
}

func TestCacheAndConcurrency(t *testing.T) {
	fi := newFakeIndex(t, true, "oslo-config", "python-keystoneclient")
	fi.delay = 20 * time.Millisecond
	c := New([]Index{{URL: fi.root()}}, WithConcurrency(1), WithUserAgent("citadel-test/1"))
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		name := []string{"oslo.config", "Oslo-Config", "python_keystoneclient", "python-keystoneclient"}[i%4]
		wg.Go(func() {
			p, err := c.Project(context.Background(), name)
			if err == nil && len(p.Files) == 0 {
				err = fmt.Errorf("%s: no files", name)
			}
			if err == nil {
				p.Files[0].Filename = "mutated" // must not reach other callers
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	p, err := c.Project(context.Background(), "oslo-config")
	if err != nil || p.Files[0].Filename == "mutated" {
		t.Errorf("cached project shared with callers: %v", err)
	}
	if fi.hitCount("/simple/oslo-config/") != 1 || fi.hitCount("/simple/python-keystoneclient/") != 1 {
		t.Errorf("hits = %v, want one per project", fi.hits)
	}
	if fi.maxInflight != 1 {
		t.Errorf("%d requests in flight at once, want 1", fi.maxInflight)
	}
	if fi.agents[0] != "citadel-test/1" {
		t.Errorf("User-Agent = %q", fi.agents[0])
	}
}

func TestWaiterOutlivesCancelledCaller(t *testing.T) {
	fi := newFakeIndex(t, true, "oslo-config")
	fi.release = make(chan struct{})
	c := New([]Index{{URL: fi.root()}}, fastRetries())
	ctx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error)
	go func() {
		_, err := c.Project(ctx, "oslo-config")
		leaderDone <- err
	}()
	for fi.hitCount("/simple/oslo-config/") == 0 {
		time.Sleep(time.Millisecond)
	}
	waiterDone := make(chan error)
	go func() {
		_, err := c.Project(context.Background(), "oslo-config")
		waiterDone <- err
	}()
	time.Sleep(10 * time.Millisecond) // let the waiter start waiting
	cancel()
	if err := <-leaderDone; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller: error %v", err)
	}
	close(fi.release)
	if err := <-waiterDone; err != nil {
		t.Errorf("waiting caller failed with the other caller's cancellation: %v", err)
	}
}

func TestRedirectAndMissingSlash(t *testing.T) {
	fi := newFakeIndex(t, true, "oslo-config")
	// The index URL lacks its final slash; /old/ redirects to /simple/, and relative links
	// resolve against where the page was actually found.
	p, err := New([]Index{{URL: fi.srv.URL + "/old"}}, fastRetries()).Project(context.Background(), "oslo-config")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Files, osloFiles(fi.srv.URL, true)) {
		t.Errorf("files = %+v", p.Files)
	}
	if p.Index.URL != fi.srv.URL+"/old/" {
		t.Errorf("Index.URL = %q", p.Index.URL)
	}
}

func TestBadPages(t *testing.T) {
	fi := newFakeIndex(t, true)
	fi.pages["octet"] = fakePage{html: []byte("<a href='x-1.0.tar.gz'>"), contentType: "application/octet-stream"}
	fi.pages["no-type"] = fakePage{html: []byte("<a href='x-1.0.tar.gz'>"), contentType: ";"}
	fi.pages["future-html"] = fakePage{html: []byte(`<meta name="pypi:repository-version" content="2.0"><a href="x-1.0.tar.gz">`)}
	fi.pages["future-json"] = fakePage{json: []byte(`{"meta": {"api-version": "2.0"}, "files": []}`)}
	fi.pages["broken-json"] = fakePage{json: []byte(`{"meta": {"api-version": "1.0"}, "files": [{"filename": "x-1.0.tar.gz"}]}`)}
	fi.pages["newer-minor"] = fakePage{json: []byte(`{"meta": {"api-version": "1.4"}, "files": []}`)}
	c := New([]Index{{Name: "fake", URL: fi.root()}}, fastRetries())
	for name, want := range map[string]string{
		"octet":       `simple/octet/: Content-Type "application/octet-stream" is not a simple repository page`,
		"no-type":     `simple/no-type/: Content-Type ";": mime: no media type`,
		"future-html": `simple/future-html/: repository API version "2.0": only major version 1 is supported`,
		"future-json": `simple/future-json/: repository API version "2.0": only major version 1 is supported`,
		"broken-json": `simple/broken-json/: files[0] "x-1.0.tar.gz": no filename or url`,
		"newer-minor": "",
	} {
		_, err := c.Project(context.Background(), name)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), "index fake: "+fi.srv.URL+"/"+want)) {
			t.Errorf("%s: error %v, want %q", name, err, want)
		}
	}
}

func TestCredentialsStayOutOfErrors(t *testing.T) {
	fi := newFakeIndex(t, true, "oslo-config")
	fi.failWith("/simple/oslo-config/", 500)
	secret := strings.Replace(fi.root(), "http://", "http://user:s3cret@", 1)
	_, err := New([]Index{{URL: secret}}, WithRetries(1, 0)).Project(context.Background(), "oslo-config")
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "user:xxxxx@") {
		t.Errorf("error = %v", err)
	}
	fi.srv.Close()
	_, err = New([]Index{{URL: secret}}, WithRetries(1, 0)).Project(context.Background(), "oslo-config")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("network error = %v", err)
	}
}

func TestProjectArguments(t *testing.T) {
	if _, err := New(nil).Project(context.Background(), "oslo.config"); err == nil || !strings.Contains(err.Error(), "no indexes") {
		t.Errorf("no indexes: %v", err)
	}
	for _, name := range []string{"", "-oslo", "oslo config", "../etc"} {
		if _, err := New([]Index{{URL: "http://127.0.0.1:1/"}}).Project(context.Background(), name); err == nil || !strings.Contains(err.Error(), "not a valid distribution name") {
			t.Errorf("Project(%q) error = %v", name, err)
		}
	}
	if _, err := New([]Index{{Name: "bad", URL: "http://[::1"}}).Project(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), "on index bad: parse index URL") {
		t.Errorf("bad index URL: %v", err)
	}
}

func TestMetadata(t *testing.T) {
	fi := newFakeIndex(t, true, "oslo-config", "python-keystoneclient")
	c := New([]Index{{URL: fi.root()}}, fastRetries())
	ctx := context.Background()
	oslo, err := c.Project(ctx, "oslo-config")
	if err != nil {
		t.Fatal(err)
	}
	ks, err := c.Project(ctx, "python-keystoneclient")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]File{}
	for _, f := range append(oslo.Files, ks.Files...) {
		byName[f.Filename] = f
	}
	for _, name := range []string{"oslo.config-9.4.0-py3-none-any.whl", "oslo.config-9.3.0-py3-none-any.whl", "python_keystoneclient-5.4.0-py3-none-any.whl"} {
		got, err := c.Metadata(ctx, byName[name])
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want, err := os.ReadFile(filepath.Join("testdata", "files", name+".metadata"))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) || !strings.HasPrefix(string(got), "Metadata-Version: ") {
			t.Errorf("%s: metadata %q", name, got)
		}
	}

	wrong := byName["oslo.config-9.4.0-py3-none-any.whl"]
	wrong.CoreMetadataSHA256 = metaW930
	if _, err := c.Metadata(ctx, wrong); err == nil || !strings.Contains(err.Error(), "has sha256 "+metaW940+", the index says "+metaW930) {
		t.Errorf("hash mismatch: %v", err)
	}
	if _, err := c.Metadata(ctx, byName["oslo.config-9.4.0.tar.gz"]); err == nil || !strings.Contains(err.Error(), "offers no metadata file") {
		t.Errorf("sdist: %v", err)
	}
	// Announced without a hash, but the server has no such file.
	if _, err := c.Metadata(ctx, byName["oslo.config-9.1.0-py3-none-any.whl"]); err == nil || !strings.Contains(err.Error(), "oslo.config-9.1.0-py3-none-any.whl.metadata: 404 Not Found") {
		t.Errorf("missing metadata file: %v", err)
	}
	if got := fi.hitCount("/packages/oslo.config-9.4.0-py3-none-any.whl.metadata"); got != 2 {
		t.Errorf("metadata fetched %d times, want 2 (no metadata cache)", got)
	}
}

func TestMetadataRetries(t *testing.T) {
	fi := newFakeIndex(t, true, "oslo-config")
	fi.failWith("/packages/oslo.config-9.4.0-py3-none-any.whl.metadata", 502)
	c := New([]Index{{URL: fi.root()}}, fastRetries())
	p, err := c.Project(context.Background(), "oslo-config")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Metadata(context.Background(), p.Files[4]); err != nil {
		t.Errorf("metadata after one 502: %v", err)
	}
}

func TestContextCancelled(t *testing.T) {
	fi := newFakeIndex(t, true, "oslo-config")
	fi.failWith("/simple/oslo-config/", 503, 503, 503)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := New([]Index{{URL: fi.root()}}, WithRetries(10, time.Hour)).Project(ctx, "oslo-config")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Errorf("error = %v after %v", err, time.Since(start))
	}
}
