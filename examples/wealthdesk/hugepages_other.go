//go:build !linux

package main

// adviseHugePages does nothing outside Linux, whose transparent huge
// pages it asks for.
func adviseHugePages() (stop func()) { return func() {} }
