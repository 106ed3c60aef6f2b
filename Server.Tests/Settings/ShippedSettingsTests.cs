using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using SignalRTicker.Server.Settings;

namespace SignalRTicker.Server.Tests.Settings;

/// <summary>A server started from a directory without its settings still reads the ones shipped beside its binaries.</summary>
public sealed class ShippedSettingsTests : IDisposable
{
    private const string AspNetCoreLevel = "Logging:LogLevel:Microsoft.AspNetCore";

    private readonly DirectoryInfo _elsewhere = Directory.CreateTempSubdirectory("ticker-cwd-");

    private readonly List<ConfigurationManager> _configurations = [];

    public void Dispose()
    {
        // The builders are never built: their configuration (and its file watchers) is released here.
        _configurations.ForEach(configuration => ((IDisposable)configuration).Dispose());
        _elsewhere.Delete(recursive: true);
    }

    [Fact]
    public void StartedFromAnotherDirectory_ReadsTheShippedSettings()
    {
        var builder = Builder();
        Assert.Null(builder.Configuration[AspNetCoreLevel]);

        builder.AddShippedSettings();

        var shipped = Shipped("appsettings.json");
        Assert.Equal(shipped.GetProperty("Logging").GetProperty("LogLevel").GetProperty("Microsoft.AspNetCore").GetString(), builder.Configuration[AspNetCoreLevel]);
        Assert.Equal(shipped.GetProperty("ConnectionStrings").GetProperty("Ticker").GetString(), builder.Configuration.GetConnectionString("Ticker"));
        // Reloaded on change, like the content root's own files (signing keys rotate without a restart).
        var shippedSources = builder.Configuration.Sources.OfType<JsonConfigurationSource>().Where(source => source.FileProvider is PhysicalFileProvider files
            && Path.TrimEndingDirectorySeparator(files.Root) == Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).ToList();
        Assert.Equal(2, shippedSources.Count);
        Assert.All(shippedSources, source => Assert.True(source.ReloadOnChange));
    }

    [Fact]
    public void StartedFromAnotherDirectory_ReadsTheShippedSettingsOfItsEnvironment()
    {
        var builder = Builder(environment: Environments.Development);
        Assert.Null(builder.Configuration["Auth:DemoApiKey"]);

        builder.AddShippedSettings();

        var shipped = Shipped("appsettings.Development.json");
        Assert.Equal(shipped.GetProperty("Auth").GetProperty("DemoApiKey").GetString(), builder.Configuration["Auth:DemoApiKey"]);
    }

    [Fact]
    public void ShippedSettings_GiveWayToTheCommandLine()
    {
        var builder = Builder([$"--{AspNetCoreLevel}=Error"]);

        builder.AddShippedSettings();

        Assert.Equal("Error", builder.Configuration[AspNetCoreLevel]);
    }

    [Fact]
    public void ContentRootWithItsOwnSettings_IsLeftAlone()
    {
        File.WriteAllText(Path.Combine(_elsewhere.FullName, "appsettings.json"), """{ "ConnectionStrings": { "Ticker": "Data Source=elsewhere.db" } }""");
        var builder = Builder();

        builder.AddShippedSettings();

        Assert.Equal("Data Source=elsewhere.db", builder.Configuration.GetConnectionString("Ticker"));
        Assert.Null(builder.Configuration[AspNetCoreLevel]);
    }

    /// <summary>A settings file as shipped beside the binaries (the test's own output folder holds the server's copies).</summary>
    private static JsonElement Shipped(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, file))).RootElement;

    private WebApplicationBuilder Builder(string[]? args = null, string? environment = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ContentRootPath = _elsewhere.FullName,
            EnvironmentName = environment ?? Environments.Production,
        });
        _configurations.Add(builder.Configuration);
        return builder;
    }
}
