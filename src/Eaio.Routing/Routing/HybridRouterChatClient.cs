using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eaio.Routing;

/// <summary>
/// The hybrid router: one <see cref="IChatClient"/> that profiles each request, plans its routes with
/// <see cref="RoutingPolicy"/>, and runs them in order, each through its provider's own middleware pipeline, with
/// privacy-safe failover; every response and update carries the <see cref="RouteDecision"/>.
/// </summary>
/// <remarks>
/// <para>
/// The router only plans and walks routes. Everything a call does on its way to a provider (masking and restoring,
/// the egress guard, the budget, rate limits, audit, the request log, time limits and circuit breaking) is middleware
/// of that provider's pipeline, which <c>AddEaioHybridChat</c> builds (see <c>docs/design.md</c>). At construction every
/// external route is checked: it must mask (<see cref="PseudonymizingChatClient"/>) before the egress guard
/// (<see cref="EgressGuardChatClient"/>), and the guard must be the last layer before <see cref="ProviderResilienceChatClient"/>,
/// so no composition can open a path around them.
/// </para>
/// <para>
/// Failover walks the plan and nothing else, so a provider the policy excluded (for privacy, budget, strategy or health)
/// is never tried. A call the provider answered is never sent again: a failure after the answer (settling, audit,
/// restoring) reaches the caller. A stream fails over only before its first update with output has been passed on. A
/// caller's cancellation is never failed over, and neither is an <see cref="EaioStorageException"/>: the budget ledger,
/// audit log or vault failing is the router's own failure, which another provider would meet too.
/// </para>
/// <para>
/// This is its own client rather than Microsoft.Extensions.AI's experimental <c>FailoverChatClient</c>: that class
/// seals its Get methods (so the route decision cannot be attached to responses and updates), fails over on every
/// exception to a fixed list, and leaves per-request plans and circuit state to the caller.
/// </para>
/// </remarks>
public sealed class HybridRouterChatClient : IChatClient
{
    private static readonly ChatClientMetadata s_metadata = new("eaio-hybrid");

    private readonly RouteTable _routes;
    private readonly RoutePlanner _planner;
    private readonly IBudgetLedger _budget;
    private readonly TimeProvider _time;
    private readonly AttemptClock _clock;
    private readonly RouteWalkLog _walk;
    private readonly IRequestLog? _requestLog;
    private readonly AdaptiveLearning? _learning;

