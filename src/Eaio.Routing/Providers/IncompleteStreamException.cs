namespace Eaio.Routing;

/// <summary>A provider's stream ended without its final chunk (no finish reason), so the answer may be cut short.</summary>
/// <remarks>It counts as a failure of the provider. Once updates have been passed on there is no failover: the caller sees this exception.</remarks>
public sealed class IncompleteStreamException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="IncompleteStreamException"/> class.</summary>
    public IncompleteStreamException()
        : this("unknown", 0)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IncompleteStreamException"/> class.</summary>
    /// <param name="message">The message.</param>
    public IncompleteStreamException(string message)
        : base(message)
    {
        Provider = "unknown";
    }

    /// <summary>Initializes a new instance of the <see cref="IncompleteStreamException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public IncompleteStreamException(string message, Exception innerException)
        : base(message, innerException)
    {
        Provider = "unknown";
    }

    /// <summary>Initializes a new instance of the <see cref="IncompleteStreamException"/> class.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="updatesReceived">How many updates arrived before the stream ended.</param>
    public IncompleteStreamException(string provider, int updatesReceived)
        : base($"The stream from provider '{provider}' ended after {updatesReceived} update(s) without its final chunk; the answer may be incomplete.")
    {
        Provider = provider;
        UpdatesReceived = updatesReceived;
    }

    /// <summary>Initializes a new instance of the <see cref="IncompleteStreamException"/> class for a stream whose reading failed after output.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="updatesReceived">How many updates arrived before the stream broke.</param>
    /// <param name="innerException">Why reading the stream failed (a connection reset, a line that is not JSON).</param>
    public IncompleteStreamException(string provider, int updatesReceived, Exception innerException)
        : base($"The stream from provider '{provider}' broke after {updatesReceived} update(s) ({innerException?.GetType().Name}: {innerException?.Message}); the answer is incomplete and was not sent again, because the provider may have billed it.", innerException)
    {
        Provider = provider;
        UpdatesReceived = updatesReceived;
    }

    /// <summary>Gets the provider's name.</summary>
    public string Provider { get; }

    /// <summary>Gets how many updates arrived before the stream ended.</summary>
    public int UpdatesReceived { get; }
}
