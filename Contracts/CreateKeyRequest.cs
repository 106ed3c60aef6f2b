namespace SignalRTicker.Contracts;

/// <summary>
/// The body of <c>POST /api/admin/keys</c>. <see cref="Role"/> is <c>user</c>, <c>publisher</c> or <c>admin</c>;
/// <see cref="Symbols"/> is <c>["*"]</c> for every symbol.
/// </summary>
public sealed record CreateKeyRequest(string? Name, string? Role, IReadOnlyList<string?>? Symbols);
