using System.Text.Json;
using Eaio.Routing;
using Microsoft.Extensions.AI;

namespace Eaio.Samples.Gateway;

/// <summary><c>POST /v1/chat/completions</c>: validates the body, applies the key's rights, calls the router, answers in OpenAI's format.</summary>
internal sealed class ChatCompletionsEndpoint
{
    /// <summary>The header a request may use to ask for a stricter privacy level than its key's.</summary>
    public const string PrivacyHeader = "X-Eaio-Privacy";

    private readonly IChatClient _chat;
    private readonly GatewayModels _models;
    private readonly TimeProvider _time;
    private readonly ILogger<ChatCompletionsEndpoint> _logger;
    private readonly TenantLimits _limits;
    private readonly BudgetEndpoint _budget;
    private readonly FeedbackEndpoint _feedback;
    private readonly EaioHybridChatOptions _options;

    /// <summary>Initializes a new instance of the <see cref="ChatCompletionsEndpoint"/> class.</summary>
    /// <param name="chat">The router (with whatever middleware the host composed around it).</param>
    /// <param name="models">The offered models.</param>
    /// <param name="time">The clock for <c>created</c>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="limits">The tenants' request and token limits.</param>
    /// <param name="budget">Writes the 402 of a request over its tenant's budget.</param>
    /// <param name="feedback">Remembers served responses so their tenant can score them.</param>
    /// <param name="options">The router's options (the circuit break, the fallback <c>Retry-After</c>).</param>
    public ChatCompletionsEndpoint(
        IChatClient chat, GatewayModels models, TimeProvider time, ILogger<ChatCompletionsEndpoint> logger, TenantLimits limits, BudgetEndpoint budget, FeedbackEndpoint feedback, EaioHybridChatOptions options)
    {
        _chat = chat;
        _models = models;
        _time = time;
        _logger = logger;
        _limits = limits;
        _budget = budget;
        _feedback = feedback;
        _options = options;
    }

    /// <summary>Handles one request; the caller has authenticated it.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="key">The request's key.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public async Task HandleAsync(HttpContext context, GatewayKey key)
    {
        if (_limits.TryAdmit(key.Tenant) is { } limited)
        {
            await RefuseAsync(context.Response, key, limited);
            return;
        }

        ChatCompletionRequest request;
        GatewayModel model;
        ChatOptions options;
        try
        {
            using JsonDocument body = await ReadBodyAsync(context.Request);
            request = ChatCompletionRequestParser.Parse(body.RootElement);
            model = _models.Resolve(request.Model);
            PrivacyLevel privacy = EffectivePrivacy(key, request, context.Request.Headers[PrivacyHeader]);
            if (model.Tier == ProviderTier.External && privacy == PrivacyLevel.Private)
            {
                throw new GatewayErrorException(new GatewayError(
                    StatusCodes.Status403Forbidden,
                    $"The model '{model.Id}' is external, and this request is PRIVATE: it may only be served locally. Use '{GatewayModels.AutoModel}' or a local model (ollama/…).",
                    "permission_error",
                    "model",
                    "privacy_blocked"));
            }

            options = request.Options.WithEaio(p =>
            {
                p.TenantId = key.Tenant;
                p.Privacy = privacy;
                p.BuildingId = request.BuildingId;
                p.Provider = model.Provider;
                p.Model = model.Model;
            });
        }
        catch (GatewayErrorException ex)
        {
            await RefuseAsync(context.Response, key, ex.Error);
            return;
        }

        string id = OpenAIWire.NewId();
        long created = _time.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream)
        {
            await StreamAsync(context, key, request, model, options, id, created);
            return;
        }

        ChatResponse answer;
        try
        {
            answer = await _chat.GetResponseAsync(request.Messages, options, context.RequestAborted);
        }
        catch (Exception ex) when (Map(ex, model, _options) is { } error)
        {
            await RefuseAsync(context.Response, key, error);
            return;
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.Failed(_logger, ex, key.Tenant);
            await OpenAIWire.WriteErrorAsync(context.Response, InternalError);
            return;
        }

