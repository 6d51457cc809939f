module github.com/engagekit/engagekit/examples/hostapi

go 1.24

require (
	github.com/engagekit/engagekit v0.0.0
	pgregory.net/rapid v1.3.0
)

require (
	github.com/expr-lang/expr v1.17.8 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
)

replace github.com/engagekit/engagekit => ../..
