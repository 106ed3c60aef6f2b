namespace SignalRTicker.ConsoleClient;

/// <summary>How watched quotes are written: a live table, or one JSON object per line for scripts.</summary>
public enum OutputFormat
{
    Table,
    Json,
}
