using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SignalRTicker.Server.Storage;

/// <summary>The same instant at offset zero: what PostgreSQL's <c>timestamptz</c> takes and gives back.</summary>
public sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(value => value.ToUniversalTime(), value => value);
