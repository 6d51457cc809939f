package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium is where Debian's chromium package puts the browser.
const chromium = "/usr/bin/chromium"

var screenshots = flag.String("out", "", "directory for the browser test's screenshots (default: the test's temporary directory)")

// TestBrowser drives the workbench in headless Chromium: an author
// branches the live rules, saves a typo and sees the caret, fixes it and
// sees the diff, and submits; an approver approves; the client page then
// shows the alert the new version gained.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: install Debian's chromium package", chromium)
		}
		t.Skipf("%s is missing (apt-get install chromium); set CI to make this a failure", chromium)
	}
	_, ts := newTestServer(t)
	out := *screenshots
	if out == "" {
		out = t.TempDir()
	}
	ctx := browser(t)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		step, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(step, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel chromedp.CSS) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.TextContent(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	screenshot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		save(t, out, name, png)
	}
	logIn := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(ts.URL+"/login"),
			chromedp.SendKeys(chromedp.ID("name"), name),
			chromedp.SendKeys(chromedp.ID("password"), name+"-demo"),
			chromedp.Click(chromedp.ID("login")),
			chromedp.WaitVisible(chromedp.ID("logout")),
		)
	}
	do("alice branches the live version", logIn("alice"), chromedp.Navigate(ts.URL+"/rules/1"),
		chromedp.Click(chromedp.ID("branch")), chromedp.WaitVisible(chromedp.ID("save")))
	do("alice saves a typo", chromedp.SetValue(chromedp.ID("text"), typoRules), chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.CSS("pre.caret")))
	if caret := text("pre.caret"); !strings.Contains(caret, "portfolio.drif") || !strings.Contains(caret, "^") {
		t.Fatalf("the caret error reads %q", caret)
	}
	do("alice fixes it", chromedp.SetValue(chromedp.ID("text"), fixedRules), chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.ID("diff-summary")))
	client := text("#gained a")
	screenshot("workbench.png")
	do("alice submits", chromedp.Click(chromedp.ID("submit")))
	waitStatus(t, ctx, "submitted")
	before := driftAlerts(t, ctx, ts.URL+"/clients/"+client)
	do("alice logs out and bob approves", chromedp.Navigate(ts.URL+"/rules/2"), chromedp.Click(chromedp.ID("logout")),
		chromedp.WaitVisible(chromedp.ID("login")), logIn("bob"), chromedp.Navigate(ts.URL+"/rules/2"),
		chromedp.Click(chromedp.ID("approve")))
	waitStatus(t, ctx, "deployed")
	after := driftAlerts(t, ctx, ts.URL+"/clients/"+client)
	if before != 0 || after != 1 {
		t.Fatalf("client %s has %d drift alerts before the approval and %d after, want 0 and 1", client, before, after)
	}
	screenshot("client.png")
}

// waitStatus waits for the workbench to show a version's status: the
// click that changes it navigates, and until the new page has loaded the
// old one (or none) is there.
func waitStatus(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("status") || {}).textContent || ""`))
		if got = strings.TrimSpace(s); err == nil && got == want {
			return
		}
	}
	t.Fatalf("the version's status is %q, want %q", got, want)
}

// driftAlerts counts the portfolio_drift
// alerts on a client page.
func driftAlerts(t *testing.T, ctx context.Context, url string) int {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](
		`document.getElementById("alerts") ? document.querySelectorAll('tr[data-rule="portfolio_drift"]').length : -1`))
	if err != nil {
		t.Fatal(err)
	}
	if n < 0 {
		t.Fatalf("%s shows no alerts table", url)
	}
	return n
}

// browser starts headless Chromium with the flags this machine needs and
// a fresh profile.
func browser(t *testing.T) context.Context {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	// The browser lives as long as the context of the first Run, which
	// must carry no timeout; the test's own deadline bounds it.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	return ctx
}

// save writes a screenshot and checks it is there.
func save(t *testing.T, dir, name string, png []byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	t.Logf("screenshot: %s", path)
}
