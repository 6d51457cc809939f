// Package hostapi is engagekit seen from a host: a module of its own that
// imports only the library's public packages, as a wealth manager's CRM
// would. Its tests compile the README's snippets over a CRM type with
// holdings and accounts, and write what a host writes against the API: a
// progress callback, a custom generator for the test kit and an
// observability hook. If a public signature named an internal type, or a
// README snippet went stale, this module would stop compiling.
package hostapi
