namespace SignalRTicker.Server.Control;

/// <summary>
/// A fact every node must act on at once (a revocation, an entitlement change, an instrument removed). Messages are
/// small immutable records declared by the feature that publishes them; <see cref="Kind"/> names the message on the
/// wire when the channel crosses processes.
/// </summary>
public interface IControlMessage
{
    static abstract string Kind { get; }
}
