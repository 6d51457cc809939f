// Command crmhost is a reference host for engagekit: a wealth manager's CRM
// service over a SQLite database, with the book, client and plan pages and
// a rule workbench with maker-checker deployment. See the README.
package main

func main() {}
