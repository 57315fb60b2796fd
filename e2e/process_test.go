package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/syncbuf"
)

// The tests in this file's neighbours run the real cascade binary as a child
// process, so that they can kill it the way a crash, an OOM killer or a lost machine
// does (SIGKILL: no shutdown, no deferred code) and start the next one on the same
// database.

// binary is the cascade command built once for the whole test run.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// TestMain removes the built binary after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// cascadeBinary builds cmd/cascade (once) and returns its path.
func cascadeBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "cascade-e2e-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "cascade")
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		out, err := exec.Command(goTool, "build", "-o", binary.path, "github.com/cascade-billing/cascade/cmd/cascade").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// process is a "cascade serve" running as a child process.
type process struct {
	t      *testing.T
	cmd    *exec.Cmd
	URL    string
	output *syncbuf.Buffer // standard output and the JSON log
	done   chan struct{}   // closed once the process has exited
}

var servingOn = regexp.MustCompile(`is serving on (http://\S+) `)

// startProcess starts "cascade serve" with args on the database at dbURL, with
// CASCADE_ADMIN_TOKEN set to adminToken, and returns once it says it serves. When
// the test ends a process still running is killed.
func startProcess(t *testing.T, dbURL, adminToken string, args ...string) *process {
	t.Helper()
	return startProcessEnv(t, dbURL, adminToken, nil, args...)
}

// startProcessEnv is startProcess with the CASCADE_ settings of extra (KEY=value)
// added to its environment.
func startProcessEnv(t *testing.T, dbURL, adminToken string, extra []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(cascadeBinary(t), append([]string{"serve"}, args...)...)
	env := append([]string{"CASCADE_DATABASE_URL=" + dbURL, "CASCADE_ADMIN_TOKEN=" + adminToken, "CASCADE_ADDR=127.0.0.1:0"}, extra...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CASCADE_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	p := &process{t: t, cmd: cmd, output: &syncbuf.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = p.output
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(p.output, sc.Text())
			if m := servingOn.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.signal(syscall.SIGKILL)
		<-p.done
		if t.Failed() {
			t.Logf("output of cascade serve %s (pid %d):\n%s", strings.Join(args, " "), cmd.Process.Pid, p.output)
		}
	})
	select {
	case p.URL = <-urls:
	case <-p.done:
		t.Fatalf("cascade serve %s exited: %s", strings.Join(args, " "), p.output)
	case <-time.After(60 * time.Second):
		t.Fatalf("cascade serve %s did not start: %s", strings.Join(args, " "), p.output)
	}
	return p
}

// Pid is the process id, which names the process in the job leases it holds.
func (p *process) Pid() int { return p.cmd.Process.Pid }

// signal sends sig unless the process has exited.
func (p *process) signal(sig syscall.Signal) {
	select {
	case <-p.done:
	default:
		p.cmd.Process.Signal(sig)
	}
}

// kill ends the process with SIGKILL, as a crash would, and waits until it is gone.
func (p *process) kill() {
	p.t.Helper()
	p.signal(syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.t.Fatalf("process %d outlived SIGKILL", p.Pid())
	}
}

// client returns a client of the process authenticating with token, whose answers
// are checked against the OpenAPI description like every other test's.
func (p *process) client(token string) *client.Client {
	return client.New(p.URL, token).WithHTTPClient(&http.Client{Transport: newValidator(p.t, p.URL)})
}

// runCascade runs a cascade command (not serve) on the database at dbURL and returns
// what it printed.
func runCascade(t *testing.T, dbURL string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cascadeBinary(t), args...)
	cmd.Env = append(os.Environ(), "CASCADE_DATABASE_URL="+dbURL)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
