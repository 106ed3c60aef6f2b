using Spectre.Console;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>A plain-text, non-interactive console 200 columns wide that draws into a writer, for reading what a view drew.</summary>
public static class TestConsole
{
    public static IAnsiConsole Create(TextWriter screen)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(screen),
        });
        console.Profile.Width = 200;
        return console;
    }
}
