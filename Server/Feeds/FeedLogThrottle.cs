namespace SignalRTicker.Server.Feeds;

/// <summary>
/// At most one log line per window for an event that can repeat with every upstream message: the first occurrence
/// is logged at once, later ones are counted and reported with the next line the window allows. Used by one feed
/// loop at a time, so it needs no lock.
/// </summary>
public sealed class FeedLogThrottle(TimeProvider time, TimeSpan window)
{
    private long _lastLogged;
    private bool _loggedOnce;
    private int _count;

    public TimeSpan Window => window;

    /// <summary>Counts an occurrence; true when it should be logged now, with how many it stands for.</summary>
    public bool Take(out int count)
    {
        _count++;
        var now = time.GetTimestamp();
        if (_loggedOnce && time.GetElapsedTime(_lastLogged, now) < window)
        {
            count = 0;
            return false;
        }

        _loggedOnce = true;
        _lastLogged = now;
        count = _count;
        _count = 0;
        return true;
    }
}
