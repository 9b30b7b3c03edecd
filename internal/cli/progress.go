package cli

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal; progress bars are drawn only there.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newBar returns a progress bar on w, or nil when w is not a terminal. A nil bar is safe to use
// through the helpers below.
func newBar(w io.Writer, total int64, desc string, bytes bool) *progressbar.ProgressBar {
	if !isTerminal(w) {
		return nil
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000), // 100 ms
		progressbar.OptionShowCount(),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true))
	}
	return progressbar.NewOptions64(total, opts...)
}

func barAdd(b *progressbar.ProgressBar, n int64) {
	if b != nil {
		_ = b.Add64(n)
	}
}

func barSet(b *progressbar.ProgressBar, n int) {
	if b != nil {
		_ = b.Set(n)
	}
}

func barDone(b *progressbar.ProgressBar) {
	if b != nil {
		_ = b.Finish()
	}
}
