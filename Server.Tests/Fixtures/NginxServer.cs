using System.Globalization;
using System.Text.RegularExpressions;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// Debian's nginx on a free loopback port, in front of the upstream servers a test gives it, with a configuration
/// written into a temp folder: a fixed main context (one worker, logs and temp paths in the folder, so no root-owned
/// system path is touched) around a site template (see <see cref="NginxSite"/>). Serves TLS when given a certificate.
/// </summary>
public sealed partial class NginxServer : IAsyncLifetime, IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nginx";

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly string _siteTemplate;
    private readonly IReadOnlyList<Uri> _upstreams;
    private readonly TestCertificate? _certificate;
    private string? _folder;
    private ServerProcess? _process;

    /// <param name="siteTemplate">The http-context configuration with {{placeholders}}, such as <see cref="NginxSite.ReverseProxy"/>.</param>
    /// <param name="upstreams">The servers behind nginx, as their base addresses (http://127.0.0.1:port).</param>
    /// <param name="certificate">Serve TLS with this certificate; fills {{certificate}} and {{certificate_key}}.</param>
    public NginxServer(string siteTemplate, IEnumerable<Uri> upstreams, TestCertificate? certificate = null)
    {
        _siteTemplate = siteTemplate;
        _upstreams = [.. upstreams];
        _certificate = certificate;
    }

    public int Port { get; private set; }

    /// <summary>https://127.0.0.1:port/ with a certificate, http://127.0.0.1:port/ without.</summary>
    public Uri BaseAddress => new($"{(_certificate is null ? "http" : "https")}://127.0.0.1:{Started.Port}/");

    /// <summary>The PID of nginx's master process; its worker is its child.</summary>
    public int ProcessId => Started._process!.Id;

    public string Folder => Started._folder!;

    public string AccessLogPath => Path.Combine(Folder, "access.log");

    /// <summary>The last lines of nginx's error log (its standard error), for a failing test's message.</summary>
    public string LogTail() => Started._process!.LogTail();

    private NginxServer Started => _process is not null
        ? this
        : throw new InvalidOperationException($"nginx is not running: {Executable} is missing or the fixture has not started. " +
                                              "Install it with `apt-get install -y nginx`.");

    public static async Task<NginxServer> StartAsync(string siteTemplate, IEnumerable<Uri> upstreams, TestCertificate? certificate = null)
    {
        ServerPrograms.EnsureInstalled(Needs.Nginx);
        var nginx = new NginxServer(siteTemplate, upstreams, certificate);
        await nginx.InitializeAsync();
        return nginx;
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            // Skipped tests never touch the server; a run that requires it fails on first use with the install hint.
            return;
        }

        var folder = _folder = await FixtureFolder.CreateAsync("nginx");
        Port = FreePort.Next();
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                // As root nginx's worker runs as nobody, and must reach its temp paths in here.
                File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }

            File.WriteAllText(Path.Combine(folder, "site.conf"), RenderSite(folder));
            var configuration = Path.Combine(folder, "nginx.conf");
            File.WriteAllText(configuration, MainConfiguration(folder));

            _process = ServerProcess.Start("nginx", Path.Combine(folder, "error.log"),
            [
                Executable,
                "-p", folder + "/",
                "-c", configuration,
                "-e", "stderr",
                "-g", $"daemon off; pid {Path.Combine(folder, "nginx.pid")};",
            ], folder);
            await _process.WaitForPortAsync(Port);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            // TERM is nginx's fast shutdown: it does not wait for open WebSockets the way QUIT would.
            await process.StopAsync("TERM", StopGrace);
            await process.DisposeAsync();
        }

        if (_folder is { } folder)
        {
            _folder = null;
            await FixtureFolder.DeleteAsync(folder);
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    private string RenderSite(string folder)
    {
        var site = _siteTemplate
            .Replace("{{listen}}", $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal)
            .Replace("{{upstream_servers}}", string.Join(" ", _upstreams.Select(u => $"server {u.Authority};")), StringComparison.Ordinal);
        if (_certificate is not null)
        {
            var (certificatePath, keyPath) = _certificate.WritePem(folder);
            site = site
                .Replace("{{certificate}}", certificatePath, StringComparison.Ordinal)
                .Replace("{{certificate_key}}", keyPath, StringComparison.Ordinal);
        }

        var unfilled = Placeholder().Match(site);
        return unfilled.Success
            ? throw new InvalidOperationException($"The nginx site template has {unfilled.Value}, which this fixture does not " +
                                                  "fill (a certificate placeholder needs a certificate).")
            : site;
    }

    private static string MainConfiguration(string folder) => $$"""
        worker_processes 1;

        events {
            worker_connections 1024;
        }

        http {
            access_log {{Path.Combine(folder, "access.log")}};
            client_body_temp_path {{Path.Combine(folder, "client_body")}};
            proxy_temp_path {{Path.Combine(folder, "proxy")}};
            fastcgi_temp_path {{Path.Combine(folder, "fastcgi")}};
            uwsgi_temp_path {{Path.Combine(folder, "uwsgi")}};
            scgi_temp_path {{Path.Combine(folder, "scgi")}};

            include {{Path.Combine(folder, "site.conf")}};
        }
        """;

    [GeneratedRegex(@"\{\{\w+\}\}")]
    private static partial Regex Placeholder();
}
