using System.Buffers;
using System.Text;
using System.Text.Json;
using Eaio.Routing;
using Microsoft.Extensions.AI;
using ChatTokenLogProbabilityDetails = OpenAI.Chat.ChatTokenLogProbabilityDetails;

namespace Eaio.Routing.Gateway;

/// <summary>
/// Writes one answer in OpenAI's Responses format: the whole <c>response</c> object, or its server-sent events
/// (<c>response.created</c>, the output items with their parts and deltas, <c>response.completed</c> with the usage).
/// </summary>
/// <remarks>
/// One instance per request. Text becomes a <c>message</c> item, each tool call a <c>function_call</c> item; a text that
/// follows a call opens a new message item, so the items keep the order the model produced them in.
/// </remarks>
internal sealed class ResponsesWriter
{
    private static readonly byte[] s_eventPrefix = "event: "u8.ToArray();
    private static readonly byte[] s_dataPrefix = "\ndata: "u8.ToArray();
    private static readonly byte[] s_eventEnd = "\n\n"u8.ToArray();

    private readonly HttpResponse _response;
    private readonly ResponsesRequest _request;
    private readonly string _id;

    /// <summary>Gets the response's id (<c>resp_…</c>), the one a client scores with <c>POST /v1/eaio/feedback</c>.</summary>
    public string ResponseId => _id;
    private readonly long _createdAt;
    private readonly List<Item> _items = [];
    private int _sequence;
    private Item? _openMessage;

    /// <summary>Initializes a new instance of the <see cref="ResponsesWriter"/> class.</summary>
    /// <param name="response">The HTTP response.</param>
    /// <param name="request">The request, whose settings the response object echoes.</param>
    /// <param name="createdAt">The Unix time of creation.</param>
    public ResponsesWriter(HttpResponse response, ResponsesRequest request, long createdAt)
    {
        _response = response;
        _request = request;
        _createdAt = createdAt;
        _id = "resp_" + Id();
    }

