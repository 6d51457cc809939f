// Package celcompare measures what compiling rules costs in engagekit's
// dsl beside cel-go (https://github.com/google/cel-go) and expr compiling
// the same expressions, side by side in one benchmark run:
//
//	cd examples/celcompare && go test -run '^$' -bench Compile100 -benchmem
//
// It is a module of its own so that the library never depends on cel-go.
// Its test checks that the three compile the same 100 conditions and agree
// on what they decide for a sample client, so the benchmark compares like
// with like.
package celcompare
