using System.Text.Json;

namespace Eaio.Routing.Tests;

/// <summary>One HTTP request received by a loopback server.</summary>
/// <param name="Method">HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">Request path, e.g. <c>/v1/chat/completions</c>.</param>
/// <param name="Body">Raw request body (empty for GET).</param>
/// <param name="Model">The body's <c>model</c> property, if the body is JSON and has one.</param>
/// <param name="Stream">The body's <c>stream</c> flag, or the provider's default when absent.</param>
/// <param name="Authorization">The <c>Authorization</c> header, if any.</param>
public sealed record LoopbackRequest(
    string Method,
    string Path,
    string Body,
    string? Model,
    bool Stream,
    string? Authorization)
{
    /// <summary>The request headers (names case-insensitive; repeated values joined with commas).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    internal static LoopbackRequest Parse(string method, string path, string body, string? authorization, bool defaultStream)
    {
        string? model = null;
        var stream = defaultStream;
        if (body.Length > 0)
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    if (doc.RootElement.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String)
                    {
                        model = m.GetString();
                    }

                    if (doc.RootElement.TryGetProperty("stream", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        stream = s.GetBoolean();
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON: keep the defaults; the raw body is still recorded.
            }
        }

        return new LoopbackRequest(method, path, body, model, stream, authorization);
    }
}
