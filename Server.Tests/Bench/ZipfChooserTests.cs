using SignalRTicker.Bench;

namespace SignalRTicker.Server.Tests.Bench;

/// <summary>The Zipf-like choice behind the wide-universe and soak watchlists.</summary>
public sealed class ZipfChooserTests
{
    [Fact]
    public void Next_DrawsRankROneOverRTimesAsOftenAsTheFirst()
    {
        var chooser = new ZipfChooser(100, exponent: 1.0, seed: 7);
        var counts = new int[100];
        for (var i = 0; i < 200_000; i++)
        {
            counts[chooser.Next()]++;
        }

        // Weight 1/r: the first is drawn ten times as often as the tenth and a hundred times the hundredth.
        Assert.InRange(counts[0] / (double)counts[9], 9, 11);
        Assert.InRange(counts[0] / (double)counts[99], 80, 125);
        var tens = counts.Chunk(10).Select(ten => ten.Sum()).ToArray();
        Assert.True(tens.Zip(tens.Skip(1)).All(pair => pair.First > pair.Second), $"each ten ranks drawn more often than the next ten: {string.Join(", ", tens)}");
    }

    [Fact]
    public void Next_WithExponentZero_IsUniform()
    {
        var chooser = new ZipfChooser(20, exponent: 0, seed: 7);
        var counts = new int[20];
        for (var i = 0; i < 100_000; i++)
        {
            counts[chooser.Next()]++;
        }

        Assert.All(counts, count => Assert.InRange(count, 4_500, 5_500));
    }

    [Fact]
    public void Choose_GivesDistinctIndexesOfTheUniverse_AndAllOfItWhenAskedForMore()
    {
        var chooser = new ZipfChooser(5_000, exponent: 1.0, seed: 3);
        for (var i = 0; i < 1_000; i++)
        {
            var chosen = chooser.Choose(20);
            Assert.Equal(20, chosen.Distinct().Count());
            Assert.All(chosen, index => Assert.InRange(index, 0, 4_999));
        }

        Assert.Equal([0, 1, 2], new ZipfChooser(3, 1.0, 3).Choose(5));
        // A bias so steep that rejection alone would take long still ends, with distinct indexes.
        Assert.Equal(9, new ZipfChooser(10, exponent: 8, seed: 3).Choose(9).Distinct().Count());
    }

    [Fact]
    public void Choose_WithTheSameSeed_RepeatsTheWatchlists()
    {
        var first = new ZipfChooser(5_000, 1.0, seed: 42);
        var second = new ZipfChooser(5_000, 1.0, seed: 42);

        Assert.Equal(first.Choose(20), second.Choose(20));
        Assert.Equal(first.Choose(20), second.Choose(20));
    }

    [Fact]
    public void Assign_Zipf_GivesPopularSymbolsMoreSubscribers()
    {
        string[] symbols = [.. Enumerable.Range(1, 200).Select(i => $"S{i:D4}")];

        var lists = SymbolChoice.Assign(symbols, connections: 2_000, perConnection: 20, SymbolChoice.Zipf, zipfExponent: 1.0, seed: 1);

        Assert.Equal(2_000, lists.Length);
        Assert.All(lists, list => Assert.Equal(20, list.Distinct().Count()));
        var holders = symbols.ToDictionary(s => s, s => lists.Count(l => l.Contains(s)));
        Assert.True(holders["S0001"] > 3 * holders["S0100"], $"S0001 {holders["S0001"]}, S0100 {holders["S0100"]}");
        Assert.True(holders["S0010"] > holders["S0200"], $"S0010 {holders["S0010"]}, S0200 {holders["S0200"]}");
    }

    [Fact]
    public void Assign_RoundRobin_GivesEverySymbolTheSameShare()
    {
        string[] symbols = ["A", "B", "C", "D"];

        var lists = SymbolChoice.Assign(symbols, connections: 8, perConnection: 2, SymbolChoice.RoundRobin, 1.0, 1);

        Assert.Equal(["A", "B"], lists[0]);
        Assert.Equal(["D", "A"], lists[3]);
        Assert.All(symbols, s => Assert.Equal(4, lists.Count(l => l.Contains(s))));
        Assert.All(SymbolChoice.Assign(symbols, 3, 0, SymbolChoice.Zipf, 1.0, 1), list => Assert.Equal(symbols, list));
    }
}
