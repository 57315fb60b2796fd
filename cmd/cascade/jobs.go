package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

const jobsUsage = `usage: cascade jobs list [--status pending|running|completed|failed] [--kind K] [--limit N]
       cascade jobs retry ID...
       cascade jobs purge [--older-than DURATION]`

// maxJobListLimit keeps a listing something a terminal can show.
const maxJobListLimit = 10000

// failureWidth is how much of a failure message a listing shows, so a job stays on
// one line; the whole message is in the jobs table.
const failureWidth = 60

// jobs holds the operators' tools for the job queue: look at jobs, run failed ones
// again, delete old finished ones. They work on the database directly, so they also
// work while no server runs.
func (c *cli) jobs(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(jobsUsage)
	}
	switch args[0] {
	case "list":
		return c.jobsList(ctx, args[1:])
	case "retry":
		return c.jobsRetry(ctx, args[1:])
	case "purge":
		return c.jobsPurge(ctx, args[1:])
	}
	return errors.New(jobsUsage)
}

func (c *cli) jobsList(ctx context.Context, args []string) error {
	var (
		status string
		f      store.JobFilter
	)
	flags := func(fs *flag.FlagSet) {
		fs.StringVar(&status, "status", "", "only jobs with this status: pending, running, completed or failed")
		fs.StringVar(&f.Kind, "kind", "", "only jobs of this kind")
		fs.IntVar(&f.Limit, "limit", store.DefaultJobListLimit, "at most this many jobs, the most recently updated first")
	}
	check := func(fs *flag.FlagSet) error {
		switch st := domain.JobStatus(status); st {
		case "", domain.JobStatusPending, domain.JobStatusRunning, domain.JobStatusCompleted, domain.JobStatusFailed:
			f.Status = st
		default:
			return fmt.Errorf("--status %q: want pending, running, completed or failed", status)
		}
		if f.Limit < 1 || f.Limit > maxJobListLimit {
			return fmt.Errorf("--limit %d: want 1 to %d", f.Limit, maxJobListLimit)
		}
		if fs.NArg() > 0 {
			return errors.New(jobsUsage)
		}
		return nil
	}
	m, err := c.openChecked(ctx, "jobs list", args, flags, check)
	if err != nil {
		return err
	}
	defer m.Close()
	list, err := m.DB.Reader().ListJobs(ctx, f)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(c.stdout, "no jobs")
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tRESELLER\tSTATUS\tATTEMPTS\tRUN AT\tUPDATED AT\tFAILURE")
	for _, j := range list {
		reseller := "-"
		if j.ResellerID != 0 {
			reseller = strconv.FormatInt(j.ResellerID, 10)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%s\t%s\t%s\n", j.ID, j.Kind, reseller, j.Status, j.Attempts, j.MaxAttempts,
			rfc3339(j.RunAt), rfc3339(j.UpdatedAt), oneLine(j.FailureMessage, failureWidth))
	}
	return tw.Flush()
}

func (c *cli) jobsRetry(ctx context.Context, args []string) error {
	var ids []string
	check := func(fs *flag.FlagSet) (err error) {
		ids, err = positional(fs)
		if err == nil && len(ids) == 0 {
			err = errors.New("usage: cascade jobs retry ID...")
		}
		return err
	}
	m, err := c.openChecked(ctx, "jobs retry", args, nil, check)
	if err != nil {
		return err
	}
	defer m.Close()
	retried, err := m.DB.RetryFailedJobs(ctx, ids, m.Clock.Now())
	if err != nil {
		return err
	}
	for _, j := range retried {
		fmt.Fprintf(c.stdout, "job %s (%s) is pending again, due now, with %d attempts\n", j.ID, j.Kind, j.MaxAttempts)
	}
	fmt.Fprintf(c.stdout, "retried %d failed job(s); a worker node takes them at its next poll\n", len(retried))
	return nil
}

func (c *cli) jobsPurge(ctx context.Context, args []string) error {
	var (
		olderThan time.Duration
		given     bool
	)
	flags := func(fs *flag.FlagSet) {
		fs.DurationVar(&olderThan, "older-than", 0,
			"delete completed and failed jobs that finished longer ago than this (default CASCADE_JOB_RETENTION, 720h)")
	}
	check := func(fs *flag.FlagSet) error {
		fs.Visit(func(fl *flag.Flag) { given = given || fl.Name == "older-than" })
		if given && olderThan <= 0 {
			return fmt.Errorf("--older-than %s: want a positive duration such as 720h", olderThan)
		}
		if fs.NArg() > 0 {
			return errors.New(jobsUsage)
		}
		return nil
	}
	m, err := c.openChecked(ctx, "jobs purge", args, flags, check)
	if err != nil {
		return err
	}
	defer m.Close()
	if !given {
		if olderThan = m.Config.JobRetention; olderThan <= 0 {
			return errors.New("CASCADE_JOB_RETENTION=0 keeps finished jobs; give --older-than to purge them anyway")
		}
	}
	now := m.Clock.Now()
	n, err := jobs.NewPurger(m.DB, m.Clock, jobs.PurgeOptions{Retention: olderThan}).Purge(ctx)
	if n > 0 || err == nil {
		fmt.Fprintf(c.stdout, "purged %d finished job(s) that finished before %s (older than %s)\n",
			n, rfc3339(now.Add(-olderThan)), olderThan)
	}
	return err
}

// openChecked reads a command's flags, lets check refuse them before anything is
// opened (so a mistyped flag never creates or migrates a database), then opens the
// database, migrated. On success the caller closes the returned Main.
func (c *cli) openChecked(ctx context.Context, name string, args []string, extra func(*flag.FlagSet),
	check func(*flag.FlagSet) error) (*app.Main, error) {
	cfg, fs, err := c.config(name, args, extra)
	if err != nil {
		return nil, err
	}
	if err := check(fs); err != nil {
		return nil, err
	}
	m := app.NewMain(cfg)
	if err := m.Open(ctx); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// positional returns the arguments left after the flags, which may also come
// between and after them: "retry ID --db URL ID2".
func positional(fs *flag.FlagSet) ([]string, error) {
	var out []string
	for fs.NArg() > 0 {
		out = append(out, fs.Arg(0))
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// oneLine squeezes s onto one line of at most width characters.
func oneLine(s string, width int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= width {
		return string(r)
	}
	return string(r[:width-1]) + "…"
}