    /// <summary>Initializes a new instance of the <see cref="HybridRouterChatClient"/> class.</summary>
    /// <param name="options">The router's configuration.</param>
    /// <param name="routes">Each provider's pipeline by provider name (see <see cref="EaioProviders"/>), as
    /// <c>AddEaioHybridChat</c> builds them; a provider of the catalogue without one is absent from every plan. The router
    /// does not dispose them.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="budget">The ledger plans read what remains of a budget from; the ledger of the routes'
    /// <see cref="BudgetChatClient"/> when <see langword="null"/>, else an <see cref="InMemoryBudgetLedger"/> with the options' budgets.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <param name="detectors">The detectors profiling runs to find a request's sensitivity; those of the routes'
    /// <see cref="PseudonymizingChatClient"/> when <see langword="null"/>.</param>
    /// <param name="vault">The vault whose conversation scopes remember that a conversation carried CRITICAL data; the routes'
    /// <see cref="PseudonymizingChatClient.Vault"/> when <see langword="null"/>, else an in-memory vault.</param>
    /// <param name="health">The provider health the router plans with (an unhealthy Ollama is out of plans); only configuration and circuits count when <see langword="null"/>.</param>
    /// <param name="feedback">Where the adaptive policy (<see cref="EaioHybridChatOptions.AdaptiveRouting"/>) keeps what it learnt; in memory when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="routes"/> is <see langword="null"/>.</exception>
    /// <exception cref="EaioConfigurationException">An option is out of range, or an external route does not mask before the
    /// egress guard or the guard is not the last layer before the provider's resilience; the message says what to add.</exception>
    public HybridRouterChatClient(
        EaioHybridChatOptions options,
        IReadOnlyDictionary<string, IChatClient> routes,
        TimeProvider? timeProvider = null,
        IBudgetLedger? budget = null,
        ILoggerFactory? loggerFactory = null,
        IEnumerable<ISensitiveDataDetector>? detectors = null,
        IPseudonymVault? vault = null,
        ProviderHealthMonitor? health = null,
        IRoutingFeedbackStore? feedback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(routes);
        EaioOptionsBinder.Validate(options);

        _time = timeProvider ?? TimeProvider.System;
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<HybridRouterChatClient>();
        _clock = new AttemptClock(_time);
        _walk = new RouteWalkLog(logger, _time);
        Policy = new RoutingPolicy(options.ResolveCatalog(), options);
        _routes = new RouteTable(Policy.Catalog, routes);

        // What is not passed is taken from the routes, so planning reads the budget the routes spend, profiles with the
        // detectors they mask with, and reads the CRITICAL marks from the vault masking writes them to.
        IChatClient[] pipelines = [.. _routes.Configured.Select(r => r.Pipeline!)];
        PseudonymizingChatClient? masking = pipelines.Select(PseudonymizingChatClient.Find).FirstOrDefault(m => m is not null);
        _budget = budget
            ?? pipelines.Select(p => p.GetService<BudgetChatClient>()?.Ledger).FirstOrDefault(l => l is not null)
            ?? new InMemoryBudgetLedger(BudgetLimits.From(options), _time);
        ISensitiveDataDetector[] detectorList = [.. detectors ?? masking?.Detectors ?? []];
        RequestProfiler profiler = new(
            options,
            ComplexityEstimator.Default,
            detectorList.Length > 0 ? new SensitiveDataScanner(detectorList, new Dictionary<string, DataSensitivity>(options.EntitySensitivity)) : null);
        CriticalConversationMarks marks = new(vault ?? masking?.Vault ?? new InMemoryPseudonymVault(timeProvider: _time));
        _requestLog = pipelines.Select(p => p.GetService<RequestLogChatClient>()?.RequestLog).FirstOrDefault(l => l is not null);
        // With the adaptive policy the threshold applies to its score, which adds the category's gain to the complexity.
        ComplexityCalibration? calibration = options.ComplexityStrongShare is not { } share ? null
            : options.AdaptiveRouting ? new ComplexityCalibration(share, AdaptivePolicy.MinScore, AdaptivePolicy.MaxScore)
            : new ComplexityCalibration(share);
        _learning = options.AdaptiveRouting ? new AdaptiveLearning(feedback ?? new InMemoryRoutingFeedbackStore(), _time, logger) : null;
        RoutingAdvisor? advisor = calibration is null && _learning is null ? null : new RoutingAdvisor(calibration, _learning);
        _planner = new RoutePlanner(Policy, profiler, _routes, _budget, marks, health, advisor);
        foreach (RouteTable.Route route in _routes.Configured)
        {
            if (route.Pipeline!.GetService<BudgetChatClient>() is { } governed)
            {
                governed.BudgetAlertRaised += (_, e) => BudgetAlertRaised?.Invoke(this, e);
            }
        }

        health?.AttachCircuits(name => _routes.Find(name)?.Circuit);
    }

    /// <summary>Gets how many plans the router keeps for reuse, for tests.</summary>
    internal int CachedPlans => _planner.CachedPlans;

    /// <summary>Gets the routing policy the router plans with.</summary>
    public RoutingPolicy Policy { get; }

    /// <summary>Gets the budget ledger plans read what remains from.</summary>
    public IBudgetLedger Budget => _budget;

