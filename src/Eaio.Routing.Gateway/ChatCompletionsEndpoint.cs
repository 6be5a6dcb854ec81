using System.Text.Json;
using Eaio.Routing;
using Microsoft.Extensions.AI;
using ChatTokenLogProbabilityDetails = OpenAI.Chat.ChatTokenLogProbabilityDetails;

namespace Eaio.Routing.Gateway;

/// <summary><c>POST /v1/chat/completions</c>: validates the body, applies the key's rights, calls the router, answers in OpenAI's format.</summary>
internal sealed class ChatCompletionsEndpoint
{
    private readonly RoutedChat _routed;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="ChatCompletionsEndpoint"/> class.</summary>
    /// <param name="routed">The router call shared with the other chat-shaped endpoints.</param>
    /// <param name="time">The clock for <c>created</c>.</param>
    public ChatCompletionsEndpoint(RoutedChat routed, TimeProvider time)
    {
        _routed = routed;
        _time = time;
    }

    /// <summary>Handles one request; the caller has authenticated it.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="key">The request's key.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public async Task HandleAsync(HttpContext context, GatewayKey key)
    {
        ChatCompletionRequest request;
        GatewayModel model;
        ChatOptions options;
        try
        {
            using JsonDocument body = await RoutedChat.ReadBodyAsync(context.Request, "'model' and 'messages'");
            request = ChatCompletionRequestParser.Parse(body.RootElement);
            (model, options) = _routed.Prepare(context, key, request);
        }
        catch (GatewayErrorException ex)
        {
            await _routed.RefuseAsync(context.Response, key, ex.Error);
            return;
        }

        string id = OpenAIWire.NewId();
        long created = _time.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream)
        {
            await StreamAsync(context, key, request, model, options, id, created);
            return;
        }

        if (await _routed.GetResponseAsync(context, key, request, model, options) is { } served)
        {
            _routed.Served(id, key, served.Answer.Usage, served.Answer.ResponseId, served.Decision);
            await OpenAIWire.WriteCompletionAsync(context.Response, id, created, served.Answer, served.Decision, request.Options.MaxOutputTokens);
        }
    }

    private async Task StreamAsync(HttpContext context, GatewayKey key, ChatCompletionRequest request, GatewayModel model, ChatOptions options, string id, long created)
    {
        if (await _routed.StartStreamAsync(context, key, request, model, options) is not { } started)
        {
            return;
        }

        CancellationToken aborted = context.RequestAborted;
        HttpResponse response = context.Response;
        await using IAsyncEnumerator<ChatResponseUpdate> updates = started.Updates;
        RouteDecision decision = started.Decision;
        bool first = true;
        int calls = 0;
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        string? modelId = null;
        string? responseId = null;
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
                string text = update.Text;

                // Tokens whose text the restoring step still holds keep their log-probabilities in this chunk.
                IReadOnlyList<ChatTokenLogProbabilityDetails>? logProbabilities = OpenAILogProbabilities.Of(update);
                if (text.Length > 0 || logProbabilities is not null)
                {
                    await OpenAIWire.WriteDeltaAsync(response, id, created, decision, modelId, text, first, logProbabilities, aborted);
                    first = false;
                }

                foreach (AIContent content in update.Contents)
                {
                    switch (content)
                    {
                        case UsageContent u:
                            usage = u.Details;
                            break;
                        case FunctionCallContent call:
                            await OpenAIWire.WriteToolCallDeltaAsync(response, id, created, decision, modelId, call, calls++, first, aborted);
                            first = false;
                            break;
                    }
                }
            }
            while (await updates.MoveNextAsync());
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            // Committed: no failover, and the status line is gone. An error event without [DONE] makes OpenAI's SDKs raise it.
            await OpenAIWire.WriteErrorEventAsync(response, _routed.StreamFailure(ex, key, model, decision), aborted);
            return;
        }

        _routed.Served(id, key, usage, responseId, decision);
        await OpenAIWire.WriteStreamEndAsync(response, id, created, decision, modelId, finish, usage, request.IncludeUsage, request.Options.MaxOutputTokens, calls > 0, aborted);
    }
}
