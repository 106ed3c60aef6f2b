namespace SignalRTicker.Bench;

/// <summary>How each connection's symbols are picked from the run's list.</summary>
public static class SymbolChoice
{
    /// <summary>Connection i takes K symbols in a row from position i, wrapping: every symbol gets the same share.</summary>
    public const string RoundRobin = "round-robin";

    /// <summary>K distinct symbols drawn with a Zipf-like bias towards the start of the list (see <see cref="ZipfChooser"/>).</summary>
    public const string Zipf = "zipf";

    /// <summary>
    /// The symbols of each of <paramref name="connections"/> connections: all of <paramref name="symbols"/> when
    /// <paramref name="perConnection"/> is 0 or covers them, else <paramref name="perConnection"/> of them by <paramref name="choice"/>.
    /// </summary>
    public static string[][] Assign(string[] symbols, int connections, int perConnection, string choice, double zipfExponent, int seed)
    {
        if (perConnection == 0 || perConnection >= symbols.Length)
        {
            return [.. Enumerable.Repeat(symbols, connections)];
        }

        if (choice == Zipf)
        {
            var chooser = new ZipfChooser(symbols.Length, zipfExponent, seed);
            return [.. Enumerable.Range(0, connections).Select(_ => chooser.Choose(perConnection).Select(i => symbols[i]).ToArray())];
        }

        return [.. Enumerable.Range(0, connections).Select(c => Enumerable.Range(0, perConnection).Select(k => symbols[(c + k) % symbols.Length]).ToArray())];
    }
}
