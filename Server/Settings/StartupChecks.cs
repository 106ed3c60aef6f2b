using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Settings;

/// <summary>
/// A bad setting found at start ends the process with one line naming it and exit code 1, instead of an unhandled
/// exception's stack trace (and exit code 134). Options are validated before the host starts, because the host logs a
/// failure in its own start with the whole stack trace before it rethrows.
/// </summary>
public static partial class StartupChecks
{
    private const int BadSettingExitCode = 1;

    /// <summary>
    /// In the process this program owns. A host started inside another process (the tests' WebApplicationFactory)
    /// is left to its owner, which sees the exception itself.
    /// </summary>
    public static WebApplicationBuilder ExitOnBadSettings(this WebApplicationBuilder builder)
    {
        if (Assembly.GetEntryAssembly() == typeof(StartupChecks).Assembly)
        {
            AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            {
                if (Describe(e.ExceptionObject as Exception) is { } problem)
                {
                    Console.Error.WriteLine($"SignalRTicker.Server cannot start: {problem}");
                    Environment.Exit(BadSettingExitCode);
                }
            };
        }

        return builder;
    }

    /// <summary>Validates every option registered with ValidateOnStart, now rather than inside the host's start.</summary>
    public static WebApplication ValidateSettings(this WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        return app;
    }

    /// <summary>One line naming the bad setting, or null when the exception is not about a setting.</summary>
    public static string? Describe(Exception? exception) => exception switch
    {
        OptionsValidationException invalid => string.Join(" ", invalid.Failures.Select(Unwrap)),
        InvalidSettingException setting => OneLine(setting.Message),
        AggregateException { InnerExceptions: [var single] } => Describe(single),
        _ => null,
    };

    /// <summary>A data annotation failure wraps our message (which names the key) in the type's and member's names.</summary>
    private static string Unwrap(string failure) =>
        OneLine(DataAnnotationFailure().Match(failure) is { Success: true } match ? match.Groups["error"].Value : failure);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    [GeneratedRegex("with the error: '(?<error>.*)'\\.?$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();
}
