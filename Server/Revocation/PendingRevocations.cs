using System.Collections.Concurrent;

namespace SignalRTicker.Server.Revocation;

/// <summary>
/// Revocations in effect (announced on the control channel, refused on every request) that the database has not
/// recorded yet, because it could not be written. The sweep writes them when it can. Memory only: a restart before
/// then forgets them, which is why the request that made one answered 503.
/// </summary>
public sealed class PendingRevocations
{
    private readonly ConcurrentDictionary<Guid, byte> _keys = new();
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);

    public int Count => _keys.Count + _tokens.Count;

    public IReadOnlyCollection<Guid> Keys => [.. _keys.Keys];

    public IReadOnlyCollection<string> Tokens => [.. _tokens.Keys];

    public bool Contains(Guid keyId) => _keys.ContainsKey(keyId);

    public bool Contains(string tokenId) => _tokens.ContainsKey(tokenId);

    internal void Add(Guid keyId) => _keys.TryAdd(keyId, 0);

    internal void Add(string tokenId) => _tokens.TryAdd(tokenId, 0);

    internal void Recorded(Guid keyId) => _keys.TryRemove(keyId, out _);

    internal void Recorded(string tokenId) => _tokens.TryRemove(tokenId, out _);
}
