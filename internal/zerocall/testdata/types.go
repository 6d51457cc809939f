package testdata

type Fine struct{}

type Broken struct{}

type Missing struct{}

type Alias = Fine

type Shape interface{ Area() float64 }
