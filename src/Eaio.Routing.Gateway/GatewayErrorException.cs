namespace Eaio.Routing.Gateway;

/// <summary>Carries a <see cref="GatewayError"/> out of request parsing to the endpoint, which writes it.</summary>
internal sealed class GatewayErrorException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="GatewayErrorException"/> class.</summary>
    public GatewayErrorException()
        : this(GatewayError.BadRequest(null, "The request is invalid."))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GatewayErrorException"/> class.</summary>
    /// <param name="message">The message of a 400 error.</param>
    public GatewayErrorException(string message)
        : this(GatewayError.BadRequest(null, message))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GatewayErrorException"/> class.</summary>
    /// <param name="message">The message of a 400 error.</param>
    /// <param name="innerException">The cause.</param>
    public GatewayErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = GatewayError.BadRequest(null, message);
    }

    /// <summary>Initializes a new instance of the <see cref="GatewayErrorException"/> class.</summary>
    /// <param name="error">The error to report.</param>
    public GatewayErrorException(GatewayError error)
        : base(error?.Message)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>Gets the error to report.</summary>
    public GatewayError Error { get; }
}
