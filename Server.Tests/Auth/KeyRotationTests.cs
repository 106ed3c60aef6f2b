using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace SignalRTicker.Server.Tests.Auth;

/// <summary>Signing keys rotate through reloaded configuration: add a new key, let old tokens run out, retire the old key.</summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>What an operator's edit of a reloadable source (appsettings.json, a key vault) does.</summary>
    private void Reconfigure(string signingKey, string previousKey)
    {
        var configuration = (IConfigurationRoot)_app.Services.GetRequiredService<IConfiguration>();
        configuration["Auth:SigningKey"] = signingKey;
        configuration["Auth:PreviousSigningKeys:0"] = previousKey;
        configuration.Reload();
    }

    private async Task<HttpStatusCode> MeAsync(string token)
    {
        using var client = _app.CreateClient(token);
        using var response = await client.GetAsync("/api/auth/me");
        return response.StatusCode;
    }

    [Fact]
    public async Task TokenSignedWithThePreviousKey_WorksUntilThatKeyIsRetired_WithoutARestart()
    {
        var oldKey = _app.SigningKey!;
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var old = (await _app.GetTokenAsync()).AccessToken;

        Reconfigure(newKey, oldKey);
        var rotated = (await _app.GetTokenAsync()).AccessToken;

        Assert.NotEqual(new JsonWebToken(old).Kid, new JsonWebToken(rotated).Kid);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(old));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(rotated));
        await using (var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(old)))
        {
            await hub.StartAsync().DefaultTimeout();
        }

        Reconfigure(newKey, "");

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(old));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(rotated));
    }

    [Fact]
    public async Task InvalidReload_KeepsTheLastGoodKeys()
    {
        var token = (await _app.GetTokenAsync()).AccessToken;

        // Start-up validation of AuthOptions also runs on reload and reports the bad key from the reload itself.
        var reload = Record.Exception(() => Reconfigure("not base64!", ""));
        Assert.True(reload is null or AggregateException, reload?.ToString());

        Assert.Equal(HttpStatusCode.OK, await MeAsync(token));
        Assert.Equal(new JsonWebToken(token).Kid, new JsonWebToken((await _app.GetTokenAsync()).AccessToken).Kid);
    }
}
