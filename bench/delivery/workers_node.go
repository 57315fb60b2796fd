package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// With -workers-node, the events are delivered as an installation that runs its job
// workers on a node of their own does it (docs/jobs.md, "API-only nodes"): cascade
// serve of that build, started at a lower CPU priority, runs the workers, and this
// process's Cascade, an API-only node on the same database, serves the page. The
// kernel then weighs the API node's threads against the workers', where in one
// process the page's handler waits behind the workers for one of the runtime's
// threads.
var (
	workersNodeBin      string // cascade, or "": the workers run in this process
	workersNodePriority string // the worker node's niceness, or "idle" (SCHED_IDLE)
)

// startWorkersNode starts the worker node on db, its output in out/workers-node.log,
// and returns its URL and what stops it.
func startWorkersNode(ctx context.Context, db, token, out string) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logFile, err := os.Create(filepath.Join(out, "workers-node.log"))
	if err != nil {
		return "", nil, err
	}
	serve := []string{workersNodeBin, "serve", "--addr", addr, "--db", db}
	var cmd *exec.Cmd
	if workersNodePriority == "idle" {
		// The kernel runs the node only on a CPU nothing else wants.
		cmd = exec.CommandContext(ctx, "chrt", append([]string{"--idle", "0"}, serve...)...)
	} else {
		if _, err := strconv.Atoi(workersNodePriority); err != nil {
			logFile.Close()
			return "", nil, fmt.Errorf("-workers-node-priority %q: want a niceness or idle", workersNodePriority)
		}
		cmd = exec.CommandContext(ctx, "nice", append([]string{"-n", workersNodePriority}, serve...)...)
	}
	cmd.Env = append(os.Environ(), "CASCADE_ADMIN_TOKEN="+token, "CASCADE_VENDOR_ALLOW_PRIVATE=1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return "", nil, fmt.Errorf("start the worker node: %w", err)
	}
	ended := make(chan struct{})
	go func() { _ = cmd.Wait(); close(ended) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = cmd.Process.Signal(os.Interrupt)
			select {
			case <-ended:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				<-ended
			}
			logFile.Close()
		})
	}
	// The delivery is timed from when the node is ready, as the in-process workers'
	// is from when their server is.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		select {
		case <-ended:
			stop()
			return "", nil, fmt.Errorf("the worker node ended at start; see %s", logFile.Name())
		default:
		}
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return "http://" + addr, stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("the worker node was not ready within a minute; see %s", logFile.Name())
		}
	}
}

// workersWhere says where the workers ran, for the result line: "process",
// "node-niceN" or "node-idle".
func workersWhere() string {
	switch {
	case workersNodeBin == "":
		return "process"
	case workersNodePriority == "idle":
		return "node-idle"
	}
	return "node-nice" + workersNodePriority
}
