// Package engagementtest helps hosts property-test what they plug into the
// engagement package (their classifier overrides and rules, their weights
// and windows) as net/http/httptest helps test handlers.
//
// [Journeys] generates valid journeys and [Histories] response histories
// against one, with responses placed on the edges that matter (at the
// stimulus's time, at the as-of time, on period boundaries) and, if asked,
// deliberately bad ones. [CheckClassifier] asserts that a classifier is
// total and deterministic; [CheckBook] that an analysis accounts for every
// response, does not depend on their order, merges exactly when split,
// never grows a score as time passes, and gives the same book through
// numbered events. [Check] runs all of it as one rapid property; it takes
// a [rapid.TB] (a *testing.T, a *testing.B or a *rapid.T), and the other
// checks return errors and need no test at all.
package engagementtest
