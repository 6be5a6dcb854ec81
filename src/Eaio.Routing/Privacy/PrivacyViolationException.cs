namespace Eaio.Routing;

/// <summary>The egress guard stopped a call to an external provider because its payload still held sensitive data.</summary>
/// <remarks>The message names the provider and what was found (entity types and counts), never the values themselves.</remarks>
public sealed class PrivacyViolationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PrivacyViolationException"/> class.</summary>
    public PrivacyViolationException()
        : this("unknown", "sensitive data in the payload")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PrivacyViolationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public PrivacyViolationException(string message)
        : this("unknown", message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PrivacyViolationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PrivacyViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Provider = "unknown";
        Finding = message;
    }

    /// <summary>Initializes a new instance of the <see cref="PrivacyViolationException"/> class.</summary>
    /// <param name="provider">The external provider the call was meant for.</param>
    /// <param name="finding">What was found, without any sensitive value (for example "2 EMAIL, 1 READINGS").</param>
    public PrivacyViolationException(string provider, string finding)
        : base($"The call to external provider '{provider}' was blocked: {finding}. Nothing was sent.")
    {
        Provider = provider;
        Finding = finding;
    }

    /// <summary>Gets the external provider the call was meant for.</summary>
    public string Provider { get; }

    /// <summary>Gets what was found, without any sensitive value.</summary>
    public string Finding { get; }
}
