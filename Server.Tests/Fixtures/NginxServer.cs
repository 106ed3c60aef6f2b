using System.Globalization;
using System.Text.RegularExpressions;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// Debian's nginx on a free loopback port, in front of the upstream servers a test gives it, with a configuration
/// written into its folder: a fixed main context (one worker, logs and temp paths in the folder, so no system path is
/// touched) around a site template (see <see cref="NginxSite"/>). Serves TLS when given a certificate.
/// </summary>
public sealed partial class NginxServer : ServerFixture
{
    public const string Executable = "/usr/sbin/nginx";

    private readonly string _siteTemplate;
    private readonly IReadOnlyList<Uri> _upstreams;
    private readonly TestCertificate? _certificate;

    /// <param name="siteTemplate">The http-context configuration with {{placeholders}}, such as <see cref="NginxSite.ReverseProxy"/>.</param>
    /// <param name="upstreams">The servers behind nginx, as their base addresses (http://127.0.0.1:port).</param>
    /// <param name="certificate">Serve TLS with this certificate; fills {{certificate}} and {{certificate_key}}.</param>
    public NginxServer(string siteTemplate, IEnumerable<Uri> upstreams, TestCertificate? certificate = null)
        : base(Needs.Nginx)
    {
        _siteTemplate = siteTemplate;
        _upstreams = [.. upstreams];
        _certificate = certificate;
    }

    /// <summary>https://127.0.0.1:port/ with a certificate, http://127.0.0.1:port/ without.</summary>
    public Uri BaseAddress => new($"{(_certificate is null ? "http" : "https")}://127.0.0.1:{Port}/");

    public string AccessLogPath => Path.Combine(Folder, "access.log");

    // KILL takes the worker down with the master; TERM is nginx's fast shutdown, which (unlike QUIT) does not wait
    // for open WebSockets to end.
    protected override string KillSignal => "KILL";

    protected override string StopSignal => "TERM";

    public static Task<NginxServer> StartAsync(string siteTemplate, IEnumerable<Uri> upstreams, TestCertificate? certificate = null) =>
        LaunchAsync(new NginxServer(siteTemplate, upstreams, certificate));

    protected override Task PrepareAsync(string folder)
    {
        if (!OperatingSystem.IsWindows())
        {
            // Under root nginx's worker runs as nobody, and must reach its temp paths in here.
            File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        File.WriteAllText(Path.Combine(folder, "site.conf"), RenderSite(folder));
        File.WriteAllText(Path.Combine(folder, "nginx.conf"), MainConfiguration(folder));
        return Task.CompletedTask;
    }

    protected override ServerProcess Start(string folder) => ServerProcess.Start("nginx", Path.Combine(folder, "error.log"),
    [
        Executable,
        "-p", folder + "/",
        "-c", Path.Combine(folder, "nginx.conf"),
        "-e", "stderr",
        "-g", $"daemon off; pid {Path.Combine(folder, "nginx.pid")};",
    ], folder);

    protected override Task WaitUntilReadyAsync(ServerProcess process) => process.WaitForPortAsync(Port);

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
