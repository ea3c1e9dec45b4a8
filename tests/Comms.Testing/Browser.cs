using Microsoft.Playwright;

namespace Comms.Testing;

/// <summary>
/// A real headless Chromium for pages patients and staff use: Debian's package (/usr/bin/chromium, installed by
/// tools/test), driven by Playwright. COMMS_CHROMIUM points elsewhere.
/// </summary>
public static class Browser
{
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("COMMS_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"No Chromium at {executable}: run the tests with ./tools/test (it installs Debian's chromium) or set COMMS_CHROMIUM.");
        }

        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Closed network: keep Chromium from calling home, and run as root in CI.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }
}
