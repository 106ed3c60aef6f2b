namespace SignalRTicker.Server.Errors;

/// <summary>
/// What the caller should do, for the problem the framework writes for an empty error response (such as a 401
/// challenge): a feature that refuses a request says why here, and the problem carries it as its <c>detail</c>.
/// </summary>
public static class ProblemDetail
{
    private static readonly object Key = new();

    public static void Set(HttpContext http, string detail) => http.Items[Key] = detail;

    internal static string? Get(HttpContext http) => http.Items[Key] as string;
}
