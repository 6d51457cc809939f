// Package advisorytest helps hosts property-test their own advisory
// frameworks, as net/http/httptest helps test handlers. [ParseBoundaries]
// reads the values a rule file compares with, [Files] generates client files
// of the host's own type around those values, [Check] asserts the properties
// every framework should have, [Cover] reports which rules and branches a
// population exercises, and [Differential] shows what a new version changes.
//
// # Generators for any client file
//
// [FilesWith] generates files of any struct type a CRM has: narrow and
// named numbers, times and durations around the boundaries, slices of
// holdings, maps of accounts, nested structs and optional pointers.
// Where its defaults do not fit a field, a generator for that field
// ([WithField]) or for every value of a type ([WithType]) replaces them,
// and [WithLen] bounds slices and maps; the options are checked against
// the type when the generator is made, with an error.
//
// # Any test runner
//
// [Check] takes a [rapid.TB]: a *testing.T, a *testing.B, or the *rapid.T
// of a property of the host's own. The other checks return errors and
// need no test at all.
package advisorytest
