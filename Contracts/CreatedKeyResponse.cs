namespace SignalRTicker.Contracts;

/// <summary>A key just created: the only response that ever carries the key itself.</summary>
public sealed record CreatedKeyResponse(Guid Id, string Name, string Role, IReadOnlyList<string> Symbols, string ApiKey);