    /// <summary>Occurs once per tenant and period when spending reaches <see cref="EaioHybridChatOptions.CostAlertThreshold"/>
    /// of the budget on any route; it is also logged as a warning and counted in the <c>eaio.budget.alerts</c> metric.</summary>
    /// <remarks>Handlers run on the request's path, after its cost was settled: keep them short and do not throw.</remarks>
    public event EventHandler<BudgetAlertEventArgs>? BudgetAlertRaised;

    /// <summary>Records a user's score of a response: in the request log (the optimisation report's quality and acceptance
    /// by category) and, with <see cref="EaioHybridChatOptions.AdaptiveRouting"/> on, for the adaptive policy, which learns
    /// it under the request's category and the tier that answered.</summary>
    /// <param name="response">A response the router returned (it carries its <see cref="RouteDecision"/>).</param>
    /// <param name="score">The score, from 0 (useless) to 1 (perfect); for accepted or rejected, 1 or 0.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="true"/> when the response was found in the request log.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The response did not come through this router (it has no route decision).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is not from 0 to 1.</exception>
    public Task<bool> RecordFeedbackAsync(ChatResponse response, double score, CancellationToken cancellationToken = default) =>
        RecordFeedbackAsync(RoutingFeedbackTicket.Of(response), score, cancellationToken);

    /// <summary>Records a user's score of a response the host no longer holds, by its <see cref="RoutingFeedbackTicket"/>,
    /// as <see cref="RecordFeedbackAsync(ChatResponse, double, CancellationToken)"/> does.</summary>
    /// <param name="ticket">The response's ticket (<see cref="RoutingFeedbackTicket.Of(ChatResponse)"/>).</param>
    /// <param name="score">The score, from 0 (useless) to 1 (perfect); for accepted or rejected, 1 or 0.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="true"/> when the response was found in the request log.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket's category is empty or longer than 200 characters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is not from 0 to 1.</exception>
    public async Task<bool> RecordFeedbackAsync(RoutingFeedbackTicket ticket, double score, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        RoutingFeedback.Validate(ticket.Category, score);

        bool logged = ticket.ResponseId is { } id && _requestLog is not null
            && await _requestLog.RecordFeedbackAsync(id, score, cancellationToken).ConfigureAwait(false);
        if (_learning is not null)
        {
            await _learning.RecordAsync(ticket.Category, ticket.Tier, score, cancellationToken).ConfigureAwait(false);
        }

        return logged;
    }

