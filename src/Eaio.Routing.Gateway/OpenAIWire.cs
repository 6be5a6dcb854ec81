using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Eaio.Routing;
using Microsoft.Extensions.AI;
using ChatTokenLogProbabilityDetails = OpenAI.Chat.ChatTokenLogProbabilityDetails;

namespace Eaio.Routing.Gateway;

/// <summary>Writes OpenAI's wire format: chat completions, stream chunks, model lists and errors, plus the <c>eaio</c> field.</summary>
/// <remarks>Written with <see cref="Utf8JsonWriter"/> straight into the response's pipe: no intermediate objects on the hot path.</remarks>
internal static class OpenAIWire
{
    /// <summary>The header naming the provider that served the request.</summary>
    public const string ProviderHeader = "X-Eaio-Provider";

    /// <summary>The header naming the model that served the request.</summary>
    public const string ModelHeader = "X-Eaio-Model";

    /// <summary>The header with what the request cost in US dollars (not on streams: their cost is known only at the end).</summary>
    public const string CostHeader = "X-Eaio-Cost-Usd";

    private static readonly byte[] s_dataPrefix = "data: "u8.ToArray();
    private static readonly byte[] s_eventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] s_done = "data: [DONE]\n\n"u8.ToArray();
    // Relaxed escaping: these bodies are JSON for API clients, never HTML, so quotes and backticks in messages stay readable.
    // Arguments go out on one line, as OpenAI sends them (the library's defaults indent).
    private static readonly JsonSerializerOptions s_argumentOptions = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
    private static readonly JsonWriterOptions s_writerOptions = new() { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gets the writer options of every body: relaxed escaping, no validation.</summary>
    internal static JsonWriterOptions WriterOptions => s_writerOptions;

    /// <summary>Writes an error response; the status and body follow OpenAI's API.</summary>
    /// <param name="response">The response, not started.</param>
    /// <param name="error">The error.</param>
    /// <returns>A task that completes when the body is written.</returns>
    public static Task WriteErrorAsync(HttpResponse response, GatewayError error)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        if (error.RetryAfter is { } wait)
        {
            GatewayRetryAfter.Set(response, wait);
        }

        using (Utf8JsonWriter json = new(response.BodyWriter, s_writerOptions))
        {
            WriteError(json, error);
        }

        return response.BodyWriter.FlushAsync().AsTask();
    }

    /// <summary>Writes an error as a server-sent event, for a stream that already started: OpenAI's SDKs raise it as an API error.</summary>
    /// <param name="response">The started stream.</param>
    /// <param name="error">The error.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the event is flushed.</returns>
    public static async Task WriteErrorEventAsync(HttpResponse response, GatewayError error, CancellationToken cancellationToken)
    {
        response.BodyWriter.Write(s_dataPrefix);
        using (Utf8JsonWriter json = new(response.BodyWriter, s_writerOptions))
        {
            WriteError(json, error);
        }

        response.BodyWriter.Write(s_eventEnd);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Sets the route headers.</summary>
    /// <param name="response">The response, not started.</param>
    /// <param name="decision">The route decision.</param>
    public static void SetRouteHeaders(HttpResponse response, RouteDecision decision)
    {
        response.Headers[ProviderHeader] = decision.Provider;
        response.Headers[ModelHeader] = decision.Model;
        if (decision.Cost is { } cost)
        {
            response.Headers[CostHeader] = cost.Usd.ToString(CultureInfo.InvariantCulture);
        }

        if (BudgetExhaustion.AnsweredLocallyFor(decision))
        {
            response.Headers[BudgetExhaustion.Header] = BudgetExhaustion.Exhausted;
        }
    }

    /// <summary>Writes a whole chat completion.</summary>
    /// <param name="response">The response, not started.</param>
    /// <param name="id">The completion id.</param>
    /// <param name="created">The Unix time of creation.</param>
    /// <param name="answer">The router's answer.</param>
    /// <param name="decision">Its route decision.</param>
    /// <param name="requestedMaxOutputTokens">The output limit the request set, if any.</param>
    /// <returns>A task that completes when the body is flushed.</returns>
    public static Task WriteCompletionAsync(HttpResponse response, string id, long created, ChatResponse answer, RouteDecision decision, int? requestedMaxOutputTokens)
    {
        response.ContentType = "application/json";
        using (Utf8JsonWriter json = new(response.BodyWriter, s_writerOptions))
        {
            List<FunctionCallContent> calls = [.. answer.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];
            json.WriteStartObject();
            WriteEnvelope(json, id, "chat.completion", created, decision, answer.ModelId);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            string text = answer.Text;
            if (calls.Count > 0 && text.Length == 0)
            {
                // OpenAI's shape for a turn that only calls tools.
                json.WriteNull("content");
            }
            else
            {
                json.WriteString("content", text);
            }

            json.WriteNull("refusal");
            if (calls.Count > 0)
            {
                json.WriteStartArray("tool_calls");
                foreach (FunctionCallContent call in calls)
                {
                    json.WriteStartObject();
                    json.WriteString("id", call.CallId);
                    json.WriteString("type", "function");
                    json.WriteStartObject("function");
                    json.WriteString("name", call.Name);
                    json.WriteString("arguments", Arguments(call));
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            OpenAILogProbabilities.WriteChoice(json, OpenAILogProbabilities.Of(answer));
            json.WriteString("finish_reason", FinishReason(answer.FinishReason, calls.Count > 0));
            json.WriteEndObject();
            json.WriteEndArray();
            WriteUsage(json, answer.Usage, decision.Cost);
            WriteEaio(json, decision, requestedMaxOutputTokens);
            json.WriteEndObject();
        }

        return response.BodyWriter.FlushAsync().AsTask();
    }

    /// <summary>Writes one stream chunk with a text delta.</summary>
    /// <param name="response">The started stream.</param>
    /// <param name="id">The completion id.</param>
    /// <param name="created">The Unix time of creation.</param>
    /// <param name="decision">The route decision (for the model name).</param>
    /// <param name="modelId">The model id the provider reported, if any.</param>
    /// <param name="text">The text delta.</param>
    /// <param name="first">Whether this is the first chunk, which carries the role.</param>
    /// <param name="logProbabilities">The log-probabilities of the delta's tokens, when the provider returned them.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the chunk is flushed.</returns>
    public static async Task WriteDeltaAsync(
        HttpResponse response, string id, long created, RouteDecision decision, string? modelId, string text, bool first,
        IReadOnlyList<ChatTokenLogProbabilityDetails>? logProbabilities, CancellationToken cancellationToken)
    {
        WriteChoiceChunk(response, id, created, decision, modelId, (Text: text, First: first), logProbabilities, static (json, delta) =>
        {
            if (delta.First)
            {
                json.WriteString("role", "assistant");
            }

            json.WriteString("content", delta.Text);
        });
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Writes one tool call as OpenAI streams it: a chunk that opens the call (index, id, type, name, empty arguments),
    /// then a chunk with the arguments, which OpenAI's SDKs append to the call at that index.
    /// </summary>
    /// <param name="response">The started stream.</param>
    /// <param name="id">The completion id.</param>
    /// <param name="created">The Unix time of creation.</param>
    /// <param name="decision">The route decision (for the model name).</param>
    /// <param name="modelId">The model id the provider reported, if any.</param>
    /// <param name="call">The whole call: the router hands on a call once its arguments are complete and restored.</param>
    /// <param name="index">The call's position among this answer's calls.</param>
    /// <param name="first">Whether this is the answer's first chunk, which carries the role.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when both chunks are flushed.</returns>
    public static async Task WriteToolCallDeltaAsync(
        HttpResponse response, string id, long created, RouteDecision decision, string? modelId, FunctionCallContent call, int index, bool first, CancellationToken cancellationToken)
    {
        for (int part = 0; part < 2; part++)
        {
            WriteChoiceChunk(response, id, created, decision, modelId, (Call: call, Index: index, Opens: part == 0, First: first && part == 0), null, static (json, delta) =>
            {
                if (delta.First)
                {
                    json.WriteString("role", "assistant");
                    json.WriteNull("content");
                }

                json.WriteStartArray("tool_calls");
                json.WriteStartObject();
                json.WriteNumber("index", delta.Index);
                if (delta.Opens)
                {
                    json.WriteString("id", delta.Call.CallId);
                    json.WriteString("type", "function");
                }

                json.WriteStartObject("function");
                if (delta.Opens)
                {
                    json.WriteString("name", delta.Call.Name);
                }

                json.WriteString("arguments", delta.Opens ? string.Empty : Arguments(delta.Call));
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
            });
        }

        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Writes the end of a stream: the finish chunk, the usage chunk when asked for, the <c>eaio</c> field on the last of them, and <c>[DONE]</c>.</summary>
    /// <param name="response">The started stream.</param>
    /// <param name="id">The completion id.</param>
    /// <param name="created">The Unix time of creation.</param>
    /// <param name="decision">The final route decision, with the cost.</param>
    /// <param name="modelId">The model id the provider reported, if any.</param>
    /// <param name="finishReason">Why the model stopped.</param>
    /// <param name="usage">The usage the provider reported, if any; with neither it nor a settled cost, the usage chunk says <c>usage: null</c>.</param>
    /// <param name="includeUsage">Whether the client asked for the usage chunk.</param>
    /// <param name="requestedMaxOutputTokens">The output limit the request set, if any.</param>
    /// <param name="calledTools">Whether the stream carried tool calls, which makes a missing finish reason <c>tool_calls</c>.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the end is flushed.</returns>
    public static async Task WriteStreamEndAsync(
        HttpResponse response, string id, long created, RouteDecision decision, string? modelId, ChatFinishReason? finishReason, UsageDetails? usage, bool includeUsage, int? requestedMaxOutputTokens, bool calledTools, CancellationToken cancellationToken)
    {
        // Without the usage chunk the eaio field rides on the finish chunk, the last before [DONE].
        WriteChoiceChunk(
            response, id, created, decision, modelId, (Decision: decision, Limit: requestedMaxOutputTokens, Tail: !includeUsage),
            null,
            static (_, _) => { },
            FinishReason(finishReason, calledTools),
            static (json, end) =>
            {
                if (end.Tail)
                {
                    WriteEaio(json, end.Decision, end.Limit);
                }
            });
        if (includeUsage)
        {
            // OpenAI's usage chunk: no choices, the whole request's usage; the eaio field rides on it as the final chunk.
            response.BodyWriter.Write(s_dataPrefix);
            using (Utf8JsonWriter json = new(response.BodyWriter, s_writerOptions))
            {
                json.WriteStartObject();
                WriteEnvelope(json, id, "chat.completion.chunk", created, decision, modelId);
                json.WriteStartArray("choices");
                json.WriteEndArray();
                if (usage is null && decision.Cost is null)
                {
                    // The provider reported no usage and nothing was settled: OpenAI's chunk schema allows usage null,
                    // which says "unknown" where zeros would claim a free, empty call.
                    json.WriteNull("usage");
                }
                else
                {
                    WriteUsage(json, usage, decision.Cost);
                }

                WriteEaio(json, decision, requestedMaxOutputTokens);
                json.WriteEndObject();
            }

            response.BodyWriter.Write(s_eventEnd);
        }

        response.BodyWriter.Write(s_done);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Writes the model list of <c>GET /v1/models</c>.</summary>
    /// <param name="response">The response, not started.</param>
    /// <param name="models">The models to list.</param>
    /// <param name="created">The Unix time to report as their creation.</param>
    /// <returns>A task that completes when the body is flushed.</returns>
    public static Task WriteModelsAsync(HttpResponse response, IEnumerable<GatewayModel> models, long created)
    {
        response.ContentType = "application/json";
        using (Utf8JsonWriter json = new(response.BodyWriter, s_writerOptions))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (GatewayModel model in models)
            {
                json.WriteStartObject();
                json.WriteString("id", model.Id);
                json.WriteString("object", "model");
                json.WriteNumber("created", created);
                json.WriteString("owned_by", model.Provider ?? "eaio");
                json.WriteStartObject("eaio");
                json.WriteString("routing", model.Provider is null ? "auto" : "pinned");
                json.WriteString("tier", model.Provider is null ? "routed" : Tier(model.Tier));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return response.BodyWriter.FlushAsync().AsTask();
    }

    internal static void WriteError(Utf8JsonWriter json, GatewayError error)
    {
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", error.Message);
        json.WriteString("type", error.Type);
        WriteStringOrNull(json, "param", error.Param);
        WriteStringOrNull(json, "code", error.Code);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes one <c>chat.completion.chunk</c> event with one choice: the envelope, the delta <paramref name="writeDelta"/>
    /// fills in, the choice's log-probabilities and finish reason, and what <paramref name="writeTail"/> adds after the choices.
    /// </summary>
    private static void WriteChoiceChunk<TState>(
        HttpResponse response, string id, long created, RouteDecision decision, string? modelId, TState state,
        IReadOnlyList<ChatTokenLogProbabilityDetails>? logProbabilities, Action<Utf8JsonWriter, TState> writeDelta, string? finishReason = null, Action<Utf8JsonWriter, TState>? writeTail = null)
    {
        response.BodyWriter.Write(s_dataPrefix);
        using (Utf8JsonWriter json = new(response.BodyWriter, s_writerOptions))
        {
            json.WriteStartObject();
            WriteEnvelope(json, id, "chat.completion.chunk", created, decision, modelId);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("delta");
            writeDelta(json, state);
            json.WriteEndObject();
            OpenAILogProbabilities.WriteChoice(json, logProbabilities);
            WriteStringOrNull(json, "finish_reason", finishReason);
            json.WriteEndObject();
            json.WriteEndArray();
            writeTail?.Invoke(json, state);
            json.WriteEndObject();
        }

        response.BodyWriter.Write(s_eventEnd);
    }

    private static void WriteEnvelope(Utf8JsonWriter json, string id, string kind, long created, RouteDecision decision, string? modelId)
    {
        json.WriteString("id", id);
        json.WriteString("object", kind);
        json.WriteNumber("created", created);

        // The model the provider says it used (gpt-4o-mini-2024-07-18 for gpt-4o-mini), under the provider's name as in GET /v1/models.
        json.WriteString("model", string.Concat(decision.Provider, "/", string.IsNullOrEmpty(modelId) ? decision.Model : modelId));
    }

    private static void WriteUsage(Utf8JsonWriter json, UsageDetails? usage, CallCost? cost)
    {
        // The provider's usage when it reported one; else what the budget settled on (the same figures, or an estimate).
        long input = usage?.InputTokenCount ?? cost?.InputTokens ?? 0;
        long output = usage?.OutputTokenCount ?? cost?.OutputTokens ?? 0;
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", input);
        json.WriteNumber("completion_tokens", output);
        json.WriteNumber("total_tokens", usage?.TotalTokenCount ?? input + output);
        long cached = usage?.CachedInputTokenCount ?? cost?.CachedInputTokens ?? 0;
        if (cached > 0)
        {
            json.WriteStartObject("prompt_tokens_details");
            json.WriteNumber("cached_tokens", cached);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    internal static void WriteEaio(Utf8JsonWriter json, RouteDecision decision, int? requestedMaxOutputTokens)
    {
        json.WriteStartObject("eaio");
        json.WriteString("provider", decision.Provider);
        json.WriteString("model", decision.Model);

        // The output limit the answer ran under, so a reply cut at it (finish_reason "length") is not a mystery: the
        // request's own, else the router's default (DEFAULT_MAX_OUTPUT_TOKENS), which external calls are sent and held
        // against the budget with. A local model without a requested limit runs under its own.
        int? limit = requestedMaxOutputTokens ?? (decision.Tier == ProviderTier.External ? decision.Plan.Profile.MaxOutputTokens : null);
        if (limit is { } max)
        {
            json.WriteNumber("max_output_tokens", max);
        }
        else
        {
            json.WriteNull("max_output_tokens");
        }

        json.WriteString("max_output_tokens_source", requestedMaxOutputTokens is not null ? "request" : limit is not null ? "default" : "model");
        json.WriteString("tier", Tier(decision.Tier));
        json.WriteString("privacy", PrivacyLevels.Name(decision.Plan.Profile.Privacy));
        json.WriteString("sensitivity", decision.Plan.Profile.Sensitivity.ToString().ToUpperInvariant());
        json.WriteString("budget", BudgetExhaustion.AnsweredLocallyFor(decision) ? BudgetExhaustion.Exhausted : "ok");
        if (decision.Cost is { } cost)
        {
            json.WriteNumber("cost_usd", cost.Usd);
            json.WriteBoolean("cost_estimated", cost.IsEstimated);
        }
        else
        {
            json.WriteNull("cost_usd");
        }

        json.WriteStartArray("reasons");
        foreach (string reason in decision.Reasons)
        {
            json.WriteStringValue(reason);
        }

        json.WriteEndArray();
        json.WriteNumber("fallbacks", decision.Fallbacks);
        json.WriteStartArray("attempts");
        foreach (RouteAttempt attempt in decision.Attempts)
        {
            json.WriteStartObject();
            json.WriteString("provider", attempt.Provider);
            json.WriteString("model", attempt.Model);
            json.WriteBoolean("ok", attempt.Succeeded);
            json.WriteNumber("duration_ms", Math.Round(attempt.Duration.TotalMilliseconds, 3));
            WriteStringOrNull(json, "error_type", attempt.ErrorType);
            WriteStringOrNull(json, "error", attempt.Error);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    internal static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static string Tier(ProviderTier tier) => tier == ProviderTier.Local ? "local" : "external";

    private static string FinishReason(ChatFinishReason? reason, bool calledTools) =>
        reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        // Ollama ends a turn that calls tools with "stop"; OpenAI's clients expect "tool_calls" there.
        : reason == ChatFinishReason.ToolCalls || calledTools ? "tool_calls"
        : "stop";

    /// <summary>A call's arguments as OpenAI sends them: a JSON object encoded as a string.</summary>
    internal static string Arguments(FunctionCallContent call) =>
        call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, s_argumentOptions);

    /// <summary>Makes a completion id.</summary>
    /// <returns>An id such as <c>chatcmpl-eaio-…</c>.</returns>
    public static string NewId() => string.Create(null, stackalloc char[64], $"chatcmpl-eaio-{Guid.NewGuid():N}");
}
