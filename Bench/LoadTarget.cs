namespace SignalRTicker.Bench;

/// <summary>What every workload checks about where it sends load and how much.</summary>
internal static class LoadTarget
{
    /// <summary>Loopback only unless <paramref name="allowRemote"/>; at least one connection, opened at least one a second.</summary>
    public static IEnumerable<string> Problems(Uri url, bool allowRemote, int connections, int ramp)
    {
        if (!allowRemote && !(url.IsLoopback || url.Host == "127.0.0.1"))
        {
            yield return $"{url} is not a loopback address; pass --allow-remote to load a server you own elsewhere.";
        }

        if (connections < 1 || ramp < 1)
        {
            yield return "--connections and --ramp must be at least 1.";
        }
    }
}
