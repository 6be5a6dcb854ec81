using System.Collections.Frozen;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eaio.Routing;

/// <summary>
/// The hybrid router: one <see cref="IChatClient"/> that plans each request's routes with <see cref="RoutingPolicy"/> and
/// runs them in order with privacy-safe failover.
/// </summary>
/// <remarks>
/// <para>
/// Failover walks the plan and nothing else, so a provider the policy excluded (for privacy, budget, strategy or health)
/// is never tried. It happens only before the first streamed update has been passed on; after that an error reaches
/// the caller. A caller's cancellation is never failed over.
/// </para>
/// <para>
/// This is its own client rather than Microsoft.Extensions.AI's experimental <c>FailoverChatClient</c>: that class
/// seals its Get methods (so the route decision cannot be attached to responses and updates), fails over on every
/// exception to a fixed list, and leaves per-request plans, time-to-first-update limits and circuit state to the caller.
/// </para>
/// </remarks>
public sealed partial class HybridRouterChatClient : IChatClient
{
    private static readonly ChatClientMetadata s_metadata = new("eaio-hybrid");

    private readonly FrozenDictionary<string, ProviderRoute> _routes; // looked up on every attempt: frozen for the cheaper hash
    private readonly ProviderRoute[] _configuredRoutes; // the ones whose health each plan checks
    private readonly RequestProfiler _profiler;
    private readonly EgressGuard _egress;
    private readonly SensitiveDataScanner? _scanner;
    private readonly PayloadMasker _masker;
    private readonly CriticalConversationMarks _marks;
    private readonly IAuditLog? _audit;
    private readonly IRequestLog? _requestLog;
    private readonly ProviderHealthMonitor? _health;
    private readonly AuditPayloadHasher? _hasher;
    private readonly IBudgetLedger _budget;
    private readonly BudgetGovernor _governor;
    private readonly EaioHybridChatOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<IDisposable> _owned = [];
    private readonly RoutePlanCache _plans = new();
    private readonly ProviderRoute[] _routeList;

    /// <summary>The availability of every provider while no circuit is open: only the missing clients are out.</summary>
    private readonly ProviderAvailability[] _healthy;
    private readonly bool _externalConfigured;

