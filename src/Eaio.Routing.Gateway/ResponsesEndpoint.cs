using System.Text.Json;
using Eaio.Routing;
using Microsoft.Extensions.AI;
using ChatTokenLogProbabilityDetails = OpenAI.Chat.ChatTokenLogProbabilityDetails;

namespace Eaio.Routing.Gateway;

/// <summary>
/// <c>POST /v1/responses</c>: the Responses API subset the AI SDK and OpenAI's SDKs use, mapped onto the same router call
/// as <c>/v1/chat/completions</c>, so a request gets the same privacy rules, pins, budget and refusals either way.
/// </summary>
internal sealed class ResponsesEndpoint
{
    private readonly RoutedChat _routed;
    private readonly TimeProvider _time;
    private readonly ResponseStore _store;

    /// <summary>Initializes a new instance of the <see cref="ResponsesEndpoint"/> class.</summary>
    /// <param name="routed">The router call shared with the other chat-shaped endpoints.</param>
    /// <param name="time">The clock for <c>created_at</c>.</param>
    /// <param name="store">The responses kept for <c>item_reference</c> and <c>previous_response_id</c>.</param>
    public ResponsesEndpoint(RoutedChat routed, TimeProvider time, ResponseStore store)
    {
        _routed = routed;
        _time = time;
        _store = store;
    }

    /// <summary>Handles one request; the caller has authenticated it.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="key">The request's key.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public async Task HandleAsync(HttpContext context, GatewayKey key)
    {
        ResponsesRequest request;
        GatewayModel model;
        ChatOptions options;
        try
        {
            using JsonDocument body = await RoutedChat.ReadBodyAsync(context.Request, "'model' and 'input'");
            request = ResponsesRequestParser.Parse(body.RootElement, _store, key);
            (model, options) = _routed.Prepare(context, key, request.Chat);
        }
        catch (GatewayErrorException ex)
        {
            await _routed.RefuseAsync(context.Response, key, ex.Error);
            return;
        }

        ResponsesWriter writer = new(context.Response, request, _time.GetUtcNow().ToUnixTimeSeconds());
        if (!request.Chat.Stream)
        {
            if (await _routed.GetResponseAsync(context, key, request.Chat, model, options) is { } served)
            {
                _routed.Served(writer.ResponseId, key, served.Answer.Usage, served.Answer.ResponseId, served.Decision);
                writer.Collect(served.Answer);
                Keep(key, request, writer);
                await writer.WriteResponseAsync(served.Answer, served.Decision);
            }

            return;
        }

        if (await _routed.StartStreamAsync(context, key, request.Chat, model, options) is not { } started)
        {
            return;
        }

        CancellationToken aborted = context.RequestAborted;
        await using IAsyncEnumerator<ChatResponseUpdate> updates = started.Updates;
        RouteDecision decision = started.Decision;
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        string? modelId = null;
        string? responseId = null;
        await writer.WriteStartAsync(decision, aborted);
        try
        {
            do
            {
                ChatResponseUpdate update = updates.Current;
                if (update.GetRouteDecision() is { } latest)
                {
                    // The last update's decision carries the cost; earlier ones only the route.
                    decision = latest;
                }

                finish = update.FinishReason ?? finish;
                modelId ??= update.ModelId;
                responseId ??= update.ResponseId;
                IReadOnlyList<ChatTokenLogProbabilityDetails>? logProbabilities = OpenAILogProbabilities.Of(update);
                foreach (AIContent content in update.Contents)
                {
                    switch (content)
                    {
                        case TextContent { Text.Length: > 0 } text:
                            await writer.WriteTextAsync(text.Text, logProbabilities, aborted);
                            logProbabilities = null;
                            break;
                        case FunctionCallContent call:
                            await writer.WriteCallAsync(call, aborted);
                            break;
                        case UsageContent u:
                            usage = u.Details;
                            break;
                    }
                }

                // Tokens whose text the restoring step still holds keep their log-probabilities in this delta.
                if (logProbabilities is not null)
                {
                    await writer.WriteTextAsync(string.Empty, logProbabilities, aborted);
                }
            }
            while (await updates.MoveNextAsync());
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            // Committed: no failover, and the status line is gone; the error event makes OpenAI's SDKs raise it.
            await writer.WriteErrorAsync(_routed.StreamFailure(ex, key, model, decision), aborted);
            return;
        }

        _routed.Served(writer.ResponseId, key, usage, responseId, decision);
        Keep(key, request, writer);
        await writer.WriteEndAsync(decision, modelId, finish, usage, aborted);
    }

    /// <summary>Keeps the answer, before the client can have it, so its next turn can already name it.</summary>
    private void Keep(GatewayKey key, ResponsesRequest request, ResponsesWriter writer)
    {
        if (request.KeptInput is { } input)
        {
            _store.Remember(key, writer.ResponseId, input, writer.OutputItems());
        }
    }
}
