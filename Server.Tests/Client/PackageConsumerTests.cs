using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;
using SignalRTicker.Client;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>
/// The NuGet packages are complete: packed into a folder, referenced by a project outside this repository (none of its
/// build files apply there), built, and run against a real server. The slowest test here: two packs, a restore, a build.
/// </summary>
[Trait("Category", "Package")]
public sealed class PackageConsumerTests : IAsyncLifetime
{
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(1);

    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true);

    // Under the system's temporary folder, far from the repository's Directory.Build.props and Directory.Packages.props.
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"signalr-ticker-package-{Guid.NewGuid():N}");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public async Task PackedClient_FromALocalFeed_BuildsOutsideTheRepository_AndPrintsQuotes()
    {
        // A version of this run's own, so that no copy restored earlier (by this test or anyone) can stand in for it.
        var version = $"{ReleaseVersion()}-test{Guid.NewGuid():N}";
        var feed = Directory.CreateDirectory(Path.Combine(_work, "feed")).FullName;
        await Task.WhenAll(PackAsync("Contracts/Contracts.csproj", feed, version), PackAsync("Client/Client.csproj", feed, version));

        var contracts = ReadPackage(feed, "SignalRTicker.Contracts", version);
        var client = ReadPackage(feed, "SignalRTicker.Client", version);
        Assert.Contains(("SignalRTicker.Contracts", version), client.Dependencies);
        Assert.Contains(client.Dependencies, d => d.Id == "Microsoft.AspNetCore.SignalR.Client");
        Assert.DoesNotContain(contracts.Dependencies, d => d.Id.StartsWith("SignalRTicker", StringComparison.Ordinal));

        var consumer = WriteConsumer(feed, version);
        var build = await DotnetAsync(consumer, BuildLimit,
            "build", "-c", "Release", "--disable-build-servers",
            // Belt and braces: even were there build files above the temporary folder, they would not apply.
            "-p:ImportDirectoryBuildProps=false", "-p:ImportDirectoryBuildTargets=false", "-p:ImportDirectoryPackagesProps=false");
        Assert.True(build.ExitCode == 0, $"The consumer did not build:\n{build.Output}");

        var run = await DotnetAsync(consumer, RunLimit, new Dictionary<string, string>
        {
            ["TICKER_URL"] = _app.BaseAddress.ToString(),
            ["TICKER_API_KEY"] = TickerAppFactory.DemoKey,
        }, Path.Combine(consumer, "bin", "Release", "net10.0", "consumer.dll"));

        Assert.True(run.ExitCode == 0, $"The consumer failed ({run.ExitCode}):\n{run.Output}");
        var quotes = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).ToList();
        Assert.Equal(3, quotes.Count);
        Assert.All(quotes, q => Assert.Equal("BTC-USD", q[0]));
        Assert.All(quotes, q => Assert.True(decimal.Parse(q[1], System.Globalization.CultureInfo.InvariantCulture) > 0));
        var sequences = quotes.Select(q => long.Parse(q[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(3, sequences.Distinct().Count());
    }

    /// <summary>The version every project here carries (Directory.Build.props), as the library's assembly reports it.</summary>
    private static string ReleaseVersion() =>
        typeof(TickerConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    /// <summary>Packs what the test run already built, in the configuration it was built in.</summary>
    private static async Task PackAsync(string project, string feed, string version)
    {
        var configuration = typeof(PackageConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var pack = await DotnetAsync(Repository.Root, PackLimit,
            "pack", project, "-c", configuration, "--no-build", "--disable-build-servers", "-o", feed, $"-p:Version={version}");
        Assert.True(pack.ExitCode == 0, $"dotnet pack {project} failed:\n{pack.Output}");
    }

    private static (List<(string Id, string Version)> Dependencies, string[] Files) ReadPackage(string feed, string id, string version)
    {
        var path = Path.Combine(feed, $"{id}.{version}.nupkg");
        Assert.True(File.Exists(path), $"{path} was not produced; the feed holds {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}");
        using var package = ZipFile.OpenRead(path);
        var files = package.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("README.md", files);
        Assert.Contains($"lib/net10.0/{id}.dll", files);
        Assert.Contains($"lib/net10.0/{id}.xml", files); // the XML docs, for IntelliSense

        using var nuspecStream = package.GetEntry($"{id}.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal(version, Field("version"));
        Assert.Equal("MIT", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Field("description")));
        Assert.DoesNotContain(metadata.Elements(), e => e.Name.LocalName is "projectUrl" or "icon");
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (e.Attribute("id")!.Value, e.Attribute("version")!.Value)).ToList();
        return (dependencies, files);
    }

    /// <summary>A console project that references only SignalRTicker.Client (Contracts must come with it) from the feed.</summary>
    private string WriteConsumer(string feed, string version)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, "consumer")).FullName;
        File.WriteAllText(Path.Combine(folder, "consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- As in the repository: the feed here may serve a newer patch of a dependency than asked for. -->
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SignalRTicker.Client" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), """
            using System.Globalization;
            using SignalRTicker.Client;
            using SignalRTicker.Contracts;

            var options = new TickerConnectionOptions(
                new Uri(Environment.GetEnvironmentVariable("TICKER_URL")!),
                Environment.GetEnvironmentVariable("TICKER_API_KEY")!,
                ["BTC-USD"]) { MaxRetries = 3 };

            using var http = new HttpClient();
            await using var ticker = new TickerConnection(options, http);
            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var printed = 0;
            ticker.QuoteReceived += (Quote quote) =>
            {
                // Quotes raised after the third, before the cancellation has stopped the connection, are not printed.
                var count = Interlocked.Increment(ref printed);
                if (count <= 3)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{quote.Symbol} {quote.Price} {quote.Sequence}"));
                }

                if (count == 3)
                {
                    enough.Cancel();
                }
            };

            try
            {
                await ticker.RunAsync(enough.Token);
            }
            catch (OperationCanceledException) when (enough.IsCancellationRequested)
            {
            }

            Console.Error.WriteLine(ticker.Stats);
            return printed >= 3 ? 0 : 1;
            """);

        // Only the feed and the public gallery; packages this machine already has are read from its cache, never
        // written to it: this run's packages land in a folder of its own.
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        new XDocument(new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", Path.Combine(_work, "packages")))),
            new XElement("packageSources",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "local"), new XAttribute("value", feed)),
                new XElement("add", new XAttribute("key", "nuget.org"), new XAttribute("value", "https://api.nuget.org/v3/index.json"))),
            new XElement("fallbackPackageFolders",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", machineCache)))))
            .Save(Path.Combine(folder, "nuget.config"));
        return folder;
    }

    private static Task<DotnetResult> DotnetAsync(string workingDirectory, TimeSpan limit, params string[] arguments) =>
        DotnetAsync(workingDirectory, limit, new Dictionary<string, string>(), arguments);

    /// <summary>
    /// Runs <c>dotnet</c> with a deadline (then ends it, by its own handle, and fails naming the command). The test
    /// host's MSBuild variables are left out, so the child builds as it would from a fresh shell.
    /// </summary>
    private static async Task<DotnetResult> DotnetAsync(string workingDirectory, TimeSpan limit, Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "NUGET_PACKAGES").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().DefaultTimeout();
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within {limit.TotalSeconds} s:\n{await stdout}\n{await stderr}");
        }

        return new DotnetResult(process.ExitCode, await stdout.DefaultTimeout(), await stderr.DefaultTimeout());
    }

    private sealed record DotnetResult(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => $"{Stdout}\n{Stderr}";
    }
}