        RouteDecision decision = answer.GetRouteDecision() ?? throw new InvalidOperationException("The chat client did not attach a route decision: the gateway must sit on the EAIO router.");
        _limits.Charge(key.Tenant, answer.Usage, decision.Cost);
        _feedback.Remember(id, key.Tenant, answer.ResponseId, decision);
        OpenAIWire.SetRouteHeaders(context.Response, decision);
        GatewayLog.Served(_logger, key.Tenant, decision.Provider, decision.Model, false);
        await OpenAIWire.WriteCompletionAsync(context.Response, id, created, answer, decision, request.Options.MaxOutputTokens);
    }

    private static GatewayError InternalError => new(StatusCodes.Status500InternalServerError, "The gateway failed while handling the request; its log has the details.", "server_error", null, "internal_error");

    private async Task StreamAsync(HttpContext context, GatewayKey key, ChatCompletionRequest request, GatewayModel model, ChatOptions options, string id, long created)
    {
        CancellationToken aborted = context.RequestAborted;
        await using IAsyncEnumerator<ChatResponseUpdate> updates = _chat.GetStreamingResponseAsync(request.Messages, options, aborted).GetAsyncEnumerator(aborted);

        // The router commits to a route with its first update; until then it may fail over, and a refusal is still an
        // ordinary HTTP error with its status code.
        bool hasFirst;
        try
        {
            hasFirst = await updates.MoveNextAsync();
        }
        catch (Exception ex) when (Map(ex, model, _options) is { } error)
        {
            await RefuseAsync(context.Response, key, error);
            return;
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            GatewayLog.Failed(_logger, ex, key.Tenant);
            await OpenAIWire.WriteErrorAsync(context.Response, InternalError);
            return;
        }

        RouteDecision? decision = hasFirst ? updates.Current.GetRouteDecision() : null;
        if (decision is null)
        {
            GatewayLog.Failed(_logger, new InvalidOperationException("The stream ended before its first update, or without a route decision."), key.Tenant);
            await OpenAIWire.WriteErrorAsync(context.Response, InternalError);
            return;
        }

        HttpResponse response = context.Response;
        OpenAIWire.SetRouteHeaders(response, decision);
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        GatewayLog.Served(_logger, key.Tenant, decision.Provider, decision.Model, true);

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
                if (text.Length > 0)
                {
                    await OpenAIWire.WriteDeltaAsync(response, id, created, decision, modelId, text, first, aborted);
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
            // A fixed message, as on the non-streaming path: the upstream exception's text may quote the request, so it
            // stays in the log.
            GatewayLog.StreamFailed(_logger, ex, key.Tenant, decision.Provider, decision.Model);
            await OpenAIWire.WriteErrorEventAsync(response, Map(ex, model, _options) ?? new GatewayError(
                StatusCodes.Status502BadGateway, $"The stream from {decision.Provider}/{decision.Model} failed after it started; the gateway's log has the details.", "server_error", null, "stream_failed"), aborted);
            return;
        }

        _limits.Charge(key.Tenant, usage, decision.Cost);
        _feedback.Remember(id, key.Tenant, responseId, decision);
        await OpenAIWire.WriteStreamEndAsync(response, id, created, decision, modelId, finish, usage, request.IncludeUsage, request.Options.MaxOutputTokens, calls > 0, aborted);
    }

    private static async Task<JsonDocument> ReadBodyAsync(HttpRequest request)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw new GatewayErrorException(GatewayError.BadRequest(
                null, $"The request body is not valid JSON ({ex.Message}); send a JSON object with 'model' and 'messages'.", "invalid_json"));
        }
    }

    /// <summary>The privacy level a request runs at: its key's ceiling, or stricter when the header or metadata ask for it.</summary>
    private static PrivacyLevel EffectivePrivacy(GatewayKey key, ChatCompletionRequest request, string? header)
    {
        PrivacyLevel level = key.MaxPrivacy;
        if (!string.IsNullOrEmpty(header))
        {
            level = Tighten(key, level, PrivacyLevels.TryParse(header, out PrivacyLevel asked)
                ? asked
                : throw new GatewayErrorException(GatewayError.BadRequest(PrivacyHeader, $"The header {PrivacyHeader} is '{header}'; allowed: private, enhanced, public.")), PrivacyHeader);
        }

        if (request.RequestedPrivacy is { } fromMetadata)
        {
            level = Tighten(key, level, fromMetadata, "metadata.eaio_privacy");
        }

        return level;

        static PrivacyLevel Tighten(GatewayKey key, PrivacyLevel current, PrivacyLevel asked, string where) =>
            asked <= key.MaxPrivacy
                ? (asked < current ? asked : current)
                : throw new GatewayErrorException(new GatewayError(
                    StatusCodes.Status403Forbidden,
                    $"{where} asks for privacy {PrivacyLevels.Name(asked)}, looser than this API key allows ({PrivacyLevels.Name(key.MaxPrivacy)}); a request may only ask for the same or a stricter level.",
                    "permission_error",
                    where,
                    "privacy_level_not_allowed"));
    }

    /// <summary>Maps the router's refusals to OpenAI-style errors; <see langword="null"/> for anything else (a bug, or the client went away).</summary>
    private static GatewayError? Map(Exception ex, GatewayModel model, EaioHybridChatOptions options)
    {
        switch (ex)
        {
            case PrivacyViolationException:
                return Privacy(ex.Message);
            case BudgetExceededException:
                return Budget(ex.Message);
            case NoRouteAvailableException noRoute:
                if (noRoute.Attempts.Any(a => a.ErrorType == nameof(PrivacyViolationException)))
                {
                    return Privacy(noRoute.Message);
                }

                // A pin to an external model on a request that may only stay local: the privacy rules said no, not an outage.
                if (model.Tier == ProviderTier.External && noRoute.Plan?.Profile.IsLocalOnly == true)
                {
                    return Privacy(noRoute.Message);
                }

                // The budget is the reason when it refused or excluded a route and nothing else failed: with more
                // budget the request would have run. A local route that was tried and failed makes it an outage.
                bool budgetRefused = noRoute.Attempts.Any(a => a.ErrorType == nameof(BudgetExceededException))
                    || noRoute.Plan?.Exclusions.Any(e => e.Tier == ProviderTier.External && e.Reason.Contains("budget", StringComparison.Ordinal)) == true;
                bool otherFailure = noRoute.Attempts.Any(a => a.ErrorType != nameof(BudgetExceededException));
                return budgetRefused && !otherFailure
                    ? Budget(noRoute.Message)
                    : new GatewayError(StatusCodes.Status503ServiceUnavailable, noRoute.Message, "server_error", null, "no_route_available", GatewayRetryAfter.Soonest(noRoute, options));
            default:
                return null;
        }

        static GatewayError Privacy(string message) => new(StatusCodes.Status403Forbidden, message, "permission_error", null, "privacy_blocked");

        // 402, not 429: OpenAI's SDKs retry 429 after a pause, and a monthly budget does not come back in seconds.
        static GatewayError Budget(string message) => new(StatusCodes.Status402PaymentRequired, message, "insufficient_quota", null, "budget_exceeded");
    }

    private async Task RefuseAsync(HttpResponse response, GatewayKey key, GatewayError error)
    {
        if (error.Code == "budget_exceeded")
        {
            // The router's text lists every route and setting (hundreds of characters); a client needs one sentence.
            error = await _budget.OverBudgetAsync(key.Tenant, response.HttpContext.RequestAborted);
        }

        // The router leaves a call that failed on every route to whoever receives it: here, that is the one entry for it.
        if (error.Status == StatusCodes.Status503ServiceUnavailable)
        {
            GatewayLog.NoRoute(_logger, key.Tenant, error.Message);
        }
        else
        {
            GatewayLog.Refused(_logger, key.Tenant, error.Status, error.Code);
        }
        await OpenAIWire.WriteErrorAsync(response, error);
    }
}
