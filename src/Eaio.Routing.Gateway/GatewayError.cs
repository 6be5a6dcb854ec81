namespace Eaio.Routing.Gateway;

/// <summary>An error as OpenAI's API reports it: an HTTP status and <c>{"error":{"message","type","param","code"}}</c>.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Message">What went wrong and what is allowed, for a person to read.</param>
/// <param name="Type">OpenAI's error type (<c>invalid_request_error</c>, <c>authentication_error</c>, …).</param>
/// <param name="Param">The request field at fault (<c>messages[0].role</c>), or <see langword="null"/>.</param>
/// <param name="Code">A stable code for programs, or <see langword="null"/>.</param>
/// <param name="RetryAfter">When a retry may succeed, sent as <c>Retry-After</c>; <see langword="null"/> when no wait helps.</param>
internal sealed record GatewayError(int Status, string Message, string Type, string? Param, string? Code, TimeSpan? RetryAfter = null)
{
    /// <summary>Creates a 400 error about one field of the request body.</summary>
    /// <param name="param">The field.</param>
    /// <param name="message">What is wrong and what is allowed.</param>
    /// <param name="code">The code; <c>invalid_value</c> unless given.</param>
    /// <returns>The error.</returns>
    public static GatewayError BadRequest(string? param, string message, string code = "invalid_value") =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);
}
