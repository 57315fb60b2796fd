package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
)

var (
	workerBin  string
	workerNice int
)

// startWorkerProcess runs cascade serve (workerBin) on db under nice, for its job
// workers; it serves an API nobody reads.
func startWorkerProcess(ctx context.Context, db, token string) (func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, "nice", "-n", strconv.Itoa(workerNice), workerBin, "serve", "--addr", addr, "--db", db)
	cmd.Env = append(os.Environ(), "CASCADE_ADMIN_TOKEN="+token, "CASCADE_VENDOR_ALLOW_PRIVATE=1")
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %v", err)
	}
	return func() { cmd.Process.Kill(); cmd.Wait() }, nil
}
