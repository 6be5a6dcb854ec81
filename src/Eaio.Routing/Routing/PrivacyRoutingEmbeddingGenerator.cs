using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Routes embeddings by the same privacy rules as chat: the inner (local, Ollama) generator embeds everything that may not
/// leave the machine, and an external generator (OpenAI) is used only where the rules allow, with its cost held on the
/// budget before the call and settled after it, and every external call in the audit log.
/// </summary>
/// <remarks>
/// <para>
/// The input is profiled like a chat request (the same detectors, tags and per-building and per-client privacy): a
/// PRIVATE request, CRITICAL or SENSITIVE input, <c>LLM_STRATEGY=local</c> or <c>EMERGENCY_LOCAL_ONLY</c> stays local.
/// Embedding masked text would change the vectors, so SENSITIVE input is not masked and sent, as chat may, but kept local.
/// </para>
/// <para>
/// The profile travels in <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> under
/// <see cref="EaioChatOptionsExtensions.ProfileKey"/>, as in <see cref="ChatOptions"/>. An unpinned request at privacy
/// PUBLIC goes external, any other locally; a request pinned (<see cref="RequestProfile.Provider"/>) to the external
/// provider goes there when the rules allow and is refused with <see cref="PrivacyViolationException"/> when they do not,
/// so vectors of two models never mix silently. <see cref="GetRoute"/> tells which provider and model served a result.
/// </para>
/// </remarks>
public sealed class PrivacyRoutingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The <see cref="GeneratedEmbeddings{TEmbedding}.AdditionalProperties"/> key of the result's <see cref="EmbeddingRoute"/>.</summary>
    public const string RouteKey = "eaio.embedding_route";

    private readonly IEmbeddingGenerator<string, Embedding<float>>? _external;
    private readonly EaioHybridChatOptions _options;
    private readonly RequestProfiler _profiler;
    private readonly BudgetGovernor _governor;
    private readonly IAuditLog? _audit;
    private readonly AuditPayloadHasher _hasher;
    private readonly ModelPrice? _price;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="PrivacyRoutingEmbeddingGenerator"/> class.</summary>
    /// <param name="local">The local generator (Ollama), for everything that may not leave the machine.</param>
    /// <param name="external">The external generator (OpenAI), or <see langword="null"/> to embed everything locally.</param>
    /// <param name="options">The router's options: privacy defaults, strategy, the embedding models and their prices.</param>
    /// <param name="detectors">The detectors that profile the input; the built-in ones when <see langword="null"/>.</param>
    /// <param name="ledger">The budget external calls are held against; none when <see langword="null"/>.</param>
    /// <param name="auditLog">Where external calls are recorded; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the audit records; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="local"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="EaioConfigurationException">An external generator is given but its model has no price.</exception>
    public PrivacyRoutingEmbeddingGenerator(
        IEmbeddingGenerator<string, Embedding<float>> local,
        IEmbeddingGenerator<string, Embedding<float>>? external,
        EaioHybridChatOptions options,
        IEnumerable<ISensitiveDataDetector>? detectors = null,
        IBudgetLedger? ledger = null,
        IAuditLog? auditLog = null,
        TimeProvider? timeProvider = null)
        : base(local)
    {
        ArgumentNullException.ThrowIfNull(options);
        _external = external;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;

        // The chat routes' governor, not the ledger alone: a settlement that fails is retried and recorded as pending (one
        // journal per ledger), costs are metered and budget alerts raised, exactly as for a chat call.
        _governor = new BudgetGovernor(options.ResolvePrices(), ledger, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, _ => { }, options.TenantBudgetsUsd.Keys, _time)
        {
            PendingSettlementsPath = Path.Combine(options.ResolveDataDirectory(), BudgetChatClientBuilderExtensions.PendingSettlementsFile),
        };
        _audit = auditLog;
        _hasher = new AuditPayloadHasher(AuditChatClientBuilderExtensions.KeyOf(options));
        ISensitiveDataDetector[] list = [.. detectors ?? SensitiveDataScanner.CreateDefault().Detectors];
        _profiler = new RequestProfiler(options, ComplexityEstimator.Default, new SensitiveDataScanner(list, new Dictionary<string, DataSensitivity>(options.EntitySensitivity)));
        if (external is not null)
        {
            _price = options.ResolvePrices().Find(EaioProviders.OpenAI, options.OpenAIEmbeddingModel)
                ?? throw new EaioConfigurationException($"The embedding model openai/{options.OpenAIEmbeddingModel} (OPENAI_EMBEDDING_MODEL) has no price: add it to the price catalogue (Eaio:Prices) so its calls can be held against the budget.");
        }
    }

    /// <summary>Gets the route that served a result, or <see langword="null"/> when it did not come from this generator.</summary>
    /// <param name="embeddings">The result.</param>
    /// <returns>The route.</returns>
    public static EmbeddingRoute? GetRoute(GeneratedEmbeddings<Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        return embeddings.AdditionalProperties?.TryGetValue(RouteKey, out object? route) == true ? route as EmbeddingRoute : null;
    }

    /// <inheritdoc/>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] inputs = [.. values];
        RequestProfile? asked = options?.AdditionalProperties?.TryGetValue(EaioChatOptionsExtensions.ProfileKey, out object? p) == true ? p as RequestProfile : null;
        ChatOptions profileCarrier = asked is null ? new ChatOptions() : new ChatOptions().WithEaio(asked);
        ResolvedRequestProfile profile = _profiler.Resolve([.. inputs.Select(i => new ChatMessage(ChatRole.User, i))], profileCarrier);

        bool pinnedExternal = asked?.Provider == EaioProviders.OpenAI;
        string? localOnlyBecause = LocalOnlyReason(profile);
        if (pinnedExternal && localOnlyBecause is not null)
        {
            throw new PrivacyViolationException($"The embeddings were pinned to {EaioProviders.OpenAI}/{_options.OpenAIEmbeddingModel}, but {localOnlyBecause}: they may only be made locally. Leave the provider unpinned to embed locally with {_options.Ollama.EmbeddingModel}.");
        }

        if (asked?.Provider is { } provider && provider != EaioProviders.OpenAI && provider != EaioProviders.Ollama)
        {
            throw new ArgumentException($"Embeddings can be pinned to '{EaioProviders.Ollama}' or '{EaioProviders.OpenAI}', not '{provider}'.", nameof(options));
        }

        bool external = _external is not null && localOnlyBecause is null && asked?.Provider != EaioProviders.Ollama
            && (pinnedExternal || profile.Privacy == PrivacyLevel.Public);
        if (!external)
        {
            EmbeddingGenerationOptions local = options?.Clone() ?? new();
            local.ModelId = asked?.Provider == EaioProviders.Ollama && asked.Model is { Length: > 0 } m ? m : _options.Ollama.EmbeddingModel;
            GeneratedEmbeddings<Embedding<float>> result = await base.GenerateAsync(inputs, local, cancellationToken).ConfigureAwait(false);
            return Stamp(result, new EmbeddingRoute(EaioProviders.Ollama, local.ModelId, ProviderTier.Local, null, profile));
        }

        return await GenerateExternallyAsync(inputs, options, profile, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GeneratedEmbeddings<Embedding<float>>> GenerateExternallyAsync(
        string[] inputs, EmbeddingGenerationOptions? options, ResolvedRequestProfile profile, CancellationToken cancellationToken)
    {
        string model = _options.OpenAIEmbeddingModel;
        int estimated = inputs.Sum(i => TokenEstimator.CountTokens(i, model));
        CallBudget budget = await _governor.ReserveAsync(profile.TenantId, _price!, estimated, 0, cancellationToken).ConfigureAwait(false);
        EmbeddingGenerationOptions outgoing = options?.Clone() ?? new();
        outgoing.ModelId = model;
        outgoing.AdditionalProperties?.Remove(EaioChatOptionsExtensions.ProfileKey);
        long started = _time.GetTimestamp();
        GeneratedEmbeddings<Embedding<float>> result;
        try
        {
            result = await _external!.GenerateAsync(inputs, outgoing, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await _governor.ReleaseAsync(budget).ConfigureAwait(false);
            await AppendAsync(inputs, profile, model, null, null, started, $"failed: {ex.GetType().Name}").ConfigureAwait(false);
            throw;
        }

        // Embeddings have no output: the input the provider reported (else the estimate, flagged) is the whole cost.
        CallCost cost = await _governor.SettleAsync(budget, new UsageDetails { InputTokenCount = result.Usage?.InputTokenCount, OutputTokenCount = 0 }, partialOutput: null).ConfigureAwait(false);
        long inputTokens = cost.InputTokens;
        await AppendAsync(inputs, profile, model, inputTokens, cost.Usd, started, "ok").ConfigureAwait(false);
        return Stamp(result, new EmbeddingRoute(EaioProviders.OpenAI, model, ProviderTier.External, cost, profile));
    }

    private async Task AppendAsync(string[] inputs, ResolvedRequestProfile profile, string model, long? tokens, decimal? cost, long started, string outcome)
    {
        if (_audit is null)
        {
            return;
        }

        // Recorded after the call, whatever the caller's cancellation: the provider has seen the input and billed it.
        await _audit.AppendAsync(
            new AuditEntry
            {
                Timestamp = _time.GetUtcNow(),
                RequestId = RandomIds.NewId(),
                TenantId = profile.TenantId,
                BuildingId = profile.BuildingId is { } building ? _hasher.Hash(building) : null,
                Provider = EaioProviders.OpenAI,
                Model = model,
                Privacy = profile.Privacy,
                Sensitivity = profile.Sensitivity,
                Reasons = ["embeddings: external allowed by privacy and sensitivity"],
                PayloadHmac = _hasher.Hash(string.Join('\n', inputs)),
                InputTokens = tokens,
                OutputTokens = tokens is null ? null : 0,
                CostUsd = cost,
                LatencyMs = _time.GetElapsedTime(started).TotalMilliseconds,
                Outcome = outcome,
            },
            CancellationToken.None).ConfigureAwait(false);
    }

    private string? LocalOnlyReason(ResolvedRequestProfile profile) =>
        profile.Privacy == PrivacyLevel.Private ? "the request is PRIVATE"
        : profile.Sensitivity >= DataSensitivity.Sensitive ? $"the input is {profile.Sensitivity.ToString().ToUpperInvariant()}"
        : profile.IsLocalOnly ? "the workload is local-only"
        : _options.Strategy == RoutingStrategy.Local ? "LLM_STRATEGY is local"
        : _options.EmergencyLocalOnly ? "EMERGENCY_LOCAL_ONLY is set"
        : _external is null ? $"{EaioProviders.OpenAI} is not configured"
        : null;

    private static GeneratedEmbeddings<Embedding<float>> Stamp(GeneratedEmbeddings<Embedding<float>> result, EmbeddingRoute route)
    {
        (result.AdditionalProperties ??= [])[RouteKey] = route;
        return result;
    }
}
