module github.com/engagekit/engagekit

go 1.24

require (
	github.com/expr-lang/expr v1.17.8
	github.com/google/go-cmp v0.7.0
	pgregory.net/rapid v1.3.0
)
