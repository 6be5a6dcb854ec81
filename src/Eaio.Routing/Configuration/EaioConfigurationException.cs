namespace Eaio.Routing;

/// <summary>The router's configuration holds values it cannot use; the message names each key, its value and what is allowed.</summary>
public sealed class EaioConfigurationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="EaioConfigurationException"/> class.</summary>
    public EaioConfigurationException()
        : this([])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EaioConfigurationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public EaioConfigurationException(string message)
        : base(message)
    {
        Errors = [message];
    }

    /// <summary>Initializes a new instance of the <see cref="EaioConfigurationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public EaioConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Initializes a new instance of the <see cref="EaioConfigurationException"/> class.</summary>
    /// <param name="errors">One line per invalid value, each naming its key.</param>
    public EaioConfigurationException(IReadOnlyList<string> errors)
        : base("The EAIO hybrid chat configuration is invalid:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors ?? []))
    {
        Errors = errors ?? [];
    }

    /// <summary>Gets one line per invalid value, each naming its key, the value and what is allowed.</summary>
    public IReadOnlyList<string> Errors { get; }
}
