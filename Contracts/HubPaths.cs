namespace SignalRTicker.Contracts;

/// <summary>Where the hub is mapped, relative to the server's base address.</summary>
public static class HubPaths
{
    public const string Ticker = "/hubs/ticker";
}
