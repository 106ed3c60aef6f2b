namespace SignalRTicker.Contracts;

/// <summary><c>PATCH /api/admin/keys/{id}</c>: any of a key's name, symbols (["*"] for every symbol) and role.</summary>
public sealed record UpdateKeyRequest(string? Name = null, List<string?>? Symbols = null, string? Role = null);
