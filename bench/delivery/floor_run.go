package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// reportFloors runs the floor after the baseline, and the batched floor after it
// when floorBatch asks, and prints their fields on the report line: each rate over
// the baseline's (which took baseSecs), and the page's p99 over idleP99.
func reportFloors(ctx context.Context, db, token, secret, out string, vendor vendorService, calls []call,
	baseSecs float64, idleP99 time.Duration) error {
	events := len(calls)
	var every time.Duration
	if floorPace > 0 {
		every = time.Duration(baseSecs / float64(events) / floorPace * float64(time.Second))
	}
	r, err := runFloor(ctx, db, token, secret, out, vendor, calls, every, 0)
	if err != nil {
		return err
	}
	fmt.Printf(" floor_pace=%g floor_s=%.2f floor_events_per_s=%.1f floor_ratio=%.3f page_p99_floor_ms=%.2f page_floor_requests=%d"+
		" floor_p99_ratio=%.2f", floorPace, r.secs, float64(events)/r.secs, baseSecs/r.secs, ms(r.p99), r.requests,
		float64(r.p99)/float64(idleP99))
	fmt.Print(r.cpu.fields("floor_"))
	if floorBatch == 0 {
		return nil
	}
	b, err := runFloor(ctx, db, token, secret, out, vendor, calls, 0, floorBatch)
	if err != nil {
		return err
	}
	fmt.Printf(" floor_batch=%d floor_batch_each=%t floor_batch_reads=%t floor_batched_events_per_s=%.1f floor_batched_ratio=%.3f"+
		" floor_batched_p99_ratio=%.2f floor_batched_events_per_write=%.2f", floorBatch, floorBatchEach, floorBatchReads,
		float64(events)/b.secs, baseSecs/b.secs, float64(b.p99)/float64(idleP99), float64(events)/float64(max(b.writes, 1)))
	fmt.Print(b.cpu.fields("floor_batched_"))
	return nil
}

// withFloor says whether the floor runs after the baseline (floor.go), and
// floorPace the share of the baseline's rate it is held to (0: none).
var (
	withFloor bool
	floorPace float64
)

// floorRun is what the floor measured: its delivery's seconds, and the page's p99
// read meanwhile by a server without workers, over requests reads.
type floorRun struct {
	writes   int // the batched floor's write transactions
	secs     float64
	p99      time.Duration
	requests int
	cpu      cpuCost
}

// runFloor delivers the events again by the floor's plain SQL to a fresh vendor
// service, reading the page meanwhile: one at a time, or batch at once (the batched
// floor, floor_batched.go).
func runFloor(ctx context.Context, db, token, secret, out string, vendor vendorService, calls []call,
	every time.Duration, batch int) (floorRun, error) {
	var r floorRun
	f, err := openFloor(db, calls)
	if err != nil {
		return r, err
	}
	defer f.close()
	if err := vendor.open(ctx, secret, filepath.Join(out, fmt.Sprintf("vendor-floor-%d.db", batch))); err != nil {
		return r, err
	}
	api, err := startCascade(ctx, db, token, false)
	if err != nil {
		return r, err
	}
	defer api.Close()
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	read := readWhileCreating(readCtx, api.URL(), token, vendor, len(calls))
	t0, cpu := time.Now(), sampleCPU()
	if batch > 0 {
		r.writes, err = f.deliverBatched(ctx, vendor.url(), secret, calls, batch)
	} else {
		err = f.deliver(ctx, vendor.url(), secret, calls, every)
	}
	r.secs = time.Since(t0).Seconds()
	r.cpu = costOf(cpu, sampleCPU(), len(calls))
	if err != nil {
		return r, err
	}
	reads, err := read()
	if err != nil {
		return r, err
	}
	r.p99, r.requests = reads.P99, reads.N
	if got := vendor.created(); got != int64(len(calls)) {
		return r, fmt.Errorf("the floor created %d of %d subscriptions", got, len(calls))
	}
	return r, nil
}