    /// <summary>Takes a whole answer's output items, for <see cref="OutputItems"/> and <see cref="WriteResponseAsync"/>.</summary>
    /// <param name="answer">The router's answer.</param>
    public void Collect(ChatResponse answer)
    {
        // The provider's log-probabilities cover the answer's whole text, which is one message unless tool calls split it.
        IReadOnlyList<ChatTokenLogProbabilityDetails>? logProbabilities = OpenAILogProbabilities.Of(answer);
        foreach (AIContent content in answer.Messages.SelectMany(m => m.Contents))
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    (_openMessage ??= Add(new Item("msg_" + Id(), null))).Text.Append(text.Text);
                    if (logProbabilities is not null)
                    {
                        _openMessage.LogProbabilities.AddRange(logProbabilities);
                        logProbabilities = null;
                    }

                    break;
                case FunctionCallContent call:
                    _openMessage = null;
                    Add(new Item("fc_" + Id(), call));
                    break;
            }
        }
    }

    /// <summary>Writes the answer <see cref="Collect"/> took as one <c>response</c> object.</summary>
    /// <param name="answer">The router's answer.</param>
    /// <param name="decision">Its route decision.</param>
    /// <returns>A task that completes when the body is flushed.</returns>
    public Task WriteResponseAsync(ChatResponse answer, RouteDecision decision)
    {
        _response.ContentType = "application/json";
        using (Utf8JsonWriter json = new(_response.BodyWriter, OpenAIWire.WriterOptions))
        {
            WriteResponseObject(json, Status(answer.FinishReason), decision, answer.ModelId, answer.FinishReason, answer.Usage);
        }

        return _response.BodyWriter.FlushAsync().AsTask();
    }

    /// <summary>Writes <c>response.created</c> and <c>response.in_progress</c>: the stream has started.</summary>
    /// <param name="decision">The route the router committed to.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the events are flushed.</returns>
    public async Task WriteStartAsync(RouteDecision decision, CancellationToken cancellationToken)
    {
        foreach (string type in (ReadOnlySpan<string>)["response.created", "response.in_progress"])
        {
            using Utf8JsonWriter json = Begin(type);
            WriteResponseObject(json, "in_progress", decision, null, null, null, "response");
            End(json);
        }

        await _response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Writes a text delta, opening a message item and its text part first when none is open.</summary>
    /// <param name="text">The delta.</param>
    /// <param name="logProbabilities">The log-probabilities of the delta's tokens, when the provider returned them.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the events are flushed.</returns>
    public async Task WriteTextAsync(string text, IReadOnlyList<ChatTokenLogProbabilityDetails>? logProbabilities, CancellationToken cancellationToken)
    {
        if (_openMessage is null)
        {
            _openMessage = Add(new Item("msg_" + Id(), null));
            using (Utf8JsonWriter json = Begin("response.output_item.added"))
            {
                json.WriteNumber("output_index", _items.Count - 1);
                WriteItem(json, _openMessage, "item", done: false);
                End(json);
            }

            using (Utf8JsonWriter json = Begin("response.content_part.added"))
            {
                WritePartAddress(json, _openMessage);
                WriteTextPart(json, string.Empty, []);
                End(json);
            }
        }

        _openMessage.Text.Append(text);
        _openMessage.LogProbabilities.AddRange(logProbabilities ?? []);
        using (Utf8JsonWriter json = Begin("response.output_text.delta"))
        {
            WritePartAddress(json, _openMessage);
            json.WriteString("delta", text);
            OpenAILogProbabilities.WriteTokens(json, "logprobs", logProbabilities ?? [], bytesRequired: true);
            End(json);
        }

        await _response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Writes a whole function call as its own item: added, its arguments as one delta, done.</summary>
    /// <param name="call">The call: the router hands on a call once its arguments are complete and restored.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the events are flushed.</returns>
    public async Task WriteCallAsync(FunctionCallContent call, CancellationToken cancellationToken)
    {
        CloseMessage();
        Item item = Add(new Item("fc_" + Id(), call));
        int index = _items.Count - 1;
        using (Utf8JsonWriter json = Begin("response.output_item.added"))
        {
            json.WriteNumber("output_index", index);
            WriteItem(json, item, "item", done: false);
            End(json);
        }

        string arguments = OpenAIWire.Arguments(call);
        using (Utf8JsonWriter json = Begin("response.function_call_arguments.delta"))
        {
            json.WriteString("item_id", item.Id);
            json.WriteNumber("output_index", index);
            json.WriteString("delta", arguments);
            End(json);
        }

        using (Utf8JsonWriter json = Begin("response.function_call_arguments.done"))
        {
            json.WriteString("item_id", item.Id);
            json.WriteNumber("output_index", index);
            json.WriteString("name", call.Name);
            json.WriteString("arguments", arguments);
            End(json);
        }

        using (Utf8JsonWriter json = Begin("response.output_item.done"))
        {
            json.WriteNumber("output_index", index);
            WriteItem(json, item, "item", done: true);
            End(json);
        }

        await _response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Closes the open message item and writes <c>response.completed</c> (or <c>response.incomplete</c>, when
    /// the output limit cut the answer) with the whole response, its usage and the <c>eaio</c> field.</summary>
    /// <param name="decision">The final route decision, with the cost.</param>
    /// <param name="modelId">The model id the provider reported, if any.</param>
    /// <param name="finishReason">Why the model stopped.</param>
    /// <param name="usage">The usage the provider reported, if any.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the events are flushed.</returns>
    public async Task WriteEndAsync(RouteDecision decision, string? modelId, ChatFinishReason? finishReason, UsageDetails? usage, CancellationToken cancellationToken)
    {
        CloseMessage();
        string status = Status(finishReason);
        using (Utf8JsonWriter json = Begin(status == "completed" ? "response.completed" : "response.incomplete"))
        {
            WriteResponseObject(json, status, decision, modelId, finishReason, usage, "response");
            End(json);
        }

        await _response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Writes an <c>error</c> event for a stream that failed after it started; OpenAI's SDKs raise it.</summary>
    /// <param name="error">The error.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the event is flushed.</returns>
    public async Task WriteErrorAsync(GatewayError error, CancellationToken cancellationToken)
    {
        using (Utf8JsonWriter json = Begin("error"))
        {
            OpenAIWire.WriteStringOrNull(json, "code", error.Code);
            json.WriteString("message", error.Message);
            OpenAIWire.WriteStringOrNull(json, "param", error.Param);
            End(json);
        }

        await _response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The output items so far, each with its id and the JSON of the input item a client would send in its place (an
    /// assistant message with its text, a function call with its call id, name and arguments), as the client received
    /// them: what the <see cref="ResponseStore"/> keeps for an <c>item_reference</c> to them.
    /// </summary>
    /// <returns>The items in output order.</returns>
    public IReadOnlyList<(string Id, byte[] Item)> OutputItems()
    {
        List<(string Id, byte[] Item)> items = new(_items.Count);
        foreach (Item item in _items)
        {
            ArrayBufferWriter<byte> buffer = new();
            using (Utf8JsonWriter json = new(buffer))
            {
                json.WriteStartObject();
                if (item.Call is { } call)
                {
                    json.WriteString("type", "function_call");
                    json.WriteString("call_id", call.CallId);
                    json.WriteString("name", call.Name);
                    json.WriteString("arguments", OpenAIWire.Arguments(call));
                }
                else
                {
                    json.WriteString("type", "message");
                    json.WriteString("role", "assistant");
                    json.WriteStartArray("content");
                    json.WriteStartObject();
                    json.WriteString("type", "output_text");
                    json.WriteString("text", item.Text.ToString());
                    json.WriteEndObject();
                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            items.Add((item.Id, buffer.WrittenSpan.ToArray()));
        }

        return items;
    }

    private void CloseMessage()
    {
        if (_openMessage is not { } message)
        {
            return;
        }

        _openMessage = null;
        int index = _items.IndexOf(message);
        string text = message.Text.ToString();
        using (Utf8JsonWriter json = Begin("response.output_text.done"))
        {
            WritePartAddress(json, message);
            json.WriteString("text", text);
            OpenAILogProbabilities.WriteTokens(json, "logprobs", message.LogProbabilities, bytesRequired: true);
            End(json);
        }

        using (Utf8JsonWriter json = Begin("response.content_part.done"))
        {
            WritePartAddress(json, message);
            WriteTextPart(json, text, message.LogProbabilities);
            End(json);
        }

        using (Utf8JsonWriter json = Begin("response.output_item.done"))
        {
            json.WriteNumber("output_index", index);
            WriteItem(json, message, "item", done: true);
            End(json);
        }
    }

    private Item Add(Item item)
    {
        _items.Add(item);
        return item;
    }

    private Utf8JsonWriter Begin(string type)
    {
        _response.BodyWriter.Write(s_eventPrefix);
        _response.BodyWriter.Write(Encoding.UTF8.GetBytes(type));
        _response.BodyWriter.Write(s_dataPrefix);
        Utf8JsonWriter json = new(_response.BodyWriter, OpenAIWire.WriterOptions);
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteNumber("sequence_number", _sequence++);
        return json;
    }

    private void End(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.Flush();
        _response.BodyWriter.Write(s_eventEnd);
    }

    private void WritePartAddress(Utf8JsonWriter json, Item message)
    {
        json.WriteString("item_id", message.Id);
        json.WriteNumber("output_index", _items.IndexOf(message));
        json.WriteNumber("content_index", 0);
    }

    private static void WriteTextPart(Utf8JsonWriter json, string text, IReadOnlyList<ChatTokenLogProbabilityDetails> logProbabilities)
    {
        json.WriteStartObject("part");
        WriteTextPartBody(json, text, logProbabilities);
        json.WriteEndObject();
    }

    private static void WriteTextPartBody(Utf8JsonWriter json, string text, IReadOnlyList<ChatTokenLogProbabilityDetails> logProbabilities)
    {
        json.WriteString("type", "output_text");
        json.WriteString("text", text);
        json.WriteStartArray("annotations");
        json.WriteEndArray();
        OpenAILogProbabilities.WriteTokens(json, "logprobs", logProbabilities, bytesRequired: true);
    }

    private static void WriteItem(Utf8JsonWriter json, Item item, string? property, bool done)
    {
        if (property is null)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartObject(property);
        }

        if (item.Call is { } call)
        {
            json.WriteString("type", "function_call");
            json.WriteString("id", item.Id);
            json.WriteString("call_id", call.CallId);
            json.WriteString("name", call.Name);
            json.WriteString("arguments", done ? OpenAIWire.Arguments(call) : string.Empty);
            json.WriteString("status", done ? "completed" : "in_progress");
        }
        else
        {
            json.WriteString("type", "message");
            json.WriteString("id", item.Id);
            json.WriteString("status", done ? "completed" : "in_progress");
            json.WriteString("role", "assistant");
            json.WriteStartArray("content");
            if (done)
            {
                json.WriteStartObject();
                WriteTextPartBody(json, item.Text.ToString(), item.LogProbabilities);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private void WriteResponseObject(
        Utf8JsonWriter json, string status, RouteDecision decision, string? modelId, ChatFinishReason? finishReason, UsageDetails? usage, string? property = null)
    {
        if (property is null)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartObject(property);
        }

        json.WriteString("id", _id);
        json.WriteString("object", "response");
        json.WriteNumber("created_at", _createdAt);
        json.WriteString("status", status);
        json.WriteNull("error");
        if (status == "incomplete")
        {
            json.WriteStartObject("incomplete_details");
            json.WriteString("reason", finishReason == ChatFinishReason.ContentFilter ? "content_filter" : "max_output_tokens");
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("incomplete_details");
        }

        OpenAIWire.WriteStringOrNull(json, "instructions", _request.Instructions);
        ChatOptions options = _request.Chat.Options;
        if (options.MaxOutputTokens is { } max)
        {
            json.WriteNumber("max_output_tokens", max);
        }
        else
        {
            json.WriteNull("max_output_tokens");
        }

        // The model the provider says it used, under the provider's name as in GET /v1/models.
        json.WriteString("model", string.Concat(decision.Provider, "/", string.IsNullOrEmpty(modelId) ? decision.Model : modelId));
        json.WriteStartArray("output");
        if (status != "in_progress")
        {
            foreach (Item item in _items)
            {
                WriteItem(json, item, null, done: true);
            }
        }

        json.WriteEndArray();
        json.WriteBoolean("parallel_tool_calls", _request.ParallelToolCalls);
        OpenAIWire.WriteStringOrNull(json, "previous_response_id", _request.PreviousResponseId);
        json.WriteBoolean("store", _request.KeptInput is not null);
        WriteNumberOrNull(json, "temperature", options.Temperature);
        WriteNumberOrNull(json, "top_p", options.TopP);
        json.WritePropertyName("text");
        json.WriteStartObject();
        json.WritePropertyName("format");
        _request.TextFormat.WriteTo(json);
        json.WriteEndObject();
        json.WritePropertyName("tool_choice");
        _request.ToolChoice.WriteTo(json);
        json.WritePropertyName("tools");
        _request.Tools.WriteTo(json);
        json.WriteString("truncation", "disabled");
        json.WriteStartObject("metadata");
        json.WriteEndObject();
        if (status == "in_progress")
        {
            json.WriteNull("usage");
        }
        else
        {
            WriteUsage(json, usage, decision.Cost);
            OpenAIWire.WriteEaio(json, decision, options.MaxOutputTokens);
        }

        json.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter json, UsageDetails? usage, CallCost? cost)
    {
        // The provider's usage when it reported one; else what the budget settled on (the same figures, or an estimate).
        long input = usage?.InputTokenCount ?? cost?.InputTokens ?? 0;
        long output = usage?.OutputTokenCount ?? cost?.OutputTokens ?? 0;
        json.WriteStartObject("usage");
        json.WriteNumber("input_tokens", input);
        json.WriteStartObject("input_tokens_details");
        json.WriteNumber("cached_tokens", usage?.CachedInputTokenCount ?? cost?.CachedInputTokens ?? 0);
        json.WriteEndObject();
        json.WriteNumber("output_tokens", output);
        json.WriteStartObject("output_tokens_details");
        json.WriteNumber("reasoning_tokens", usage?.ReasoningTokenCount ?? 0);
        json.WriteEndObject();
        json.WriteNumber("total_tokens", usage?.TotalTokenCount ?? input + output);
        json.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, float? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Status(ChatFinishReason? reason) =>
        reason == ChatFinishReason.Length || reason == ChatFinishReason.ContentFilter ? "incomplete" : "completed";

    private static string Id() => Guid.NewGuid().ToString("N");

    /// <summary>One output item: a message (its text so far) or a function call.</summary>
    private sealed record Item(string Id, FunctionCallContent? Call)
    {
        public StringBuilder Text { get; } = new();

        public List<ChatTokenLogProbabilityDetails> LogProbabilities { get; } = [];
    }
}
