using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SignalRTicker.ConsoleClient.Views;

internal static class StandardOutput
{
    /// <summary>
    /// Standard output that notices a closed pipe. On Linux and macOS .NET's console streams ignore EPIPE, so
    /// <c>ticker-client | head</c> would go on writing into nothing after <c>head</c> exits; a stream over file
    /// descriptor 1 throws <see cref="IOException"/> instead, and the JSON view stops. Only for a pipe or a socket: a
    /// stream over a file keeps its own position and would overwrite what others (stderr, the shell) write to it. A
    /// terminal, a file, a closed descriptor, and Windows (no file descriptor 1 there) keep <see cref="Console.Out"/>.
    /// </summary>
    public static TextWriter Open()
    {
        if (OperatingSystem.IsWindows() || !Console.IsOutputRedirected)
        {
            return Console.Out;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Console.Out;
        }

        if (stream.CanSeek)
        {
            stream.Dispose();
            return Console.Out;
        }

        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
