package simpleindex

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// response is a successful GET: the body and the final URL after redirects, which relative
// links on a page resolve against.
type response struct {
	body        []byte
	url         *url.URL
	contentType string
}

// statusError is a response other than 200.
type statusError struct {
	url  string // redacted
	code int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.url, e.code, http.StatusText(e.code))
}

var errTooLarge = errors.New("response too large")

// maxRetryAfter caps how long a server's Retry-After can make a request wait.
const maxRetryAfter = time.Minute

func (c *Client) get(ctx context.Context, u *url.URL, accept string, limit int64) (*response, error) {
	delay := c.backoff
	for attempt := 1; ; attempt++ {
		resp, retryAfter, err := c.getOnce(ctx, u, accept, limit)
		if err == nil {
			return resp, nil
		}
		if attempt >= c.attempts || ctx.Err() != nil || !retryable(err) {
			return nil, err
		}
		wait := max(delay, min(retryAfter, maxRetryAfter))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("GET %s: %w", u.Redacted(), ctx.Err())
		case <-time.After(wait):
		}
		delay *= 2
	}
}

func retryable(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		return se.code >= 500 || se.code == http.StatusTooManyRequests || se.code == http.StatusRequestTimeout
	}
	// Connection failures, resets, timeouts and short reads: the network's fault.
	return !errors.Is(err, errTooLarge)
}

// getOnce makes one request, holding a concurrency slot only while it runs. It also returns the
// delay a Retry-After header asks for.
func (c *Client) getOnce(ctx context.Context, u *url.URL, accept string, limit int64) (*response, time.Duration, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, 0, fmt.Errorf("GET %s: %w", u.Redacted(), ctx.Err())
	}
	defer func() { <-c.sem }()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("User-Agent", c.ua)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, err // a *url.Error, which names the URL without its password
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection can be reused
		return nil, retryAfter(resp.Header.Get("Retry-After")), &statusError{url: u.Redacted(), code: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, 0, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	if int64(len(body)) > limit {
		return nil, 0, fmt.Errorf("GET %s: %w (over %d bytes)", u.Redacted(), errTooLarge, limit)
	}
	return &response{body: body, url: resp.Request.URL, contentType: resp.Header.Get("Content-Type")}, 0, nil
}

// retryAfter reads a Retry-After header given in seconds; dates are ignored.
func retryAfter(v string) time.Duration {
	s, err := strconv.Atoi(v)
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// parsePage picks the parser by the response's media type (PEP 691).
func parsePage(r *response) (*page, error) {
	mt, _, err := mime.ParseMediaType(r.contentType)
	if err != nil {
		return nil, fmt.Errorf("Content-Type %q: %w", r.contentType, err)
	}
	switch mt {
	case "application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json":
		return parseJSON(r.url, r.body)
	case "application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html", "text/html":
		return parseHTML(r.url, r.body)
	}
	return nil, fmt.Errorf("Content-Type %q is not a simple repository page", r.contentType)
}
