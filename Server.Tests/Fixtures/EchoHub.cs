using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>The smallest hub: proves a proxy carries the official SignalR client's negotiate and WebSocket.</summary>
public sealed class EchoHub : Hub
{
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "SignalR invokes instance methods only.")]
    public string Echo(string message) => message;
}