    /// <summary>Initializes a new instance of the <see cref="HybridRouterChatClient"/> class.</summary>
    /// <param name="options">The router's configuration.</param>
    /// <param name="providerClients">The provider clients by provider name (see <see cref="EaioProviders"/>); a provider of the
    /// catalogue without a client here is absent from every plan. The router does not dispose them.</param>
    /// <param name="timeProvider">The clock for time limits and circuit breakers; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="budget">The budget ledger every external call reserves its worst case on and settles to; an
    /// <see cref="InMemoryBudgetLedger"/> with the options' budgets when <see langword="null"/>.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <param name="detectors">The detectors the egress guard of every external route runs; a hit blocks the call.</param>
    /// <param name="vault">Where placeholders and their originals are kept per conversation; an in-memory vault with a one-hour expiry when <see langword="null"/>.</param>
    /// <param name="audit">Where every external call and every block is recorded; nothing is recorded when <see langword="null"/> or when <see cref="EaioHybridChatOptions.AuditAllApiCalls"/> is off.</param>
    /// <param name="requestLog">Where every route attempt, local and external, is logged for the optimisation report; nothing is logged when <see langword="null"/>.</param>
    /// <param name="health">The provider health the router plans with (an unhealthy Ollama is out of plans); only configuration and circuits count when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="providerClients"/> is <see langword="null"/>.</exception>
    /// <exception cref="EaioConfigurationException">An option is out of range, as <c>AddEaioHybridChat</c> would report it.</exception>
    public HybridRouterChatClient(
        EaioHybridChatOptions options,
        IReadOnlyDictionary<string, IChatClient> providerClients,
        TimeProvider? timeProvider = null,
        IBudgetLedger? budget = null,
        ILoggerFactory? loggerFactory = null,
        IEnumerable<ISensitiveDataDetector>? detectors = null,
        IAuditLog? audit = null,
        IPseudonymVault? vault = null,
        IRequestLog? requestLog = null,
        ProviderHealthMonitor? health = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(providerClients);
        EaioOptionsBinder.Validate(options);

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _budget = budget ?? new InMemoryBudgetLedger(BudgetLimits.From(options), _time);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<HybridRouterChatClient>();
        Policy = new RoutingPolicy(options.ResolveCatalog(), options);
        _governor = new BudgetGovernor(Policy, _budget, _logger, status => BudgetAlertRaised?.Invoke(this, new BudgetAlertEventArgs(status)), options.TenantBudgetsUsd.Keys);
        ISensitiveDataDetector[] detectorList = [.. detectors ?? []];
        _scanner = detectorList.Length > 0 ? new SensitiveDataScanner(detectorList, new Dictionary<string, DataSensitivity>(options.EntitySensitivity)) : null;
        _profiler = new RequestProfiler(options, ComplexityEstimator.Default, _scanner);
        _egress = new EgressGuard(detectorList, options.DataClassifications);
        IPseudonymVault vaultOrDefault = vault ?? new InMemoryPseudonymVault(timeProvider: _time);
        _masker = new PayloadMasker(vaultOrDefault, detectorList, new Dictionary<string, DataSensitivity>(options.EntitySensitivity), options.Pseudonymization);
        _marks = new CriticalConversationMarks(vaultOrDefault);
        _requestLog = requestLog;
        _health = health;
        if (options.AuditAllApiCalls && audit is not null)
        {
            _audit = audit;
            _hasher = new AuditPayloadHasher(options.AuditHmacKey is { } key ? System.Text.Encoding.UTF8.GetBytes(key) : System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            if (options.AuditHmacKey is null)
            {
                LogRandomHmacKey();
            }
        }
        else
        {
            LogAuditOff();
        }

        ConcurrencyLimiter local = Own(NeverIdleLimiter(options.MaxConcurrentLocal, options.MaxQueuedRequests));
        ConcurrencyLimiter api = Own(NeverIdleLimiter(options.MaxConcurrentApi, options.MaxQueuedRequests));

        CancellationSourcePool timeouts = new(_time);
        Dictionary<string, ProviderRoute> routes = new(StringComparer.OrdinalIgnoreCase);
        foreach (ProviderDescriptor provider in Policy.Catalog.Providers)
        {
            bool isLocal = provider.Tier == ProviderTier.Local;
            ProviderCircuitBreaker circuit = new(provider.Name, options.CircuitMinimumThroughput, options.CircuitBreakDuration, _time, isLocal ? options.LocalTotalTimeout : options.ApiTotalTimeout);
            if (!providerClients.TryGetValue(provider.Name, out IChatClient? client))
            {
                routes[provider.Name] = new ProviderRoute(provider, null, circuit, null, $"{provider.KeySetting ?? "its client"} is not set");
                continue;
            }

            RateLimiter requestRate = Own(new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = options.RequestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 6,
                QueueLimit = 0,
            }));
            ProviderResilience resilience = new()
            {
                Provider = provider.Name,
                FirstUpdateTimeout = isLocal ? options.LocalTimeout : options.ApiTimeout,
                TotalTimeout = isLocal ? options.LocalTotalTimeout : options.ApiTotalTimeout,
                TimeoutSetting = isLocal ? "LOCAL_TIMEOUT_SEC" : "API_TIMEOUT_SEC",
                ConcurrencySetting = isLocal ? "MAX_CONCURRENT_LOCAL" : "MAX_CONCURRENT_API",
                RequestRate = requestRate,
                RequestsPerMinute = options.RequestsPerMinute,
                Concurrency = isLocal ? local : api,
                Circuit = circuit,
                Time = _time,
                Timeouts = timeouts,
            };

            // The router never disposes these wrappers: the provider clients belong to whoever passed them in.
            ProviderResilienceChatClient guarded = new(new UsageNormalizingChatClient(client), resilience);
            Action<ChatOptions>? configure = provider.Name switch
            {
                EaioProviders.DeepSeek or EaioProviders.Mistral => ProviderClientFactory.UseMaxTokensField,
                _ => null,
            };
            RateLimiter? tokenRate = isLocal ? null : Own(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.TokensPerMinute,
                TokensPerPeriod = Math.Max(1, options.TokensPerMinute / 6),
                ReplenishmentPeriod = TimeSpan.FromSeconds(10),
                QueueLimit = 0,
            }));
            routes[provider.Name] = new ProviderRoute(provider, guarded, circuit, configure, null)
            {
                TokenRate = tokenRate,
                RequestRate = requestRate,
            };
        }

        _routes = routes.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _routeList = [.. _routes.Values];
        _configuredRoutes = [.. _routeList.Where(r => r.MissingReason is null)];
        _healthy = [.. _routeList.Select(r => r.MissingReason is null ? r.Available : new ProviderAvailability(r.Descriptor.Name, false, r.MissingReason))];
        _externalConfigured = _routeList.Any(r => r.MissingReason is null && r.Descriptor.Tier == ProviderTier.External);
        _health?.AttachCircuits(name => _routes.TryGetValue(name, out ProviderRoute? route) && route.MissingReason is null ? route.Circuit : null);
    }

    /// <summary>Gets how many plans the router keeps for reuse, for tests.</summary>
    internal int CachedPlans => _plans.Count;

    /// <summary>Gets the routing policy the router plans with.</summary>
    public RoutingPolicy Policy { get; }

    /// <summary>Gets the budget ledger external calls reserve on and settle to.</summary>
    public IBudgetLedger Budget => _budget;

    /// <summary>Occurs once per tenant and period when spending reaches <see cref="EaioHybridChatOptions.CostAlertThreshold"/>
    /// of the budget; it is also logged as a warning and counted in the <c>eaio.budget.alerts</c> metric.</summary>
    /// <remarks>Handlers run on the request's path, after its cost was settled: keep them short and do not throw.</remarks>
    public event EventHandler<BudgetAlertEventArgs>? BudgetAlertRaised;

    /// <summary>Plans a request without calling any model: the routes in order with their reasons, and every excluded provider with its reason.</summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options, with its <see cref="RequestProfile"/>.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The profile holds a value outside its range, or the options an Ollama <c>keep_alive</c> that is not a string.</exception>
    /// <remarks>
    /// It does not read the pseudonym vault: a conversation an earlier turn marked CRITICAL is planned as its messages
    /// alone say. <see cref="ExplainAsync"/> applies the mark, as a call does.
    /// </remarks>
    public RoutePlan Explain(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return PlanFor(_profiler.Resolve(messages, options));
    }

    /// <summary>
    /// Plans a request without calling any model, as a call plans it: a conversation that carried CRITICAL data in an
    /// earlier turn (see <see cref="CriticalConversationMarks"/>) stays local.
    /// </summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options, with its <see cref="RequestProfile"/>.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The profile holds a value outside its range, or the options an Ollama <c>keep_alive</c> that is not a string.</exception>
    public ValueTask<RoutePlan> ExplainAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ResolvedRequestProfile profile = _profiler.Resolve(messages, options);
        if (options?.ConversationId is null)
        {
            // No conversation, no mark to read: planned at once, without an async state machine.
            return new ValueTask<RoutePlan>(PlanFor(profile));
        }

        return PlanConversationAsync(profile, options, cancellationToken);
    }

    private async ValueTask<RoutePlan> PlanConversationAsync(ResolvedRequestProfile profile, ChatOptions options, CancellationToken cancellationToken) =>
        PlanFor(await RememberCriticalConversationAsync(profile, options, cancellationToken).ConfigureAwait(false));

    private RoutePlan PlanFor(ResolvedRequestProfile profile)
    {
        IReadOnlyList<ProviderHealth>? health = _health?.Current;
        bool healthy = true;
        foreach (ProviderRoute route in _configuredRoutes)
        {
            if (route.Circuit.UnavailableReason is not null || UnhealthyReason(health, route) is not null)
            {
                healthy = false;
                break;
            }
        }

        // A local-only request can take no external route, so what remains of the budget cannot change its plan; not
        // reading it saves the ledger a look-up and keeps such plans cached while external calls move the budget.
        BudgetSnapshot budget = profile.IsLocalOnly ? BudgetSnapshot.Unlimited : _budget.GetSnapshot(profile.TenantId);
        if (!healthy)
        {
            // A circuit is open or a health check failed: plan with the current reasons, and keep nothing (the reasons change).
            return Policy.Plan(profile, Availability(health), budget);
        }

        // With every configured provider available, the plan only depends on the profile and the budget: reuse it.
        PlanKey key = Policy.KeyFor(profile, budget, _externalConfigured);
        if (_plans.Find(profile, key) is { } cached)
        {
            return cached;
        }

        RoutePlan plan = Policy.Plan(profile, _healthy, budget);
        _plans.Add(key, plan);
        return plan;
    }

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Failures reach the caller through the task, as from an async method.
        try
        {
            ArgumentNullException.ThrowIfNull(messages);
            ValueTask<RoutePlan> planning = ExplainAsync(messages, options, cancellationToken);
            if (!planning.IsCompletedSuccessfully)
            {
                return PlanThenRouteAsync(planning, messages, options, cancellationToken);
            }

            RoutePlan plan = planning.Result;
            IReadOnlyList<PlannedRoute> routes = plan.Routes;
            if (routes.Count == 0 || routes[0].Tier != ProviderTier.Local || EaioMetrics.Source.HasListeners())
            {
                return RouteAsync(plan, messages, options, null, cancellationToken);
            }

            // A local first route has no budget, audit or placeholders: when its client answers at once (a cache, an
            // in-process model), the call ends here without the async machinery of RouteAsync, which otherwise takes over
            // the call as it is.
            PlannedRoute planned = routes[0];
            (ProviderResilienceChatClient client, ChatOptions attemptOptions) = Prepare(plan, planned, options, lastRoute: routes.Count == 1);
            long started = _time.GetTimestamp();
            ValueTask<ChatResponse> call = client.RespondAsync(messages, attemptOptions, cancellationToken);
            if (!call.IsCompletedSuccessfully)
            {
                return RouteAsync(plan, messages, options, new FirstCall(client, attemptOptions, started, call), cancellationToken);
            }

            ChatResponse response = call.Result;
            RouteAttempt[] attempts = [new(planned.Provider, planned.Model, _time.GetElapsedTime(started), null, null, null)];
            string? requestId = _requestLog is null ? null : NewId();
            return Task.FromResult(Answered(plan, planned, started, attempts, BudgetGovernor.Free(response.Usage), requestId, response, activity: null));
        }
