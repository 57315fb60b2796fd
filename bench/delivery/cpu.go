package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
)

// What a phase of the benchmark costs the machine, read from Linux's /proc: how
// busy the CPUs were, the CPU time spent per event, and the share of it taken by
// the processes of a PostgreSQL server on this machine and by the benchmark's own
// process (Cascade or the floor's client, and the page's reads), by the vendor
// service's process, and by the kernel's interrupts (loopback traffic is handled
// there) and, on a virtual machine, by the host (steal). It tells a delivery bound
// by the CPUs (Cascade's, the floor's) from one bound by the vendor service's
// commits (the plain client's), which the events per second alone do not.

// userHZ is the unit of the times /proc gives: USER_HZ, 100 on every Linux
// architecture Go builds for.
const userHZ = 100

// cpuSample is one reading: the machine's busy and total ticks, the ticks of each
// process named postgres, by pid, this process's and the vendor service's. ok is
// false where /proc/stat is missing.
type cpuSample struct {
	busy, total, self uint64
	irq, steal        uint64 // of busy: interrupts (hard and soft), and the host's
	vendor            uint64 // the vendor service's process's, when it runs apart
	postgres          map[int]uint64
	ok                bool
}

// vendorPID is the vendor service's process, once started (vendor_process.go).
var vendorPID atomic.Int64

// sampleCPU reads the machine's and the processes' ticks now.
func sampleCPU() cpuSample {
	s := cpuSample{postgres: map[int]uint64{}}
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) < 5 || fields[0] != "cpu" {
		return s
	}
	for i, f := range fields[1:] {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return s
		}
		s.total += n
		if i != 3 && i != 4 { // idle and iowait
			s.busy += n
		}
		switch i {
		case 5, 6:
			s.irq += n
		case 7:
			s.steal += n
		}
	}
	s.ok = true
	_, _, s.self, _ = procTicks("/proc/self/stat")
	if pid := vendorPID.Load(); pid != 0 {
		_, _, s.vendor, _ = procTicks(fmt.Sprintf("/proc/%d/stat", pid))
	}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		if pid, comm, ticks, ok := procTicks(path); ok && comm == "postgres" {
			s.postgres[pid] = ticks
		}
	}
	return s
}

// procTicks reads the pid, command and user and system ticks of the process whose
// stat file is path.
func procTicks(path string) (pid int, comm string, ticks uint64, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, "", 0, false
	}
	// pid (comm) state ppid ...: comm may hold spaces, so the fields after it are
	// counted from its closing parenthesis.
	open, end := bytes.IndexByte(data, '('), bytes.LastIndexByte(data, ')')
	if open < 0 || end < open {
		return 0, "", 0, false
	}
	rest := strings.Fields(string(data[end+1:]))
	if len(rest) < 13 {
		return 0, "", 0, false
	}
	utime, err1 := strconv.ParseUint(rest[11], 10, 64)
	stime, err2 := strconv.ParseUint(rest[12], 10, 64)
	pid, err3 := strconv.Atoi(strings.TrimSpace(string(data[:open])))
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, "", 0, false
	}
	return pid, string(data[open+1 : end]), utime + stime, true
}

// cpuCost is what the machine spent between two samples on events events.
type cpuCost struct {
	busyShare  float64 // of all the CPUs' time, how much was busy
	msPerEvent float64 // busy CPU time per event
	postgresMs float64 // of it, PostgreSQL's processes' (0 when none ran here)
	processMs  float64 // of it, the benchmark's own process's
	vendorMs   float64 // of it, the vendor service's process's (0 in this one)
	irqMs      float64 // of it, the kernel's interrupts'
	stealMs    float64 // of it, taken by the host of a virtual machine
	ok         bool
}

// costOf compares before and after over events. A PostgreSQL process that ended
// between them is not counted (its ticks went with it), one that started counts
// from zero.
func costOf(before, after cpuSample, events int) cpuCost {
	if !before.ok || !after.ok || after.total <= before.total || events <= 0 {
		return cpuCost{}
	}
	var pg uint64
	for pid, ticks := range after.postgres {
		if t, ok := before.postgres[pid]; ok && ticks >= t {
			pg += ticks - t
		} else if !ok {
			pg += ticks
		}
	}
	busy := after.busy - before.busy
	perEvent := func(ticks uint64) float64 { return float64(ticks) * 1000 / userHZ / float64(events) }
	return cpuCost{
		busyShare:  float64(busy) / float64(after.total-before.total),
		msPerEvent: perEvent(busy),
		postgresMs: perEvent(pg),
		processMs:  perEvent(after.self - before.self),
		vendorMs:   perEvent(after.vendor - before.vendor),
		irqMs:      perEvent(after.irq - before.irq),
		stealMs:    perEvent(after.steal - before.steal),
		ok:         true,
	}
}

// fields formats c for the report line, each name after prefix; nothing when the
// machine could not be read.
func (c cpuCost) fields(prefix string) string {
	if !c.ok {
		return ""
	}
	return " " + prefix + "cpu_busy=" + strconv.FormatFloat(c.busyShare, 'f', 2, 64) +
		" " + prefix + "cpu_ms_per_event=" + strconv.FormatFloat(c.msPerEvent, 'f', 2, 64) +
		" " + prefix + "postgres_ms_per_event=" + strconv.FormatFloat(c.postgresMs, 'f', 2, 64) +
		" " + prefix + "process_ms_per_event=" + strconv.FormatFloat(c.processMs, 'f', 2, 64) +
		" " + prefix + "vendor_ms_per_event=" + strconv.FormatFloat(c.vendorMs, 'f', 2, 64) +
		" " + prefix + "irq_ms_per_event=" + strconv.FormatFloat(c.irqMs, 'f', 2, 64) +
		" " + prefix + "steal_ms_per_event=" + strconv.FormatFloat(c.stealMs, 'f', 2, 64)
}
