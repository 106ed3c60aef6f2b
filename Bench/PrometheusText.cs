using System.Globalization;

namespace SignalRTicker.Bench;

/// <summary>
/// The samples of a Prometheus text exposition (what <c>/metrics</c> serves): metric name, labels, value. Only what a
/// bench needs: comments, timestamps and escapes inside label values beyond <c>\"</c> are not interpreted.
/// </summary>
public sealed class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public PrometheusText(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var labelsStart = line.IndexOf('{', StringComparison.Ordinal);
            var labelsEnd = labelsStart >= 0 ? line.LastIndexOf('}') : -1;
            var nameEnd = labelsStart >= 0 ? labelsStart : line.IndexOf(' ', StringComparison.Ordinal);
            if (nameEnd <= 0)
            {
                continue;
            }

            var rest = (labelsEnd > labelsStart ? line[(labelsEnd + 1)..] : line[nameEnd..]).Trim();
            var valueText = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (valueText is null || !double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var labels = labelsEnd > labelsStart ? ParseLabels(line[(labelsStart + 1)..labelsEnd]) : [];
            _samples.Add((line[..nameEnd], labels, value));
        }
    }

    /// <summary>The sum of every sample of <paramref name="name"/> (whose labels include <paramref name="label"/>, when given); null when there is none.</summary>
    public double? Sum(string name, (string Name, string Value)? label = null)
    {
        double? sum = null;
        foreach (var sample in _samples)
        {
            if (sample.Name == name && (label is not { } l || (sample.Labels.TryGetValue(l.Name, out var v) && v == l.Value)))
            {
                sum = (sum ?? 0) + sample.Value;
            }
        }

        return sum;
    }

    private static Dictionary<string, string> ParseLabels(string text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var equals = text.IndexOf('=', i);
            if (equals < 0 || equals + 1 >= text.Length || text[equals + 1] != '"')
            {
                break;
            }

            var name = text[i..equals].Trim().TrimStart(',').Trim();
            var end = equals + 2;
            while (end < text.Length && (text[end] != '"' || text[end - 1] == '\\'))
            {
                end++;
            }

            labels[name] = text[(equals + 2)..Math.Min(end, text.Length)].Replace("\\\"", "\"", StringComparison.Ordinal);
            i = end + 1;
        }

        return labels;
    }
}
