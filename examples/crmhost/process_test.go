package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// buildOnce builds the crmhost binary once per test run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

// binary is the path of crmhost built into a temporary directory.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "crmhost-bin")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "crmhost")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

// freeAddr is a localhost address nobody listens on now.
func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// process is a running crmhost.
type process struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// startProcess runs crmhost over db and waits until it serves.
func startProcess(t testing.TB, db string, clients int) *process {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(binary(t), "-addr", addr, "-db", db, "-clients", fmt.Sprint(clients))
	cmd.Stderr = os.Stderr
	if !testing.Verbose() {
		cmd.Stderr = nil
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			return p
		}
		select {
		case err := <-p.done:
			t.Fatalf("crmhost exited before serving: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatal("crmhost did not start serving within 60 s")
	return nil
}
