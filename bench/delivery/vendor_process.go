package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/vendorkit"
)

// With -vendor-process, the example vendor service runs in a process of its own, as
// a vendor's service does: this program started again with -vendor-child. It answers
// the vendor's calls as the in-process one does, and the control paths below, on the
// same port, for the parent to open a fresh service, count the creates, stop
// recording and take the calls it recorded.
const controlPrefix = "/_bench/"

var (
	vendorProcess bool // -vendor-process: the vendor runs in a child process
	vendorChild   bool // -vendor-child: this is that process
)

// vendorWhere says where the vendor service ran, for the result line.
func vendorWhere() string {
	if vendorProcess {
		return "own-process"
	}
	return "process"
}

// vendorService is the example vendor service, in this process or in another.
type vendorService interface {
	url() string
	open(ctx context.Context, secret, path string) error
	created() int64
	calls() []call
	record(on bool)
	close()
}

func (v *vendor) record(on bool) { v.recording.Store(on) }

// wireCall is a call as the child sends it to its parent.
type wireCall struct {
	URI     string          `json:"uri"`
	EventID string          `json:"event_id"`
	Event   vendorkit.Event `json:"event"`
	Body    []byte          `json:"body"`
}

// serveControl answers the control paths of the vendor in a child process.
func (v *vendor) serveControl(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch strings.TrimPrefix(r.URL.Path, controlPrefix) {
	case "open":
		if err := v.open(r.Context(), q.Get("secret"), q.Get("path")); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	case "created":
		fmt.Fprint(w, v.created())
	case "record":
		v.record(q.Get("on") == "true")
	case "calls":
		var out []wireCall
		for _, c := range v.calls() {
			out = append(out, wireCall{URI: c.uri, EventID: c.eventID, Event: c.event, Body: c.body})
		}
		_ = json.NewEncoder(w).Encode(out)
	default:
		http.NotFound(w, r)
	}
}

// runVendorChild serves the vendor until its standard input closes, having printed
// its URL on its first line of output.
func runVendorChild() error {
	v, err := listenVendor()
	if err != nil {
		return err
	}
	defer v.close()
	fmt.Println(v.url())
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// remoteVendor is the vendor in a child process.
type remoteVendor struct {
	base  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	hc    *http.Client
}

func startVendorProcess(ctx context.Context) (*remoteVendor, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-vendor-child")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	vendorPID.Store(int64(cmd.Process.Pid))
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stdin.Close()
		_ = cmd.Wait()
		return nil, fmt.Errorf("the vendor process said no address: %v", err)
	}
	return &remoteVendor{base: strings.TrimSpace(line), cmd: cmd, stdin: stdin, hc: &http.Client{Timeout: time.Minute}}, nil
}

func (v *remoteVendor) url() string { return v.base }

// control calls a control path and returns its body, failing on anything but 200.
func (v *remoteVendor) control(ctx context.Context, path string, q url.Values) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.base+controlPrefix+path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := v.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("vendor process %s: %d %s", path, resp.StatusCode, body)
	}
	return body, err
}

func (v *remoteVendor) open(ctx context.Context, secret, path string) error {
	_, err := v.control(ctx, "open", url.Values{"secret": {secret}, "path": {path}})
	return err
}

// created is the child's count of creates; -1 when it cannot be read, which never
// reaches a count waited for.
func (v *remoteVendor) created() int64 {
	body, err := v.control(context.Background(), "created", nil)
	if err != nil {
		return -1
	}
	n, err := strconv.ParseInt(string(body), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// calls returns the calls the child recorded; none when they cannot be read, which
// the caller's count of them then reports.
func (v *remoteVendor) calls() []call {
	body, err := v.control(context.Background(), "calls", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "delivery:", err)
		return nil
	}
	var in []wireCall
	if err := json.Unmarshal(body, &in); err != nil {
		fmt.Fprintln(os.Stderr, "delivery: the vendor process's calls:", err)
		return nil
	}
	out := make([]call, len(in))
	for i, c := range in {
		out[i] = call{uri: c.URI, eventID: c.EventID, event: c.Event, body: c.Body}
	}
	return out
}

func (v *remoteVendor) record(on bool) {
	if _, err := v.control(context.Background(), "record", url.Values{"on": {strconv.FormatBool(on)}}); err != nil {
		fmt.Fprintln(os.Stderr, "delivery:", err)
	}
}

func (v *remoteVendor) close() {
	v.stdin.Close()
	_ = v.cmd.Wait()
}
