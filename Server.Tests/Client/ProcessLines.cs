using System.Threading.Channels;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>Reads a process's output line by line in the background, so a test can wait for a line with a deadline.</summary>
public sealed class ProcessLines
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _read = [];

    public ProcessLines(StreamReader output) => Pump = PumpAsync(output);

    /// <summary>Completes when the output ends.</summary>
    public Task Pump { get; }

    /// <summary>Every line read so far by <see cref="NextAsync"/>.</summary>
    public IReadOnlyList<string> Read => _read;

    /// <summary>Reads until a line matches (returned), or fails naming what was read when the output ends or the deadline passes.</summary>
    public async Task<string> NextAsync(Func<string, bool> match)
    {
        using var deadline = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(deadline.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    _read.Add(line);
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching line within {TaskTimeoutExtensions.DefaultTimeoutSpan.TotalSeconds}s; read:\n{string.Join('\n', _read)}");
        }

        throw new InvalidOperationException($"The output ended without a matching line; read:\n{string.Join('\n', _read)}");
    }

    /// <summary>Takes every line that has arrived without waiting; returns all lines read so far, those included.</summary>
    public IReadOnlyList<string> ReadAvailable()
    {
        while (_lines.Reader.TryRead(out var line))
        {
            _read.Add(line);
        }

        return _read;
    }

    private async Task PumpAsync(StreamReader output)
    {
        while (await output.ReadLineAsync() is { } line)
        {
            _lines.Writer.TryWrite(line);
        }

        _lines.Writer.TryComplete();
    }
}
