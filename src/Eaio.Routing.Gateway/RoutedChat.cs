using System.Text.Json;
using Eaio.Routing;
using Microsoft.Extensions.AI;

namespace Eaio.Routing.Gateway;

/// <summary>
/// What every chat-shaped endpoint (<c>/v1/chat/completions</c>, <c>/v1/responses</c>) does around the router, whatever
/// its wire format: the key's privacy rights, the model pin, the router call, and the router's refusals as OpenAI errors.
/// </summary>
internal sealed class RoutedChat
{
    /// <summary>The header a request may use to ask for a stricter privacy level than its key's.</summary>
    public const string PrivacyHeader = "X-Eaio-Privacy";

    private readonly IChatClient _chat;
    private readonly GatewayModels _models;
    private readonly ILogger<RoutedChat> _logger;
    private readonly TenantLimits _limits;
    private readonly BudgetEndpoint _budget;
    private readonly FeedbackEndpoint _feedback;
    private readonly EaioHybridChatOptions _options;
    private readonly EndUserPseudonyms _endUsers;

    /// <summary>Initializes a new instance of the <see cref="RoutedChat"/> class.</summary>
    /// <param name="chat">The router (with whatever middleware the host composed around it).</param>
    /// <param name="models">The offered models.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="limits">The tenants' request and token limits.</param>
    /// <param name="budget">Writes the 402 of a request over its tenant's budget.</param>
    /// <param name="feedback">Remembers served responses so their tenant can score them.</param>
    /// <param name="options">The router's options (the circuit break, the fallback <c>Retry-After</c>).</param>
    /// <param name="endUsers">The pseudonyms of end users sent in <c>user</c>.</param>
    public RoutedChat(IChatClient chat, GatewayModels models, ILogger<RoutedChat> logger, TenantLimits limits, BudgetEndpoint budget, FeedbackEndpoint feedback, EaioHybridChatOptions options, EndUserPseudonyms endUsers)
    {
        _endUsers = endUsers;
        _chat = chat;
        _models = models;
        _logger = logger;
        _limits = limits;
        _budget = budget;
        _feedback = feedback;
        _options = options;
    }

    /// <summary>Gets the error written when the gateway itself failed: a fixed text, the log has the details.</summary>
    public static GatewayError InternalError => new(StatusCodes.Status500InternalServerError, "The gateway failed while handling the request; its log has the details.", "server_error", null, "internal_error");

