namespace SignalRTicker.Server.Settings;

/// <summary>
/// A setting the server cannot start with, found outside options validation (a database that cannot be opened, a
/// folder that cannot be written). The message names the setting's key and says why, for an operator to act on.
/// </summary>
public sealed class InvalidSettingException(string key, string problem, Exception? innerException = null)
    : Exception($"{key}: {problem}", innerException);
