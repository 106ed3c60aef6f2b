using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRTicker.Server.Tests.BadInput;

/// <summary>Junk at every endpoint and hub method gets a clear 4xx or HubException: never a 500, never someone else's connection.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(kestrel: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string, string, int> BadRequests => BadInputCorpus.Requests;


    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Endpoint_BadInput_IsAClear4xxOrIgnored(string method, string path, string body, int expected)
    {
        using var client = _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body.Length > 0)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == expected, $"{method} {path[..Math.Min(60, path.Length)]}: expected {expected}, got {status} {text[..Math.Min(300, text.Length)]}");

        // Kestrel refuses a malformed request target itself, before the app (and its problem writer) sees it.
        if (status >= 400 && !path.Contains("%00", StringComparison.Ordinal))
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(text).RootElement;
            Assert.True(problem.TryGetProperty("detail", out _) || problem.TryGetProperty("errors", out _), text);
        }
    }

    [Fact]
    public async Task HubMethods_BadArguments_FailTheCallOnly_AndOthersAreUnaffected()
    {
        await using var bad = (await _app.ConnectAsync()).Connection;
        await using var bystander = (await _app.ConnectAsync()).Connection;
        await bystander.InvokeAsync<object>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();

        var calls = BadInputCorpus.HubCalls;
        foreach (var (method, args) in calls)
        {
            await Assert.ThrowsAsync<HubException>(() => bad.InvokeCoreAsync<object>(method, args).DefaultTimeout());
            Assert.Equal(HubConnectionState.Connected, bad.State);
        }

        await bad.InvokeAsync(nameof(ITickerHub.Unsubscribe), new string?[] { null, "\u0000", "NOT-SUBSCRIBED" }).DefaultTimeout();
        await bad.InvokeAsync(nameof(ITickerHub.Unsubscribe), (object?)null).DefaultTimeout();
        Assert.Empty(await bad.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout());
        Assert.Equal(["BTC-USD"], await bystander.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout());
    }

    [Fact]
    public async Task HubMessage_OverTheSizeLimit_ClosesOnlyThatConnection()
    {
        await using var bad = (await _app.ConnectAsync()).Connection;
        await using var bystander = (await _app.ConnectAsync()).Connection;
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        bad.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };

        var huge = Enumerable.Repeat(new string('A', 1000), 1000).ToArray(); // about 1 MB, over SignalR's 32 KB message limit
        await Assert.ThrowsAnyAsync<Exception>(() => bad.InvokeAsync<object>(nameof(ITickerHub.Subscribe), huge).DefaultTimeout());
        await closed.Task.DefaultTimeout();

        Assert.Equal(HubConnectionState.Connected, bystander.State);
        await bystander.InvokeAsync<object>(nameof(ITickerHub.Subscribe), new[] { "ETH-USD" }).DefaultTimeout();
    }
}
