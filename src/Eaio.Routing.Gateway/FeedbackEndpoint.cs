using System.Text.Encodings.Web;
using System.Text.Json;
using Eaio.Routing;
using Microsoft.Extensions.AI;

namespace Eaio.Routing.Gateway;

/// <summary>
/// <c>POST /v1/eaio/feedback</c>: <c>{"response_id": "chatcmpl-eaio-…", "score": 0..1}</c> scores one of the key's own
/// tenant's responses, through the router's <see cref="HybridRouterChatClient.RecordFeedbackAsync(RoutingFeedbackTicket, double, CancellationToken)"/> (the request log's
/// quality score and, with <c>ADAPTIVE_ROUTING</c>, what the policy learns).
/// </summary>
/// <remarks>
/// The id a client holds is the gateway's completion id, not the router's <see cref="ChatResponse.ResponseId"/> (the
/// provider's id), and the request log does not store the tenant; so the gateway remembers, for each response it served,
/// the tenant and the response's <see cref="RoutingFeedbackTicket"/> (<see cref="ServedResponses"/>): in memory, for
/// <see cref="Lifetime"/>, at most <see cref="Capacity"/> responses. Feedback on a response of another tenant, of another gateway process, or older than
/// that is refused with 404, alike, so a key learns nothing about other tenants' ids.
/// </remarks>
internal sealed class FeedbackEndpoint
{
    /// <summary>How long a response can be scored.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>How many responses are remembered at most; the oldest go first.</summary>
    public const int Capacity = 100_000;

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ServedResponses _responses;
    private readonly IChatClient _chat;

    /// <summary>Initializes a new instance of the <see cref="FeedbackEndpoint"/> class.</summary>
    /// <param name="chat">The router (with whatever middleware the host composed around it).</param>
    /// <param name="time">The clock of the responses' lifetime.</param>
    public FeedbackEndpoint(IChatClient chat, TimeProvider time)
    {
        _chat = chat;
        _responses = new ServedResponses(Lifetime, Capacity, time);
    }

    /// <summary>Remembers a served response so its tenant can score it.</summary>
    /// <param name="id">The gateway's completion id the client got.</param>
    /// <param name="tenant">The key's tenant.</param>
    /// <param name="responseId">The router's response id (the request log's key), if any.</param>
    /// <param name="decision">The final route decision.</param>
    public void Remember(string id, string tenant, string? responseId, RouteDecision decision) =>
        _responses.Add(id, tenant, RoutingFeedbackTicket.Of(responseId, decision));

    /// <summary>Handles one request; the caller has authenticated it.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="key">The request's key.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public async Task HandleAsync(HttpContext context, GatewayKey key)
    {
        string id;
        double score;
        try
        {
            (id, score) = await ReadAsync(context.Request);
        }
        catch (GatewayErrorException ex)
        {
            await OpenAIWire.WriteErrorAsync(context.Response, ex.Error);
            return;
        }

        if (_responses.Find(id, key.Tenant) is not { } ticket)
        {
            await OpenAIWire.WriteErrorAsync(context.Response, new GatewayError(
                StatusCodes.Status404NotFound,
                $"response_id '{id}' is not a response of this key's tenant that this gateway served in the last {Lifetime.TotalHours:0} hours; send the 'id' of a chat completion answered for this key's tenant.",
                "invalid_request_error",
                "response_id",
                "response_not_found"));
            return;
        }

        bool logged = await _chat.RecordFeedbackAsync(ticket, score, context.RequestAborted);
        HttpResponse response = context.Response;
        response.ContentType = "application/json";
        using (Utf8JsonWriter json = new(response.BodyWriter, s_writerOptions))
        {
            json.WriteStartObject();
            json.WriteString("object", "eaio.feedback");
            json.WriteString("response_id", id);
            json.WriteNumber("score", score);
            json.WriteBoolean("logged", logged);
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static async Task<(string Id, double Score)> ReadAsync(HttpRequest request)
    {
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw new GatewayErrorException(GatewayError.BadRequest(null, $"The request body is not valid JSON ({ex.Message}); send {{\"response_id\": \"…\", \"score\": 0..1}}.", "invalid_json"));
        }

        using (body)
        {
            JsonElement root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new GatewayErrorException(GatewayError.BadRequest(null, "The request body must be a JSON object: {\"response_id\": \"…\", \"score\": 0..1}."));
            }

            string id = root.TryGetProperty("response_id", out JsonElement idElement) && idElement.ValueKind == JsonValueKind.String && idElement.GetString() is { Length: > 0 } text
                ? text
                : throw new GatewayErrorException(GatewayError.BadRequest("response_id", "'response_id' is required: the 'id' of a chat completion this key's tenant received."));
            if (!root.TryGetProperty("score", out JsonElement scoreElement))
            {
                throw new GatewayErrorException(GatewayError.BadRequest("score", "'score' is required: a number from 0 (useless) to 1 (perfect)."));
            }

            return scoreElement.ValueKind == JsonValueKind.Number && scoreElement.TryGetDouble(out double score) && score is >= 0 and <= 1
                ? (id, score)
                : throw new GatewayErrorException(GatewayError.BadRequest("score", $"'score' is {scoreElement.GetRawText()}; allowed: a number from 0 (useless) to 1 (perfect)."));
        }
    }
}