    /// <summary>Re-reads what the adaptive policy learnt from its store now, rather than at its next periodic read (every 30 s),
    /// for example after other hosts sharing the store recorded feedback.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the state is read; at once when the adaptive policy is off.</returns>
    public Task RefreshLearningAsync(CancellationToken cancellationToken = default) =>
        _learning?.RefreshAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Plans a request without calling any model: the routes in order with their reasons, and every excluded provider with its reason.</summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options, with its <see cref="RequestProfile"/>.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The profile holds a value outside its range, or the options an Ollama <c>keep_alive</c> that is not a string.</exception>
    /// <remarks>
    /// It does not read the pseudonym vault: a conversation an earlier turn marked CRITICAL is planned as its messages
    /// alone say. <see cref="ExplainAsync"/> applies the mark, as a call does. When the budget ledger must read its store
    /// for what remains, this thread waits for it: on a request path, use <see cref="ExplainAsync"/>.
    /// </remarks>
    public RoutePlan Explain(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return _planner.Plan(messages, options);
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
        return _planner.PlanAsync(messages, options, record: false, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Failures reach the caller through the task, as from an async method.
        try
        {
            ArgumentNullException.ThrowIfNull(messages);
            ValueTask<RoutePlan> planning = _planner.PlanAsync(messages, options, record: true, cancellationToken);
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
            // in-process model), the call ends here without the async machinery of RouteAsync.
            RouteCall attempt = RouteCall.Prepare(_routes, plan, routes[0], options, lastRoute: routes.Count == 1, fallbacks: 0, requestId: RouteCall.NewRequestId(_routes, routes[0]));
            long started = _clock.Now();
            Task<ChatResponse> call;
            try
            {
                call = attempt.Pipeline.GetResponseAsync(messages, attempt.Options, cancellationToken);
            }
#pragma warning disable CA1031 // Not handled: a client that throws instead of returning a faulted task fails over like one that does.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                call = Task.FromException<ChatResponse>(ex);
            }

            if (!call.IsCompletedSuccessfully)
            {
                return RouteAsync(plan, messages, options, new FirstCall(attempt, started, call), cancellationToken);
            }

            RouteAttempt[] attempts = [new(attempt.Planned.Provider, attempt.Planned.Model, _clock.Since(started), null, null, null)];
            return Task.FromResult(Answered(plan, attempt, attempts, call.Result, activity: null));
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
        string? requestId = first?.Attempt.Context?.RequestId; // every attempt of a request under one id
        bool egressBlocked = false;
        IReadOnlyList<PlannedRoute> routes = plan.Routes;
        for (int r = 0; r < routes.Count; r++)
        {
            PlannedRoute planned = routes[r];
            if (egressBlocked && planned.Tier == ProviderTier.External)
            {
                (attempts ??= []).Add(RouteWalkLog.SkippedAfterBlock(planned));
                continue;
            }

            // The first route's call may already be under way: GetResponseAsync started it and handed it over.
            FirstCall? handedOver = r == 0 ? first : null;
            RouteCall attempt = handedOver?.Attempt ?? RouteCall.Prepare(_routes, plan, planned, options, r == routes.Count - 1, attempts?.Count ?? 0, requestId ??= RouteCall.NewRequestId(_routes, planned));
            long started = handedOver?.Started ?? _clock.Now();
            ChatResponse response;
            try
            {
                response = await (handedOver?.Call ?? attempt.Pipeline.GetResponseAsync(messages, attempt.Options, cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && attempt.Context?.ProviderAnswered != true && ex is not EaioStorageException)
            {
                last = ex;
                egressBlocked |= ex is PrivacyViolationException;
                (attempts ??= []).Add(_walk.Failed(planned, _clock.Since(started), ex));
                continue;
            }
            catch (Exception ex)
            {
                // Cancelled by the caller, failed after the provider answered, or the router's own store failed (the
                // next provider would meet the same store): the call is not sent again.
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                throw;
            }

            RouteAttempt succeeded = new(planned.Provider, planned.Model, _clock.Since(started), null, null, null);
            IReadOnlyList<RouteAttempt> all = attempts is null ? [succeeded] : [.. attempts, succeeded];
            return Answered(plan, attempt, all, response, activity);
        }

        activity?.SetStatus(ActivityStatusCode.Error, nameof(NoRouteAvailableException));
        throw _walk.NoRoute(plan, attempts ?? [], last);
    }

    /// <summary>Attaches the route decision to an answered call.</summary>
    /// <remarks>Kept out of <see cref="RouteAsync"/> so its temporaries do not enlarge the async frame, which is zeroed on every call.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ChatResponse Answered(RoutePlan plan, RouteCall attempt, IReadOnlyList<RouteAttempt> all, ChatResponse response, Activity? activity)
    {
        PlannedRoute planned = attempt.Planned;
        RouteDecision decision = new(planned.Provider, planned.Model, planned.Tier, planned.Reasons, all, null, plan)
        {
            Cost = attempt.Context?.Cost ?? BudgetGovernor.Free(response.Usage),
        };
        (response.AdditionalProperties ??= [])[RouteDecision.PropertyKey] = decision;
        RouteDecisionStamp.Complete(activity, plan, decision);
        _walk.Answered(planned, all);
        return response;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        RoutePlan plan = await _planner.PlanAsync(messages, options, record: true, cancellationToken).ConfigureAwait(false);
        List<RouteAttempt> attempts = new(1);
        Exception? last = null;
        long requestStarted = _time.GetTimestamp();
        using Activity? activity = EaioMetrics.Source.StartActivity("chat", ActivityKind.Client);
        string? requestId = null;
        bool egressBlocked = false;
        IReadOnlyList<PlannedRoute> routes = plan.Routes;
        for (int r = 0; r < routes.Count; r++)
        {
            PlannedRoute planned = routes[r];
            if (egressBlocked && planned.Tier == ProviderTier.External)
            {
                attempts.Add(RouteWalkLog.SkippedAfterBlock(planned));
                continue;
            }

            RouteCall attempt = RouteCall.Prepare(_routes, plan, planned, options, r == routes.Count - 1, attempts.Count, requestId ??= RouteCall.NewRequestId(_routes, planned));
            long started = _time.GetTimestamp();
            IAsyncEnumerator<ChatResponseUpdate> updates = RouteStreams.Open(attempt.Pipeline, messages, attempt.Options, cancellationToken);
            List<ChatResponseUpdate>? held;
            bool hasMore;
            try
            {
                (held, hasMore) = await RouteStreams.UntilOutputAsync(updates).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not EaioStorageException)
            {
                await _walk.DisposeQuietlyAsync(updates, planned).ConfigureAwait(false);
                last = ex;
                egressBlocked |= ex is PrivacyViolationException;
                attempts.Add(_walk.Failed(planned, _time.GetElapsedTime(started), ex));
                continue;
            }
            catch
            {
                await _walk.DisposeQuietlyAsync(updates, planned).ConfigureAwait(false);
                throw;
            }

            // The first update with output commits the route: from here on nothing fails over.
            RouteDecision decision = _walk.Commit(plan, planned, attempts, started, requestStarted, hasMore);
            bool completed = false;
            try
            {
                foreach (ChatResponseUpdate update in held ?? [])
                {
                    yield return RouteDecisionStamp.Stamp(update, ref decision, attempt.Context);
                }

                if (hasMore)
                {
                    yield return RouteDecisionStamp.Stamp(updates.Current, ref decision, attempt.Context);
                    while (await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield return RouteDecisionStamp.Stamp(updates.Current, ref decision, attempt.Context);
                    }
                }

                completed = true;
            }
            finally
            {
                await _walk.DisposeQuietlyAsync(updates, planned).ConfigureAwait(false);
                RouteDecisionStamp.EndStream(activity, plan, decision with { Cost = attempt.Context?.Cost ?? decision.Cost }, completed, cancellationToken.IsCancellationRequested);
            }

            yield break;
        }

        activity?.SetStatus(ActivityStatusCode.Error, nameof(NoRouteAvailableException));
        throw _walk.NoRoute(plan, attempts, last);
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

    /// <summary>Gets the pipeline of one route, for example to read its circuit or its budget layer.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <returns>The route's pipeline, or <see langword="null"/> when the provider has none.</returns>
    public IChatClient? GetRoute(string provider) => _routes.Find(provider)?.Pipeline;

    /// <summary>Brings a provider that plans leave out for using more output than its limits back into plans: its count of
    /// such calls (<see cref="BudgetChatClient.OutputLimitOverruns"/>) starts again from 0.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <returns><see langword="true"/> when the provider's route has a budget layer whose count was reset.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> is <see langword="null"/>.</exception>
    public bool ResetOutputLimitOverruns(string provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (_routes.Find(provider)?.Overruns is not { } overruns)
        {
            return false;
        }

        overruns.Reset();
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>The routes' pipelines belong to whoever built them (<c>AddEaioHybridChat</c>'s container): they are not disposed here.</remarks>
    public void Dispose()
    {
    }

    /// <summary>A local first route's call that <see cref="GetResponseAsync"/> started and <see cref="RouteAsync"/> finishes.</summary>
    private sealed record FirstCall(RouteCall Attempt, long Started, Task<ChatResponse> Call);
}