#pragma warning disable CA1031 // Not handled: handed to the caller through the task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Task.FromException<ChatResponse>(ex);
        }
    }

    private async Task<ChatResponse> PlanThenRouteAsync(ValueTask<RoutePlan> planning, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        await RouteAsync(await planning.ConfigureAwait(false), messages, options, null, cancellationToken).ConfigureAwait(false);

    private async Task<ChatResponse> RouteAsync(
        RoutePlan plan, IEnumerable<ChatMessage> messages, ChatOptions? options, FirstCall? first, CancellationToken cancellationToken)
    {
        List<RouteAttempt>? attempts = null; // made on the first failure: most requests succeed at their first route
        Exception? last = null;
        using Activity? activity = EaioMetrics.Source.StartActivity("chat", ActivityKind.Client);
        string? requestId = _requestLog is null ? null : NewId();

        bool egressBlocked = false;
        IReadOnlyList<PlannedRoute> routes = plan.Routes;
        for (int r = 0; r < routes.Count; r++)
        {
            PlannedRoute planned = routes[r];
            if (egressBlocked && planned.Tier == ProviderTier.External)
            {
                (attempts ??= []).Add(SkippedAfterBlock(planned));
                continue;
            }

            // The first route's call may already be under way: GetResponseAsync started it and handed it over.
            FirstCall? handedOver = r == 0 ? first : null;
            (ProviderResilienceChatClient client, ChatOptions attemptOptions) = handedOver is { } f
                ? (f.Client, f.Options)
                : Prepare(plan, planned, options, lastRoute: r == routes.Count - 1);
            long started = handedOver?.Started ?? _time.GetTimestamp();
            Outgoing outgoing = new(messages, null, null);
            ChatResponse? response = null;
            CallBudget? budget = null;
            try
            {
                if (handedOver is { } call)
                {
                    // A local call: nothing to mask, guard or reserve, and nothing may stand between it and its await.
                    response = await call.Call.ConfigureAwait(false);
                }
                else
                {
                    outgoing = await PrepareOutgoingAsync(plan, planned, messages, attemptOptions, cancellationToken).ConfigureAwait(false);
                    GuardEgress(planned, outgoing, attemptOptions);
                    budget = await ReserveAsync(plan, planned, outgoing, attemptOptions, cancellationToken).ConfigureAwait(false);
                    response = await client.RespondAsync(outgoing.Messages, attemptOptions, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                last = ex;
                egressBlocked |= ex is PrivacyViolationException;
                CallCost? charged = await _governor.ReleaseOrChargeInputAsync(budget, ex).ConfigureAwait(false);
                await AttemptFailedAsync(plan, planned, outgoing, attemptOptions, started, ex, attempts ??= [], requestId, streamed: false, charged).ConfigureAwait(false);

                continue;
            }
            catch
            {
                // Cancelled by the caller before an answer: nothing is known to be billed, so the hold is released.
                await _governor.ReleaseAsync(budget).ConfigureAwait(false);
                RecordAttempt(plan, planned, started, new AttemptResult(RequestOutcome.Cancelled, "OperationCanceledException", null, null, attempts?.Count ?? 0, requestId, null, false));
                throw;
            }

            // Outside the try: the call has been answered, so a failure to record it fails the request instead of
            // sending it again to the next route.
            CallCost? cost = null;
            IReadOnlyList<RouteAttempt> all;
            try
            {
                RouteAttempt succeeded = new(planned.Provider, planned.Model, _time.GetElapsedTime(started), null, null, null);
                if (attempts is null)
                {
                    all = new[] { succeeded };
                }
                else
                {
                    attempts.Add(succeeded);
                    all = attempts;
                }

                cost = budget is null ? BudgetGovernor.Free(response.Usage) : await _governor.SettleAsync(budget, response.Usage, null).ConfigureAwait(false);
                await AuditAsync(plan, planned, outgoing, attemptOptions, started, "ok", cost).ConfigureAwait(false);

                // Restored only once the answer is paid for: a vault that fails here fails the request, it cannot make
                // the router release the hold and send the request, already billed, to the next route.
                if (outgoing.Masked is { } masked)
                {
                    response = masked.Restore(response);
                }
            }
            finally
            {
                if (outgoing.Masked is { } ended)
                {
                    await ended.EndAsync().ConfigureAwait(false);
                }
            }

            return Answered(plan, planned, started, all, cost, requestId, response, activity);
        }

        activity?.SetStatus(ActivityStatusCode.Error, nameof(NoRouteAvailableException));
        throw NoRoute(plan, attempts ?? [], last);
    }

    /// <summary>Attaches the route decision to an answered call and records it.</summary>
    /// <remarks>Shared by the answer that is there at once and <see cref="RouteAsync"/>, and kept out of the latter so its
    /// temporaries do not enlarge the async frame, which is zeroed on every call.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ChatResponse Answered(
        RoutePlan plan, PlannedRoute planned, long started, IReadOnlyList<RouteAttempt> all, CallCost? cost, string? requestId, ChatResponse response, Activity? activity)
    {
        RouteDecision decision = new(planned.Provider, planned.Model, planned.Tier, planned.Reasons, all, null, plan) { Cost = cost };
        (response.AdditionalProperties ??= [])[RouteDecision.PropertyKey] = decision;
        if (_requestLog is not null)
        {
            // The request log's key for quality feedback: the provider's id, or one of the router's when it gave none.
            response.ResponseId ??= NewId();
        }

        RecordAttempt(plan, planned, started, new AttemptResult(RequestOutcome.Succeeded, null, cost, null, all.Count - 1, requestId, response.ResponseId, false));
        Complete(activity, plan, decision);
        LogRouted(planned.Provider, planned.Model, all.Count);
        return response;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        RoutePlan plan = await ExplainAsync(messages, options, cancellationToken).ConfigureAwait(false);
        List<RouteAttempt> attempts = new(1);
        Exception? last = null;
        long requestStarted = _time.GetTimestamp();
        using Activity? activity = EaioMetrics.Source.StartActivity("chat", ActivityKind.Client);
        string? requestId = _requestLog is null ? null : NewId();
        string? responseId = null;

        bool egressBlocked = false;
        IReadOnlyList<PlannedRoute> routes = plan.Routes;
        for (int r = 0; r < routes.Count; r++)
        {
            PlannedRoute planned = routes[r];
            if (egressBlocked && planned.Tier == ProviderTier.External)
            {
                attempts.Add(SkippedAfterBlock(planned));
                continue;
            }

            (ProviderResilienceChatClient client, ChatOptions attemptOptions) = Prepare(plan, planned, options, lastRoute: r == routes.Count - 1);
            long started = _time.GetTimestamp();
            Outgoing outgoing = new(messages, null, null);
            CallBudget? budget;
            try
            {
                outgoing = await PrepareOutgoingAsync(plan, planned, messages, attemptOptions, cancellationToken).ConfigureAwait(false);
                GuardEgress(planned, outgoing, attemptOptions);
                budget = await ReserveAsync(plan, planned, outgoing, attemptOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PrivacyViolationException or BudgetExceededException or ProviderUnavailableException)
            {
                last = ex;
                egressBlocked |= ex is PrivacyViolationException;
                await AttemptFailedAsync(plan, planned, outgoing, attemptOptions, started, ex, attempts, requestId, streamed: true).ConfigureAwait(false);
                continue;
            }

            IAsyncEnumerator<ChatResponseUpdate> updates = client.GetStreamingResponseAsync(outgoing.Messages, attemptOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);

            // Leading updates without content (a role-only first chunk, an in-band error) are held back, so the route is
            // committed only by real output and a provider that fails before producing any can still be failed over.
            List<ChatResponseUpdate>? held = null;
            bool hasMore;
            try
            {
                while ((hasMore = await updates.MoveNextAsync().ConfigureAwait(false)) && !updates.Current.HasOutput())
                {
                    (held ??= []).Add(updates.Current);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                await DisposeQuietlyAsync(updates, planned).ConfigureAwait(false);
                last = ex;
                egressBlocked |= ex is PrivacyViolationException;
                CallCost? charged = await _governor.ReleaseOrChargeInputAsync(budget, ex).ConfigureAwait(false);
                await AttemptFailedAsync(plan, planned, outgoing, attemptOptions, started, ex, attempts, requestId, streamed: true, charged).ConfigureAwait(false);
                continue;
            }
            catch
            {
                await DisposeQuietlyAsync(updates, planned).ConfigureAwait(false);
                await _governor.ReleaseAsync(budget).ConfigureAwait(false);
                RecordAttempt(plan, planned, started, new AttemptResult(RequestOutcome.Cancelled, "OperationCanceledException", null, null, attempts.Count, requestId, null, true));
                throw;
            }

            // The first update with output commits the route: from here on nothing fails over.
            TimeSpan firstUpdate = _time.GetElapsedTime(started);
            attempts.Add(new RouteAttempt(planned.Provider, planned.Model, firstUpdate, hasMore ? firstUpdate : null, null, null));
            RouteDecision decision = new(planned.Provider, planned.Model, planned.Tier, planned.Reasons, attempts, _time.GetElapsedTime(requestStarted), plan);
            LogRouted(planned.Provider, planned.Model, attempts.Count);
            bool completed = false;

            // Set while the provider is awaited: a stream that ends early then failed there, else the caller stopped reading.
            bool awaitingProvider = false;
            CallCost? cost = null;
            StringBuilder? output = budget is null ? null : new StringBuilder();
            try
            {
                if (held is not null)
                {
                    foreach (ChatResponseUpdate update in held)
                    {
                        decision = await SettleOnUsageAsync(update, budget, decision, output).ConfigureAwait(false);
                        yield return Stamp(Identify(Restore(update, outgoing.Masked), ref responseId), decision);
                    }
                }

                if (hasMore)
                {
                    decision = await SettleOnUsageAsync(updates.Current, budget, decision, output).ConfigureAwait(false);
                    yield return Stamp(Identify(Restore(updates.Current, outgoing.Masked), ref responseId), decision);
                    awaitingProvider = true;
                    while (await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        awaitingProvider = false;
                        decision = await SettleOnUsageAsync(updates.Current, budget, decision, output).ConfigureAwait(false);
                        yield return Stamp(Identify(Restore(updates.Current, outgoing.Masked), ref responseId), decision);
                        awaitingProvider = true;
                    }

                    awaitingProvider = false;
                }

                if (outgoing.Masked?.Flush() is { Length: > 0 } tail)
                {
                    yield return Stamp(Identify(new ChatResponseUpdate(ChatRole.Assistant, tail), ref responseId), decision);
                }

                completed = true;
            }
            finally
            {
                // A stream that fails to close must not keep its call from being charged.
                await DisposeQuietlyAsync(updates, planned).ConfigureAwait(false);

                // Settled once: on its usage update, else here with what was used (broken off, cancelled) or the worst case.
                cost = decision.Cost;
                if (budget is not null && cost is null)
                {
                    cost = await _governor.SettleAsync(budget, null, completed ? null : output!.ToString()).ConfigureAwait(false);
                }

                // A streamed call is recorded when it ends, before the stream completes for the caller.
                await AuditAsync(plan, planned, outgoing, attemptOptions, started, completed ? "ok" : "failed after output", cost).ConfigureAwait(false);
                RequestOutcome outcome = completed ? RequestOutcome.Succeeded
                    : !awaitingProvider || cancellationToken.IsCancellationRequested ? RequestOutcome.Cancelled
                    : RequestOutcome.Failed;
                RecordAttempt(plan, planned, started, new AttemptResult(
                    outcome, outcome == RequestOutcome.Failed ? "stream failed after output" : null, cost, firstUpdate, attempts.Count - 1, requestId, responseId, true));
                if (completed)
                {
                    Complete(activity, plan, decision with { Cost = cost });
                }
                else
                {
                    activity?.SetStatus(ActivityStatusCode.Error, outcome == RequestOutcome.Failed ? "stream failed after output" : "cancelled");
                }
                if (outgoing.Masked is { } ended)
                {
                    await ended.EndAsync().ConfigureAwait(false);
                }
            }

            yield break;
        }

        activity?.SetStatus(ActivityStatusCode.Error, nameof(NoRouteAvailableException));
        throw NoRoute(plan, attempts, last);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? s_metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType == typeof(RoutingPolicy) ? Policy
            : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (IDisposable owned in _owned)
        {
            owned.Dispose();
        }
    }

    private (ProviderResilienceChatClient Client, ChatOptions Options) Prepare(RoutePlan plan, PlannedRoute planned, ChatOptions? options, bool lastRoute)
    {
        // Defence in depth: the policy never plans an external route for a local-only request; if it ever did, stop here.
        if (planned.Tier == ProviderTier.External && plan.Profile.IsLocalOnly)
        {
            throw new InvalidOperationException($"Refusing to send a local-only request to external provider '{planned.Provider}'.");
        }

        ProviderRoute route = RouteFor(planned);

        // The plan's last route, when local and without per-provider fixes, gets what the caller passed as any middleware
        // passes it on: the options themselves when they already name the model, or a copy that only names it and shares
        // everything else. A client may change the options it gets (MEAI allows it), so earlier routes get deep copies a
        // later route cannot see changed.
        if (options is not null && lastRoute && planned.Tier == ProviderTier.Local && route.Configure is null)
        {
            return string.Equals(options.ModelId, planned.Model, StringComparison.Ordinal)
                ? (route.Client!, options)
                : (route.Client!, WithModel(options, planned.Model));
        }

        // Otherwise each attempt gets its own copy: the model differs per route, and external routes get the output limit,
        // their fixes and masked instructions.
        ChatOptions attemptOptions = options?.Clone() ?? new ChatOptions();
        attemptOptions.ModelId = planned.Model;
        if (planned.Tier == ProviderTier.External)
        {
            // The output limit the budget holds for is the one the provider is told, so the hold is a true worst case.
            attemptOptions.MaxOutputTokens ??= plan.Profile.MaxOutputTokens;
        }

        route.Configure?.Invoke(attemptOptions);
        return (route.Client!, attemptOptions);
    }

    /// <summary>The route of a planned provider.</summary>
    /// <remarks>Plans name providers by the catalogue's own strings, so comparing references finds the route without the
    /// case-insensitive hash of a dictionary look-up; the dictionary stays for any other string.</remarks>
    private ProviderRoute RouteFor(PlannedRoute planned)
    {
        foreach (ProviderRoute route in _configuredRoutes)
        {
            if (ReferenceEquals(route.Descriptor.Name, planned.Provider))
            {
                return route;
            }
        }

        return _routes[planned.Provider];
    }

    /// <summary>A copy of <paramref name="options"/> naming <paramref name="model"/>, sharing its lists, dictionary and objects.</summary>
    /// <remarks>Four times cheaper than <see cref="ChatOptions.Clone"/>, which copies the additional properties that carry the
    /// profile. A test checks that every property of <see cref="ChatOptions"/> is copied, so a new one cannot be missed.</remarks>
    internal static ChatOptions WithModel(ChatOptions options, string model)
    {
        if (options.GetType() != typeof(ChatOptions))
        {
            // A derived type may carry more than this copies: let it clone itself.
            ChatOptions clone = options.Clone();
            clone.ModelId = model;
            return clone;
        }

        return new ChatOptions
        {
            ConversationId = options.ConversationId,
            Instructions = options.Instructions,
            Temperature = options.Temperature,
            MaxOutputTokens = options.MaxOutputTokens,
            TopP = options.TopP,
            TopK = options.TopK,
            FrequencyPenalty = options.FrequencyPenalty,
            PresencePenalty = options.PresencePenalty,
            Seed = options.Seed,
            Reasoning = options.Reasoning,
            ResponseFormat = options.ResponseFormat,
            ModelId = model,
            StopSequences = options.StopSequences,
            AllowMultipleToolCalls = options.AllowMultipleToolCalls,
            ToolMode = options.ToolMode,
            Tools = options.Tools,
            AllowBackgroundResponses = options.AllowBackgroundResponses,
            ContinuationToken = options.ContinuationToken,
            RawRepresentationFactory = options.RawRepresentationFactory,
            AdditionalProperties = options.AdditionalProperties,
        };
    }

    private ProviderAvailability[] Availability(IReadOnlyList<ProviderHealth>? health)
    {
        ProviderAvailability[] availability = new ProviderAvailability[_healthy.Length];
        for (int i = 0; i < availability.Length; i++)
        {
            ProviderRoute route = _routeList[i];
            availability[i] = route.MissingReason is null && (route.Circuit.UnavailableReason ?? UnhealthyReason(health, route)) is { } reason
                ? new ProviderAvailability(route.Descriptor.Name, false, reason)
                : _healthy[i];
        }

        return availability;
    }

    /// <summary>Why the health snapshot takes a configured provider out of plans (Ollama unreachable or its model not pulled), or <see langword="null"/>.</summary>
    private static string? UnhealthyReason(IReadOnlyList<ProviderHealth>? health, ProviderRoute route)
    {
        // Only probed providers count: an external provider's key and circuit are already the route's own state.
        if (health is null || route.Descriptor.Tier != ProviderTier.Local)
        {
            return null;
        }

        foreach (ProviderHealth entry in health)
        {
            if (entry.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy
                && string.Equals(entry.Provider, route.Descriptor.Name, StringComparison.OrdinalIgnoreCase))
            {
                return "health check: " + entry.Description;
            }
        }

        return null;
    }

    // Only external calls are audited: a local call returns at once, without an async state machine.
    private Task AuditAsync(
        RoutePlan plan, PlannedRoute planned, Outgoing outgoing, ChatOptions attemptOptions, long started, string outcome, CallCost? cost) =>
        _audit is null || planned.Tier != ProviderTier.External ? Task.CompletedTask : AppendAuditAsync(_audit, plan, planned, outgoing, attemptOptions, started, outcome, cost);

    private async Task AppendAuditAsync(
        IAuditLog audit, RoutePlan plan, PlannedRoute planned, Outgoing outgoing, ChatOptions attemptOptions, long started, string outcome, CallCost? cost)
    {
        // The record is durable before the caller sees the response; the caller's cancellation does not skip it.
        await audit.AppendAsync(
            new AuditEntry
            {
                Timestamp = _time.GetUtcNow(),
                RequestId = Guid.NewGuid().ToString("N"),
                // Building and conversation ids are identifiers like any other: the record keeps their keyed hashes.
                ConversationId = attemptOptions.ConversationId is { } conversation ? _hasher!.Hash(conversation) : null,
                TenantId = plan.Profile.TenantId,
                BuildingId = plan.Profile.BuildingId is { } building ? _hasher!.Hash(building) : null,
                Provider = planned.Provider,
                Model = planned.Model,
                Privacy = plan.Profile.Privacy,
                Sensitivity = plan.Profile.Sensitivity,
                Reasons = planned.Reasons,
                EntityCounts = outgoing.EntityCounts ?? s_noEntities,
                PayloadHmac = outgoing.Masked is null ? "none: nothing was sent" : _hasher!.Hash(outgoing.Messages),
                InputTokens = cost?.InputTokens,
                OutputTokens = cost?.OutputTokens,
                CostUsd = cost?.Usd ?? 0m,
                LatencyMs = _time.GetElapsedTime(started).TotalMilliseconds,
                Outcome = outcome,
            },
            CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Records a failed attempt: in the attempts, the log and the audit log, and ends its vault scope.</summary>
    private async Task AttemptFailedAsync(
        RoutePlan plan, PlannedRoute planned, Outgoing outgoing, ChatOptions attemptOptions, long started, Exception ex, List<RouteAttempt> attempts, string? requestId, bool streamed, CallCost? cost = null)
    {
        RecordAttempt(plan, planned, started, new AttemptResult(OutcomeOf(ex), ex.GetType().Name, cost, null, attempts.Count, requestId, null, streamed));
        if (ex is PrivacyViolationException)
        {
            EaioMetrics.PrivacyBlocks.Add(1, new KeyValuePair<string, object?>(EaioMetrics.ProviderTag, planned.Provider));
        }

        attempts.Add(Failed(planned, started, null, ex));
        LogAttemptFailed(planned.Provider, planned.Model, ex.GetType().Name, ex);
        await AuditAsync(plan, planned, outgoing, attemptOptions, started, Outcome(ex), cost).ConfigureAwait(false);
        if (outgoing.Masked is { } masked)
        {
            await masked.EndAsync().ConfigureAwait(false);
        }
    }

    private static string Outcome(Exception ex) => ex is PrivacyViolationException ? "blocked" : $"failed: {ex.GetType().Name}";

    /// <summary>
    /// Settles a streamed call on the update that carries its usage (the last one: usage is moved to the end of the stream),
    /// so that update's decision carries the cost; collects the text before it, to count what a stream cut short used.
    /// </summary>
    private async ValueTask<RouteDecision> SettleOnUsageAsync(ChatResponseUpdate update, CallBudget? budget, RouteDecision decision, StringBuilder? output)
    {
        if (decision.Cost is not null)
        {
            return decision;
        }

        foreach (AIContent content in update.Contents)
        {
            switch (content)
            {
                case UsageContent usage:
                    return decision with
                    {
                        Cost = budget is null ? BudgetGovernor.Free(usage.Details) : await _governor.SettleAsync(budget, usage.Details, null).ConfigureAwait(false),
                    };
                case TextContent text:
                    output?.Append(text.Text);
                    break;
                case TextReasoningContent reasoning:
                    output?.Append(reasoning.Text);
                    break;
            }
        }

        return decision;
    }

    /// <summary>Holds an external call's worst case on the budget and takes its tokens from the provider's token rate limit.</summary>
    // Local calls cost nothing and hold nothing: they return at once, without an async state machine.
    private ValueTask<CallBudget?> ReserveAsync(RoutePlan plan, PlannedRoute planned, Outgoing outgoing, ChatOptions attemptOptions, CancellationToken cancellationToken) =>
        planned.Tier == ProviderTier.External ? ReserveExternalAsync(plan, planned, outgoing, attemptOptions, cancellationToken) : default;

    private async ValueTask<CallBudget?> ReserveExternalAsync(RoutePlan plan, PlannedRoute planned, Outgoing outgoing, ChatOptions attemptOptions, CancellationToken cancellationToken)
    {
        CallBudget? budget = await _governor.ReserveAsync(plan.Profile.TenantId, planned, outgoing.Messages, attemptOptions, plan.Profile.MaxOutputTokens, cancellationToken).ConfigureAwait(false);
        if (budget is null || RouteFor(planned).TokenRate is not { } tokenRate)
        {
            return budget;
        }

        int tokens = budget.InputTokens + budget.MaxOutputTokens;
        string? refusal = null;
        if (tokens > _options.TokensPerMinute)
        {
            refusal = $"the call needs {tokens} tokens (input and output limit), more than PROVIDER_TOKENS_PER_MINUTE={_options.TokensPerMinute} allows in a minute";
        }
        else
        {
            using RateLimitLease lease = tokenRate.AttemptAcquire(tokens);
            if (!lease.IsAcquired)
            {
                refusal = $"its token rate limit is reached (PROVIDER_TOKENS_PER_MINUTE={_options.TokensPerMinute}; this call needs {tokens})";
            }
        }

        if (refusal is not null)
        {
            await _governor.ReleaseAsync(budget).ConfigureAwait(false);
            throw new ProviderUnavailableException(planned.Provider, refusal);
        }

        return budget;
    }

    /// <summary>
    /// For an external route: pseudonymise what leaves, keeping placeholders in the conversation's vault scope (see
    /// <see cref="PayloadMasker"/>, which <see cref="PseudonymizingChatClient"/> shares). Local routes send the messages as
    /// they are. A failure here blocks the call.
    /// </summary>
    private async ValueTask<Outgoing> PrepareOutgoingAsync(RoutePlan plan, PlannedRoute planned, IEnumerable<ChatMessage> messages, ChatOptions attemptOptions, CancellationToken cancellationToken)
    {
        if (planned.Tier != ProviderTier.External)
        {
            return new Outgoing(messages, null, null);
        }

        MaskedCall masked = await _masker.MaskAsync(
            planned.Provider, plan.Profile.TenantId, attemptOptions.ConversationId, messages, attemptOptions.Instructions, attemptOptions.Tools, cancellationToken).ConfigureAwait(false);
        masked.Apply(attemptOptions);
        return new Outgoing(masked.Messages, masked.EntityCounts, masked);
    }

    /// <summary>
    /// A conversation that once carried CRITICAL data stays CRITICAL for the life of its vault scope (see
    /// <see cref="CriticalConversationMarks"/>).
    /// </summary>
    private async ValueTask<ResolvedRequestProfile> RememberCriticalConversationAsync(ResolvedRequestProfile profile, ChatOptions options, CancellationToken cancellationToken)
    {
        if (options.ConversationId is not { } conversation)
        {
            return profile;
        }

        try
        {
            if (profile.Sensitivity == DataSensitivity.Critical)
            {
                await _marks.MarkAsync(profile.TenantId, conversation, cancellationToken).ConfigureAwait(false);
                return profile;
            }

            if (await _marks.IsMarkedAsync(profile.TenantId, conversation, cancellationToken).ConfigureAwait(false))
            {
                return profile with
                {
                    Sensitivity = DataSensitivity.Critical,
                    Notes = [.. profile.Notes, "CRITICAL: an earlier turn of this conversation carried CRITICAL data, so the conversation stays local"],
                };
            }
        }
#pragma warning disable CA1031 // Fail closed: a vault that cannot say whether the conversation is clean keeps it local.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return profile with
            {
                Sensitivity = DataSensitivity.Critical,
                Notes = [.. profile.Notes, $"CRITICAL: the conversation's history could not be read ({ex.GetType().Name}), so the request stays local"],
            };
        }

        return profile;
    }

    /// <summary>The egress guard's last look at exactly what would leave; local routes send nothing out.</summary>
    private void GuardEgress(PlannedRoute planned, Outgoing outgoing, ChatOptions attemptOptions)
    {
        if (planned.Tier == ProviderTier.External)
        {
            _egress.ThrowIfSensitive(planned.Provider, outgoing.Messages, attemptOptions, outgoing.Masked?.Originals);
        }
    }

    /// <summary>Restores a streamed update of a masked call; a local call's updates pass as they are.</summary>
    private static ChatResponseUpdate Restore(ChatResponseUpdate update, MaskedCall? masked) => masked?.Restore(update) ?? update;

    /// <summary>After the egress guard blocked one external route the payload is known to be unfit to leave: only local routes remain.</summary>
    private static RouteAttempt SkippedAfterBlock(PlannedRoute planned) =>
        new(planned.Provider, planned.Model, TimeSpan.Zero, null, nameof(PrivacyViolationException), "skipped: an earlier external route was blocked by the egress guard, so only local routes remain");

    private RouteAttempt Failed(PlannedRoute planned, long started, TimeSpan? firstUpdate, Exception ex) =>
        new(planned.Provider, planned.Model, _time.GetElapsedTime(started), firstUpdate, ex.GetType().Name, ex.Message);

    private NoRouteAvailableException NoRoute(RoutePlan plan, List<RouteAttempt> attempts, Exception? last)
    {
        NoRouteAvailableException exception = new(plan, attempts, last);
        LogNoRoute(exception.Message);
        return exception;
    }

    /// <summary>Closes a provider's stream; a failure to close is logged, never allowed to skip the settling or release that follows.</summary>
    private async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate> updates, PlannedRoute planned)
    {
        try
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Logged: the stream is over either way, and its cost still has to be settled.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStreamDisposeFailed(planned.Provider, planned.Model, ex.GetType().Name, ex);
        }
    }

    private static ChatResponseUpdate Stamp(ChatResponseUpdate update, RouteDecision decision)
    {
        (update.AdditionalProperties ??= [])[RouteDecision.PropertyKey] = decision;
        return update;
    }

    /// <summary>A concurrency limit of <paramref name="permits"/> whose limiter holds one more permit for its lifetime.</summary>
    /// <remarks>
    /// A <see cref="ConcurrencyLimiter"/> reads the clock each time its last permit comes back, to report how long it has been
    /// idle; nothing here reads that, and on a lightly loaded router it would cost every call a clock read. The held permit
    /// keeps it from ever being idle. Disposing the limiter ends the lease with it.
    /// </remarks>
    private static ConcurrencyLimiter NeverIdleLimiter(int permits, int queued)
    {
        ConcurrencyLimiter limiter = new(new ConcurrencyLimiterOptions
        {
            PermitLimit = permits < int.MaxValue ? permits + 1 : permits, // int.MaxValue is no limit either way
            QueueLimit = queued,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _ = limiter.AttemptAcquire();
        return limiter;
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>Counts an attempt in the metrics and queues it for the request log; never waits and never throws for the log.</summary>
    private void RecordAttempt(RoutePlan plan, PlannedRoute planned, long started, in AttemptResult result)
    {
        // Without a request log or a listener every figure below would be dropped: skip even reading the clock.
        bool measured = EaioMetrics.RequestInstrumentsEnabled;
        if (_requestLog is null && !measured)
        {
            return;
        }

        TimeSpan elapsed = _time.GetElapsedTime(started);
        double? utilization = _requestLog is not null || EaioMetrics.RateLimitUtilization.Enabled ? Utilization(planned) : null;
        if (measured)
        {
            Measure(plan, planned, result, elapsed, utilization);
        }

        _requestLog?.Record(new RequestLogEntry
        {
            RequestId = result.RequestId!,
            ResponseId = result.ResponseId,
            Timestamp = _time.GetUtcNow() - elapsed,
            Provider = planned.Provider,
            Model = planned.Model,
            Tier = planned.Tier,
            Privacy = plan.Profile.Privacy,
            Complexity = plan.Profile.Complexity,
            Outcome = result.Outcome,
            ErrorType = result.ErrorType,
            LatencyMs = elapsed.TotalMilliseconds,
            TimeToFirstTokenMs = result.FirstUpdate?.TotalMilliseconds,
            InputTokens = result.Cost?.InputTokens ?? 0,
            OutputTokens = result.Cost?.OutputTokens ?? 0,
            CostUsd = result.Cost?.Usd ?? 0m,
            Fallbacks = result.Fallbacks,
            RateLimitUtilization = utilization,
            Streamed = result.Streamed,
        });
    }

    /// <summary>The share of the provider's request rate limit in use, or <see langword="null"/> for a route without one.</summary>
    private double? Utilization(PlannedRoute planned) =>
        RouteFor(planned).RequestRate?.GetStatistics() is { } statistics
            ? Math.Clamp((double)(_options.RequestsPerMinute - statistics.CurrentAvailablePermits) / _options.RequestsPerMinute, 0, 1)
            : null;

    private static void Measure(RoutePlan plan, PlannedRoute planned, in AttemptResult result, TimeSpan elapsed, double? utilization)
    {
        TagList tags = new()
        {
            { "gen_ai.operation.name", "chat" },
            { EaioMetrics.ProviderTag, planned.Provider },
            { EaioMetrics.ModelTag, planned.Model },
            { EaioMetrics.PrivacyTag, EaioMetrics.PrivacyValue(plan.Profile.Privacy) },
        };
        if (result.ErrorType is { } errorType)
        {
            tags.Add("error.type", errorType);
        }

        EaioMetrics.OperationDuration.Record(elapsed.TotalSeconds, tags);
        TagList counted = tags;
        counted.Add("eaio.outcome", OutcomeValue(result.Outcome));
        EaioMetrics.Requests.Add(1, counted);
        if (result.Cost is { } cost)
        {
            TagList input = tags;
            input.Add("gen_ai.token.type", "input");
            EaioMetrics.TokenUsage.Record(cost.InputTokens, input);
            TagList output = tags;
            output.Add("gen_ai.token.type", "output");
            EaioMetrics.TokenUsage.Record(cost.OutputTokens, output);
        }

        if (result.FirstUpdate is { } firstUpdate)
        {
            EaioMetrics.TimeToFirstToken.Record(firstUpdate.TotalSeconds, tags);
        }

        if (result.Outcome == RequestOutcome.Succeeded && result.Fallbacks > 0)
        {
            EaioMetrics.Fallbacks.Add(result.Fallbacks, tags);
        }

        if (utilization is { } share)
        {
            EaioMetrics.RateLimitUtilization.Record(share, new KeyValuePair<string, object?>(EaioMetrics.ProviderTag, planned.Provider));
        }
    }

    /// <summary>With a request log, gives every streamed update the response's id: the provider's first one, or one of the router's.</summary>
    private ChatResponseUpdate Identify(ChatResponseUpdate update, ref string? responseId)
    {
        if (_requestLog is not null)
        {
            responseId ??= update.ResponseId ?? NewId();
            update.ResponseId ??= responseId;
        }

        return update;
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Names the span after the semantic conventions (<c>chat {model}</c>) and tags what served the request.</summary>
    private static void Complete(Activity? activity, RoutePlan plan, RouteDecision decision)
    {
        if (activity is null)
        {
            return;
        }

        activity.DisplayName = "chat " + decision.Model;
        activity.SetTag("gen_ai.operation.name", "chat");
        activity.SetTag(EaioMetrics.ProviderTag, decision.Provider);
        activity.SetTag(EaioMetrics.ModelTag, decision.Model);
        activity.SetTag(EaioMetrics.PrivacyTag, EaioMetrics.PrivacyValue(plan.Profile.Privacy));
        activity.SetTag("eaio.fallbacks", decision.Fallbacks);
        if (decision.Cost is { } cost)
        {
            activity.SetTag("gen_ai.usage.input_tokens", cost.InputTokens);
            activity.SetTag("gen_ai.usage.output_tokens", cost.OutputTokens);
            activity.SetTag("eaio.cost.usd", (double)cost.Usd);
        }
    }

    /// <summary>Who is at fault: the router refusing (blocked), the provider not answering (unavailable), or its answer (failed).</summary>
    private static RequestOutcome OutcomeOf(Exception ex) => ex switch
    {
        PrivacyViolationException or BudgetExceededException => RequestOutcome.Blocked,
        ProviderUnavailableException or HttpRequestException or TimeoutException or OperationCanceledException => RequestOutcome.Unavailable,
        _ => RequestOutcome.Failed,
    };

    private static string OutcomeValue(RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.Succeeded => "succeeded",
        RequestOutcome.Failed => "failed",
        RequestOutcome.Unavailable => "unavailable",
        RequestOutcome.Blocked => "blocked",
        _ => "cancelled",
    };

    [LoggerMessage(LogLevel.Debug, "Routed to {Provider}/{Model} after {Attempts} attempt(s).")]
    private partial void LogRouted(string provider, string model, int attempts);

    [LoggerMessage(LogLevel.Warning, "Closing the stream of {Provider}/{Model} failed with {ErrorType}; the call is settled anyway.")]
    private partial void LogStreamDisposeFailed(string provider, string model, string errorType, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Route {Provider}/{Model} failed with {ErrorType}; trying the next route of the plan.")]
    private partial void LogAttemptFailed(string provider, string model, string errorType, Exception exception);

    [LoggerMessage(LogLevel.Warning, "AUDIT_ALL_API_CALLS is off or no audit log is registered: external calls are not audited.")]
    private partial void LogAuditOff();

    [LoggerMessage(LogLevel.Warning, "AUDIT_HMAC_KEY is not set: the audit log's payload hashes use a random key made at start-up and cannot be compared across restarts.")]
    private partial void LogRandomHmacKey();

    [LoggerMessage(LogLevel.Error, "No route available: {Details}")]
    private partial void LogNoRoute(string details);

    private static readonly IReadOnlyDictionary<string, int> s_noEntities = new Dictionary<string, int>();

    /// <summary>What an attempt sends: the (pseudonymised) messages, how many values of each type were replaced, and the masked call to restore from.</summary>
    private readonly record struct Outgoing(IEnumerable<ChatMessage> Messages, IReadOnlyDictionary<string, int>? EntityCounts, MaskedCall? Masked);

    /// <summary>A local first route's call that <see cref="GetResponseAsync"/> started and <see cref="RouteAsync"/> finishes.</summary>
    private readonly record struct FirstCall(ProviderResilienceChatClient Client, ChatOptions Options, long Started, ValueTask<ChatResponse> Call);

    /// <summary>How an attempt ended, for the metrics and the request log.</summary>
    private readonly record struct AttemptResult(
        RequestOutcome Outcome, string? ErrorType, CallCost? Cost, TimeSpan? FirstUpdate, int Fallbacks, string? RequestId, string? ResponseId, bool Streamed);

    private sealed record ProviderRoute(
        ProviderDescriptor Descriptor,
        ProviderResilienceChatClient? Client,
        ProviderCircuitBreaker Circuit,
        Action<ChatOptions>? Configure,
        string? MissingReason)
    {
        /// <summary>Gets the snapshot entry of a healthy provider, made once because it never changes.</summary>
        public ProviderAvailability Available { get; } = new(Descriptor.Name, true);

        /// <summary>Gets the provider's tokens-per-minute limit; local routes have none.</summary>
        public RateLimiter? TokenRate { get; init; }

        /// <summary>Gets the provider's requests-per-minute limit, read for the rate-limit utilisation.</summary>
        public RateLimiter? RequestRate { get; init; }
    }
}
