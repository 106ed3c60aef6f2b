using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Tests.Page;

public sealed class CorsOptionsTests
{
    [Theory]
    [InlineData("https://dashboard.example.com/")]
    [InlineData("https://dashboard.example.com/app")]
    [InlineData("dashboard.example.com")]
    [InlineData("ftp://dashboard.example.com")]
    public async Task AllowedOrigins_NotAnOrigin_FailsStartNamingTheKey(string origin)
    {
        await using var app = new TickerAppFactory();
        app.Settings["Cors:AllowedOrigins:0"] = origin;

        var error = Assert.Throws<OptionsValidationException>(() => app.Server);

        Assert.Contains("Cors:AllowedOrigins:0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowedOrigins_Origins_Start()
    {
        await using var app = new TickerAppFactory();
        app.Settings["Cors:AllowedOrigins:0"] = "https://dashboard.example.com";
        app.Settings["Cors:AllowedOrigins:1"] = "http://localhost:3000";

        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout();

        Assert.True(response.IsSuccessStatusCode);
    }
}