    /// <summary>Reads a request body as JSON.</summary>
    /// <param name="request">The HTTP request.</param>
    /// <param name="expected">What a valid body holds, for the error message (<c>'model' and 'messages'</c>).</param>
    /// <returns>The parsed body; the caller disposes it.</returns>
    /// <exception cref="GatewayErrorException">The body is not JSON.</exception>
    public static async Task<JsonDocument> ReadBodyAsync(HttpRequest request, string expected)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw new GatewayErrorException(GatewayError.BadRequest(
                null, $"The request body is not valid JSON ({ex.Message}); send a JSON object with {expected}.", "invalid_json"));
        }
    }

    /// <summary>Resolves the request's model and privacy level and sets the router's profile on its options.</summary>
    /// <param name="context">The HTTP context, for the privacy header.</param>
    /// <param name="key">The request's key.</param>
    /// <param name="request">The parsed request.</param>
    /// <returns>The model and the options to call the router with.</returns>
    /// <exception cref="GatewayErrorException">The tenant is over its request or token limit, the model is unknown, or the privacy rules forbid what was asked.</exception>
    public (GatewayModel Model, ChatOptions Options) Prepare(HttpContext context, GatewayKey key, ChatCompletionRequest request)
    {
        if (_limits.TryAdmit(key.Tenant) is { } limited)
        {
            throw new GatewayErrorException(limited);
        }

        GatewayModel model = _models.Resolve(request.Model);
        PrivacyLevel privacy = EffectivePrivacy(key, request.RequestedPrivacy, context.Request.Headers[PrivacyHeader]);
        if (model.Tier == ProviderTier.External && privacy == PrivacyLevel.Private)
        {
            throw new GatewayErrorException(new GatewayError(
                StatusCodes.Status403Forbidden,
                $"The model '{model.Id}' is external, and this request is PRIVATE: it may only be served locally. Use '{GatewayModels.AutoModel}' or a local model (ollama/…).",
                "permission_error",
                "model",
                "privacy_blocked"));
        }

        ChatOptions options = request.Options.WithEaio(p =>
        {
            p.TenantId = key.Tenant;
            p.Privacy = privacy;
            p.BuildingId = request.BuildingId;
            p.Provider = model.Provider;
            p.Model = model.Model;
        });
        if (request.EndUser is { } endUser)
        {
            // Per tenant, so two tenants' "admin" are two people to the provider.
            options.WithEndUserId(_endUsers.For(key.Tenant, endUser));
        }

        return (model, options);
    }

    /// <summary>Calls the router for a whole answer; on a refusal or failure writes the error and returns <see langword="null"/>.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="key">The request's key.</param>
    /// <param name="request">The parsed request.</param>
    /// <param name="model">The resolved model.</param>
    /// <param name="options">The options from <see cref="Prepare"/>.</param>
    /// <returns>The answer and its route decision, or <see langword="null"/> when an error was written.</returns>
    public async Task<(ChatResponse Answer, RouteDecision Decision)?> GetResponseAsync(HttpContext context, GatewayKey key, ChatCompletionRequest request, GatewayModel model, ChatOptions options)
    {
        ChatResponse answer;
        try
        {
            answer = await _chat.GetResponseAsync(request.Messages, options, context.RequestAborted);
        }
        catch (Exception ex) when (Map(ex, model, _options, request.LogProbabilitiesField) is { } error)
        {
            await RefuseAsync(context.Response, key, error);
            return null;
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.Failed(_logger, ex, key.Tenant);
            await OpenAIWire.WriteErrorAsync(context.Response, InternalError);
            return null;
        }

        RouteDecision decision = answer.GetRouteDecision() ?? throw new InvalidOperationException("The chat client did not attach a route decision: the gateway must sit on the EAIO router.");
        OpenAIWire.SetRouteHeaders(context.Response, decision);
        GatewayLog.Served(_logger, key.Tenant, decision.Provider, decision.Model, false);
        return (answer, decision);
    }

    /// <summary>
    /// Starts a streamed answer and waits for its first update, with which the router commits to a route; until then a
    /// refusal is still an ordinary HTTP error with its status code, which this writes (returning <see langword="null"/>).
    /// On success the route headers and the event-stream content type are set, nothing is written yet.
    /// </summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="key">The request's key.</param>
    /// <param name="request">The parsed request.</param>
    /// <param name="model">The resolved model.</param>
    /// <param name="options">The options from <see cref="Prepare"/>.</param>
    /// <returns>The updates, positioned on the first, and its route decision; or <see langword="null"/> when an error was written. The caller disposes the updates.</returns>
    public async Task<(IAsyncEnumerator<ChatResponseUpdate> Updates, RouteDecision Decision)?> StartStreamAsync(
        HttpContext context, GatewayKey key, ChatCompletionRequest request, GatewayModel model, ChatOptions options)
    {
        CancellationToken aborted = context.RequestAborted;
        IAsyncEnumerator<ChatResponseUpdate> updates = _chat.GetStreamingResponseAsync(request.Messages, options, aborted).GetAsyncEnumerator(aborted);
        bool hasFirst;
        try
        {
            hasFirst = await updates.MoveNextAsync();
        }
        catch (Exception ex) when (Map(ex, model, _options, request.LogProbabilitiesField) is { } error)
        {
            await updates.DisposeAsync();
            await RefuseAsync(context.Response, key, error);
            return null;
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            await updates.DisposeAsync();
            GatewayLog.Failed(_logger, ex, key.Tenant);
            await OpenAIWire.WriteErrorAsync(context.Response, InternalError);
            return null;
        }

        if ((hasFirst ? updates.Current.GetRouteDecision() : null) is not { } decision)
        {
            await updates.DisposeAsync();
            GatewayLog.Failed(_logger, new InvalidOperationException("The stream ended before its first update, or without a route decision."), key.Tenant);
            await OpenAIWire.WriteErrorAsync(context.Response, InternalError);
            return null;
        }

        HttpResponse response = context.Response;
        OpenAIWire.SetRouteHeaders(response, decision);
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        GatewayLog.Served(_logger, key.Tenant, decision.Provider, decision.Model, true);
        return (updates, decision);
    }

    /// <summary>The error to send in-stream when a committed stream fails: the router's refusal, else a fixed text (the
    /// upstream exception's may quote the request, so it stays in the log, which this writes to).</summary>
    /// <param name="ex">The failure.</param>
    /// <param name="key">The request's key.</param>
    /// <param name="model">The resolved model.</param>
    /// <param name="decision">The route the stream committed to.</param>
    /// <returns>The error.</returns>
    public GatewayError StreamFailure(Exception ex, GatewayKey key, GatewayModel model, RouteDecision decision)
    {
        GatewayLog.StreamFailed(_logger, ex, key.Tenant, decision.Provider, decision.Model);
        return Map(ex, model, _options) ?? new GatewayError(
            StatusCodes.Status502BadGateway, $"The stream from {decision.Provider}/{decision.Model} failed after it started; the gateway's log has the details.", "server_error", null, "stream_failed");
    }

    /// <summary>Logs and writes a refusal.</summary>
    /// <param name="response">The response, not started.</param>
    /// <param name="key">The request's key.</param>
    /// <param name="error">The error.</param>
    /// <returns>A task that completes when the error is written.</returns>
    public async Task RefuseAsync(HttpResponse response, GatewayKey key, GatewayError error)
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

    /// <summary>Counts a served answer against its tenant's token limit and remembers it so the tenant can score it.</summary>
    /// <param name="id">The id the client holds (<c>chatcmpl-…</c>, <c>resp_…</c>).</param>
    /// <param name="key">The request's key.</param>
    /// <param name="usage">The tokens the answer used, if reported.</param>
    /// <param name="responseId">The router's response id.</param>
    /// <param name="decision">The answer's route decision, with its cost.</param>
    public void Served(string id, GatewayKey key, UsageDetails? usage, string? responseId, RouteDecision decision)
    {
        _limits.Charge(key.Tenant, usage, decision.Cost);
        _feedback.Remember(id, key.Tenant, responseId, decision);
    }

    /// <summary>The privacy level a request runs at: its key's ceiling, or stricter when the header or metadata ask for it.</summary>
    /// <param name="key">The request's key.</param>
    /// <param name="requested">The level the body's metadata asks for, if any.</param>
    /// <param name="header">The privacy header's value, if any.</param>
    /// <returns>The level.</returns>
    /// <exception cref="GatewayErrorException">The header is not a level, or a level looser than the key's is asked for.</exception>
    public static PrivacyLevel EffectivePrivacy(GatewayKey key, PrivacyLevel? requested, string? header)
    {
        PrivacyLevel level = key.MaxPrivacy;
        if (!string.IsNullOrEmpty(header))
        {
            level = Tighten(key, level, PrivacyLevels.TryParse(header, out PrivacyLevel asked)
                ? asked
                : throw new GatewayErrorException(GatewayError.BadRequest(PrivacyHeader, $"The header {PrivacyHeader} is '{header}'; allowed: private, enhanced, public.")), PrivacyHeader);
        }

        if (requested is { } fromMetadata)
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
    /// <param name="ex">The exception.</param>
    /// <param name="model">The resolved model.</param>
    /// <param name="options">The router's options, for the <c>Retry-After</c> of a 503.</param>
    /// <param name="logProbabilitiesField">The request field that asked for log-probabilities, named when they cannot be had.</param>
    /// <returns>The error, or <see langword="null"/>.</returns>
    public static GatewayError? Map(Exception ex, GatewayModel model, EaioHybridChatOptions options, string logProbabilitiesField = "logprobs")
    {
        switch (ex)
        {
            case PrivacyViolationException:
                return Privacy(ex.Message);
            case BudgetExceededException:
                return Budget(ex.Message);
            case NoRouteAvailableException noRoute:
                // Asking for log-probabilities is what left no route, and no retry or end of an outage would change that:
                // it is the request's field that cannot be honoured.
                if (noRoute.LogProbabilitiesUnavailable)
                {
                    return new GatewayError(StatusCodes.Status400BadRequest, $"'{logProbabilitiesField}' cannot be honoured for this request: {noRoute.Message}", "invalid_request_error", logProbabilitiesField, "unsupported_parameter");
                }

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
}
