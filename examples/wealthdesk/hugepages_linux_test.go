package main

import (
	"slices"
	"testing"
)

// The heap's arenas are advised, each once; files, stacks, small or
// read-only mappings and reserved address space are not.
func TestAdviseHeapPicksTheHeapsMappings(t *testing.T) {
	maps := []byte(`00400000-00a51000 r-xp 00000000 fe:00 10011451                           /tmp/wd
00a51000-00a7c000 rw-p 00651000 fe:00 10011451                           /tmp/wd
2241e8000000-2241e9400000 ---p 00000000 00:00 0 
2241e9400000-2241ea800000 rw-p 00000000 00:00 0 
2241ea800000-2241eb800000 rw-p 00000000 00:00 0                          [anon: Go: heap]
7f2fc2683000-7f2fc2693000 rw-p 00000000 00:00 0 
7f2fc3a00000-7f2fc5a00000 rw-p 00000000 00:00 0                          [heap]
7ffe5a6f5000-7ffe5a716000 rw-p 00000000 00:00 0                          [stack]
7f2fd0000000-7f2fd1000000 rw-s 00000000 00:05 42                         /dev/zero (deleted)
`)
	var got [][2]uint64
	advise := func(lo, hi uint64) { got = append(got, [2]uint64{lo, hi}) }
	advised := map[[2]uint64]bool{}
	adviseHeap(maps, advised, advise)
	want := [][2]uint64{{0x2241e9400000, 0x2241ea800000}, {0x2241ea800000, 0x2241eb800000}}
	if !slices.Equal(got, want) {
		t.Fatalf("advised %x, want %x", got, want)
	}
	adviseHeap(maps, advised, advise) // the same mappings again: nothing new
	if len(got) != len(want) {
		t.Fatalf("advised again: %x", got[len(want):])
	}
}

// The watcher starts and stops, and the job runs under it.
func TestAdviseHugePagesStops(t *testing.T) {
	stop := adviseHugePages()
	b := make([]byte, 64<<20) // a new arena for the watcher to see
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	stop()
}
