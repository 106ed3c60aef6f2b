namespace SignalRTicker.Bench;

/// <summary>
/// Picks distinct items of a ranked universe with a Zipf-like bias: the item of rank r (1 = most popular) is drawn
/// with weight 1 / r^s. With s = 1 the first item is drawn about ten times as often as the tenth; with s = 0 the
/// choice is uniform. Seeded, so a run can be repeated with the same watchlists.
/// </summary>
public sealed class ZipfChooser
{
    private readonly double[] _cumulative;
    private readonly Random _random;

    public ZipfChooser(int universe, double exponent, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(universe, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        _random = new Random(seed);
        _cumulative = new double[universe];
        var total = 0.0;
        for (var rank = 1; rank <= universe; rank++)
        {
            total += 1 / Math.Pow(rank, exponent);
            _cumulative[rank - 1] = total;
        }
    }

    public int Universe => _cumulative.Length;

    /// <summary>One index (0 = the most popular), drawn with its Zipf weight.</summary>
    public int Next()
    {
        var point = _random.NextDouble() * _cumulative[^1];
        var index = Array.BinarySearch(_cumulative, point);
        return Math.Min(index >= 0 ? index : ~index, _cumulative.Length - 1);
    }

    /// <summary>
    /// <paramref name="count"/> distinct indexes (all of them when it is the whole universe or more), each drawn with
    /// its weight among those not drawn yet. Returned in the order drawn.
    /// </summary>
    public int[] Choose(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= Universe)
        {
            return [.. Enumerable.Range(0, Universe)];
        }

        var chosen = new List<int>(count);
        var seen = new HashSet<int>(count);
        // Rejection is quick while the list is short against the universe; a steep bias on a small universe can make
        // it slow, so after enough tries the rest are taken in rank order, as a bias this steep would almost surely do.
        var attempts = 0;
        while (chosen.Count < count && attempts++ < count * 100)
        {
            var index = Next();
            if (seen.Add(index))
            {
                chosen.Add(index);
            }
        }

        for (var index = 0; chosen.Count < count; index++)
        {
            if (seen.Add(index))
            {
                chosen.Add(index);
            }
        }

        return [.. chosen];
    }
}
