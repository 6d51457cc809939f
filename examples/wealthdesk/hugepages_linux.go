package main

import (
	"bytes"
	"os"
	"runtime/metrics"
	"strconv"
	"syscall"
	"time"
)

// madvHugePage is Linux's MADV_HUGEPAGE.
const madvHugePage = 14

// adviseHugePages asks Linux for transparent huge pages on the memory the
// Go runtime maps for its heap, as it maps it, until the returned function
// is called. Where the kernel gives huge pages only to memory that asks
// for them (transparent_hugepage "madvise", a common default) the Go heap
// never asks, and a job that builds gigabytes takes a page fault for each
// 4 KiB it first touches: on a virtual machine whose faults are costly,
// seconds of the million-client job. With the advice, one fault maps
// 2 MiB.
//
// The runtime maps its heap in large pieces (an arena is 64 MiB) and
// touches a piece's pages only as it allocates from it, so a watcher that
// sees each new mapping within a millisecond or two of its making advises
// nearly all of it. The watcher reads the runtime's count of mapped memory
// every millisecond (cheap) and the process's mappings only when it grew.
func adviseHugePages() (stop func()) {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
		var mapped uint64
		advised := map[[2]uint64]bool{}
		buf := make([]byte, 0, 64<<10)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > mapped {
				mapped = v
				var ok bool
				if buf, ok = readMaps(buf); !ok {
					return
				}
				adviseHeap(buf, advised, func(lo, hi uint64) {
					syscall.Syscall(syscall.SYS_MADVISE, uintptr(lo), uintptr(hi-lo), madvHugePage)
				})
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}

// readMaps reads /proc/self/maps into buf.
func readMaps(buf []byte) ([]byte, bool) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return buf, false
	}
	defer f.Close()
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil || n == 0 {
			return buf, true
		}
	}
}

// adviseHeap advises each anonymous, writable mapping of 4 MiB or more in
// maps (the heap's arenas; the runtime's own smaller structures are left
// alone) that it has not advised before.
func adviseHeap(maps []byte, advised map[[2]uint64]bool, advise func(lo, hi uint64)) {
	for line := range bytes.Lines(maps) {
		f := bytes.Fields(line)
		// address perms offset dev inode [name]: anonymous memory has no
		// file (inode 0), and the runtime may name it "[anon: Go: heap]".
		if len(f) < 5 || !bytes.HasPrefix(f[1], []byte("rw")) || !bytes.Equal(f[4], []byte("0")) ||
			len(f) > 5 && !bytes.HasPrefix(f[5], []byte("[anon")) {
			continue
		}
		lo, hi, ok := bytes.Cut(f[0], []byte("-"))
		if !ok {
			continue
		}
		a, err1 := strconv.ParseUint(string(lo), 16, 64)
		b, err2 := strconv.ParseUint(string(hi), 16, 64)
		if err1 != nil || err2 != nil || b-a < 4<<20 || advised[[2]uint64{a, b}] {
			continue
		}
		advised[[2]uint64{a, b}] = true
		advise(a, b)
	}
}
