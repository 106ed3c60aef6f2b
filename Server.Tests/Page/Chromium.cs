using Microsoft.Playwright;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>
/// Debian's Chromium, launched once for all page tests. Test tools cannot download browsers here, so the page tests
/// use the system package and are skipped (or, in CI, fail) when it is missing.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";
    public const string RequireVariable = "TICKER_REQUIRE_CHROMIUM";
    public const string InstallHint = "apt-get install -y chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(
        $"Chromium is not running: {ExecutablePath} is missing. Install it with `{InstallHint}`.");

    public async Task InitializeAsync()
    {
        if (!IsInstalled)
        {
            // Skipped tests never touch Browser; a required run fails there with the install hint.
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>Page tests share one browser and run one at a time: each starts its own server, and the machine is small.</summary>
[CollectionDefinition(Name)]
public sealed class PageTestGroup : ICollectionFixture<Chromium>
{
    public const string Name = "page";
}

/// <summary>A fact that is skipped, with the command to install Chromium, when the browser is missing (unless CI requires it).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!Chromium.IsInstalled && !Chromium.IsRequired)
        {
            Skip = $"Chromium is not installed at {Chromium.ExecutablePath}; install it with `{Chromium.InstallHint}` " +
                   $"to run the page tests (set {Chromium.RequireVariable}=1 to make this a failure).";
        }
    }
}
