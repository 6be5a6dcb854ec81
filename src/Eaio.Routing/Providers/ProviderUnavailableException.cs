namespace Eaio.Routing;

/// <summary>A provider refused a call before it was sent: its circuit is open, its rate limit is reached, or its queue is full.</summary>
public sealed class ProviderUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ProviderUnavailableException"/> class.</summary>
    public ProviderUnavailableException()
        : this("unknown", "unavailable")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderUnavailableException"/> class.</summary>
    /// <param name="message">The message.</param>
    public ProviderUnavailableException(string message)
        : this("unknown", message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderUnavailableException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Provider = "unknown";
        Reason = message;
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderUnavailableException"/> class.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="reason">Why it refused the call.</param>
    public ProviderUnavailableException(string provider, string reason)
        : base($"Provider '{provider}' is unavailable: {reason}.")
    {
        Provider = provider;
        Reason = reason;
    }

    /// <summary>Gets the provider's name.</summary>
    public string Provider { get; }

    /// <summary>Gets why it refused the call.</summary>
    public string Reason { get; }

    /// <summary>Gets how long until the provider may take a call again, when the refusal knows it (a rate limiter's lease
    /// metadata, an open circuit's end); <see langword="null"/> when it does not. Gateways send it as <c>Retry-After</c>.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
