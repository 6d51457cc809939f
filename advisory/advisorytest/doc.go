// Package advisorytest helps hosts property-test their own advisory
// frameworks, as net/http/httptest helps test handlers. [ParseBoundaries]
// reads the values a rule file compares with, [Files] generates client files
// of the host's own type around those values, [Check] asserts the properties
// every framework should have, [Cover] reports which rules and branches a
// population exercises, and [Differential] shows what a new version changes.
package advisorytest
