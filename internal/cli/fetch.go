package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/pipeline"
)

func newFetchCmd(g *globals) *cobra.Command {
	var (
		ff          fetchFlags
		idx         indexFlags
		lockFile    string
		concurrency int
	)
	cmd := &cobra.Command{
		Use:   "fetch (//images/SERVICE:RELEASE | --lock FILE)",
		Short: "Download every file of an image's lock into the verified cache (stage 3)",
		Long: `Download every file the image's committed lock pins into the content-addressed cache
(--cache-dir), verifying size and sha256. Files already in a --distdir or the cache are not
downloaded; with --offline nothing is. Downloads run in parallel with retries and backoff on
server errors and timeouts, and are written atomically: a download killed at any point leaves
nothing a later run would trust, and concurrent runs on one cache are safe. A hash mismatch is an
error naming the package, URL, expected and actual hash, and the bytes are not kept.

The lock pins files by hash, not by host: each file's URL is looked up on the configured index
(see citadel lock --help), which must list it under the locked sha256.`,
		Example: `  citadel fetch //images/horizon:2024.1
  citadel fetch //images/horizon:2024.1 --offline`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := lockFile
			if len(args) == 1 {
				ws, label, err := parseImageLabel(g, args[0])
				if err != nil {
					return err
				}
				img, err := decl.LoadImage(cmd.Context(), ws, label)
				if err != nil {
					return err
				}
				path = ws.Path(img.LockFile)
			} else if path == "" {
				return &UsageError{fmt.Errorf("give an image label or --lock FILE")}
			}
			l, err := pipeline.ReadLock(path)
			if err != nil {
				return err
			}
			f, err := g.fetcher(&ff)
			if err != nil {
				return err
			}
			plan, err := pipeline.PlanFetch(l, f)
			if err != nil {
				return err
			}
			var fetched []pipeline.Fetched
			if len(plan.Missing) == 0 || ff.offline {
				fetched, err = pipeline.FetchLocked(cmd.Context(), plan, f, nil, ff.offline, concurrency)
			} else {
				client, cerr := idx.client()
				if cerr != nil {
					return cerr
				}
				bar := newBar(cmd.ErrOrStderr(), plan.Bytes, fmt.Sprintf("fetching %d files", len(plan.Missing)), true)
				f, err = g.fetcher(&ff, fetch.WithProgress(func(n int64) { barAdd(bar, n) }))
				if err != nil {
					return err
				}
				fetched, err = pipeline.FetchLocked(cmd.Context(), plan, f, client, false, concurrency)
				barDone(bar)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%d files verified (%d already local, %d downloaded, %.1f MB)\n",
				len(fetched), len(plan.Local), len(plan.Missing), float64(plan.Bytes)/1e6)
			return nil
		},
	}
	ff.register(cmd)
	idx.register(cmd)
	cmd.Flags().StringVar(&lockFile, "lock", "", "fetch the files of this lock file instead of an image's")
	cmd.Flags().IntVar(&concurrency, "jobs", 8, "parallel downloads")
	return cmd
}
