using System.CommandLine;
using SignalRTicker.Bench.Soak;

namespace SignalRTicker.Bench.Commands;

/// <summary><c>ticker-bench soak-report FOLDER</c>: writes a soak's table, CSV and chart again from its soak.json.</summary>
internal static class SoakReportCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = $"A soak's output folder, holding {SoakReport.JsonFile}" };
        var command = new Command("soak-report", $"Judges a soak again from its {SoakReport.JsonFile} and writes its {SoakReport.MarkdownFile}, {SoakReport.CsvFile} and {SoakReport.ChartFile}") { folder };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var directory = parsed.GetValue(folder)!;
            var path = Path.Combine(directory, SoakReport.JsonFile);
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"{path} does not exist.");
                return ExitCodes.BadArguments;
            }

            var result = SoakReport.FromJson(await File.ReadAllTextAsync(path, cancellationToken));
            if (result is null)
            {
                Console.Error.WriteLine($"{path} holds no soak result.");
                return ExitCodes.BadArguments;
            }

            // Judged again, so the verdict follows the criteria of this version of the bench.
            result = result with { Criteria = SoakVerdict.Judge(result.Intervals, result.Setup.GetValueOrDefault(SoakEvent.Errors)) };
            await SoakReport.WriteAsync(result, directory, cancellationToken);
            Console.WriteLine(SoakReport.Markdown(result));
            return result.Passed ? ExitCodes.Ok : ExitCodes.SoakFailed;
        });
        return command;
    }
}
