using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eaio.Routing;

/// <summary>
/// Checks the providers (Ollama reachable and its default model pulled with <c>GET /api/tags</c>, external API keys set)
/// and keeps the result in an <see cref="IMemoryCache"/>, refreshed in the background; the router plans with it.
/// </summary>
/// <remarks>
/// The request path only reads the cached snapshot (<see cref="Current"/>), so a slow or dead Ollama never delays a request.
/// Before the first check, and if refreshing stops for three intervals, there is no snapshot and nothing is taken out of plans
/// (unknown is not unhealthy); a request then starts a refresh in the background.
/// </remarks>
public sealed partial class ProviderHealthMonitor : IDisposable
{
    private readonly object _cacheKey = new();
    private readonly EaioHybridChatOptions _options;
    private readonly ProviderCatalog _catalog;
    private readonly HttpClient _ollama;
    private readonly IMemoryCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer? _timer;
    private Func<string, ProviderCircuitBreaker?>? _circuits;
    private readonly Lock _refreshGate = new();
    private Task<IReadOnlyList<ProviderHealth>>? _refresh; // the checks in flight (or the last ones), shared by the timer and every waiting caller
    private bool _checking; // guarded by _refreshGate: _refresh is running and will still see a newer tick
    private long _ticks;    // guarded by _refreshGate: timer ticks so far
    private readonly ConcurrentDictionary<string, HealthStatus> _localStatus = new(StringComparer.Ordinal); // the last status logged about, per local provider
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="ProviderHealthMonitor"/> class and starts refreshing in the background.</summary>
    /// <param name="options">The router's configuration: Ollama's address and default model, the API keys.</param>
    /// <param name="ollamaClient">The HTTP client for Ollama's API; not disposed by the monitor.</param>
    /// <param name="cache">Where the snapshot is kept.</param>
    /// <param name="timeProvider">The clock for the refresh timer and check times; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where Ollama going down (a warning) and coming back (information) is reported, once per change, or <see langword="null"/>.</param>
    /// <param name="refreshInterval">How often to check (default 30 seconds); <see cref="Timeout.InfiniteTimeSpan"/> checks only when asked.</param>
    /// <param name="checkTimeout">How long one check may take (default 5 seconds).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public ProviderHealthMonitor(
        EaioHybridChatOptions options,
        HttpClient ollamaClient,
        IMemoryCache cache,
        TimeProvider? timeProvider = null,
        ILogger<ProviderHealthMonitor>? logger = null,
        TimeSpan? refreshInterval = null,
        TimeSpan? checkTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ollamaClient);
        ArgumentNullException.ThrowIfNull(cache);

        _options = options;
        _catalog = options.ResolveCatalog();
        _ollama = ollamaClient;
        _cache = cache;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        RefreshInterval = refreshInterval ?? TimeSpan.FromSeconds(30);
        CheckTimeout = checkTimeout ?? TimeSpan.FromSeconds(5);
        if (RefreshInterval != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RefreshInterval, TimeSpan.Zero, nameof(refreshInterval));
            _timer = _time.CreateTimer(static state => ((ProviderHealthMonitor)state!).RefreshInBackground(tick: true), this, TimeSpan.Zero, RefreshInterval);
        }
    }

    /// <summary>Gets how often the providers are checked in the background.</summary>
    public TimeSpan RefreshInterval { get; }

    /// <summary>Gets how long one check may take.</summary>
    public TimeSpan CheckTimeout { get; }

    /// <summary>Gets the cached snapshot, or <see langword="null"/> before the first check completed (a check is then started).</summary>
    public IReadOnlyList<ProviderHealth>? Current
    {
        get
        {
            if (_cache.TryGetValue(_cacheKey, out IReadOnlyList<ProviderHealth>? snapshot))
            {
                return snapshot;
            }

            if (!_disposed)
            {
                RefreshInBackground(tick: false);
            }

            return null;
        }
    }

    /// <summary>Gets the cached snapshot with every circuit's current state, checking first when there is none.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>One entry per provider of the catalogue.</returns>
    public async Task<IReadOnlyList<ProviderHealth>> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        // Without a snapshot every health check of a probe would check Ollama at once: they wait for one shared check instead.
        IReadOnlyList<ProviderHealth> snapshot = _cache.TryGetValue(_cacheKey, out IReadOnlyList<ProviderHealth>? cached) && cached is not null
            ? cached
            : await SharedRefresh().WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. snapshot.Select(WithCircuit)];
    }

    /// <summary>Checks every provider now and replaces the cached snapshot.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The new snapshot, one entry per provider of the catalogue.</returns>
    public async Task<IReadOnlyList<ProviderHealth>> RefreshAsync(CancellationToken cancellationToken = default)
    {
        List<ProviderHealth> snapshot = [];
        foreach (ProviderDescriptor provider in _catalog.Providers)
        {
            snapshot.Add(provider.Tier == ProviderTier.Local
                ? await CheckOllamaAsync(provider.Name, cancellationToken).ConfigureAwait(false)
                : CheckKey(provider));
        }

        LogChanges(snapshot);

        // Kept for three intervals: a refresh that stops (a hung check) lets the snapshot lapse to "unknown" rather than stay stale.
        TimeSpan lifetime = RefreshInterval == Timeout.InfiniteTimeSpan ? TimeSpan.FromDays(1) : RefreshInterval * 3;
        _cache.Set(_cacheKey, (IReadOnlyList<ProviderHealth>)snapshot, lifetime);
        return snapshot;
    }

    /// <summary>Stops the background refresh; reading <see cref="Current"/> afterwards starts no check.</summary>
    public void Dispose()
    {
        _disposed = true;
        _timer?.Dispose();
    }

    /// <summary>Lets the health report show the router's circuit states; called by the router that plans with this monitor.</summary>
    internal void AttachCircuits(Func<string, ProviderCircuitBreaker?> circuits) => _circuits = circuits;

    private ProviderHealth WithCircuit(ProviderHealth health)
    {
        if (_circuits?.Invoke(health.Provider) is not { } circuit)
        {
            return health;
        }

        string state = circuit.State switch
        {
            CircuitState.Closed => "closed",
            CircuitState.Open => "open",
            CircuitState.Isolated => "isolated",
            _ => "half-open",
        };
        return circuit.UnavailableReason is { } reason && health.Status == HealthStatus.Healthy
            ? health with { Status = HealthStatus.Degraded, Description = $"{health.Description}; {reason}", Circuit = state }
            : health with { Circuit = state };
    }

    /// <summary>Gets the checks in flight, or the last ones; lets a test wait for a check the timer started.</summary>
    internal Task<IReadOnlyList<ProviderHealth>>? LastChecks
    {
        get
        {
            lock (_refreshGate)
            {
                return _refresh;
            }
        }
    }

    /// <summary>Starts checking unless checks are in flight, and returns the ones that are.</summary>
    private Task<IReadOnlyList<ProviderHealth>> SharedRefresh() => SharedRefresh(tick: false, out _);

    private Task<IReadOnlyList<ProviderHealth>> SharedRefresh(bool tick, out bool started)
    {
        lock (_refreshGate)
        {
            if (tick)
            {
                _ticks++;
            }

            started = !_checking;
            if (started)
            {
                // No caller's token: the check is shared, and one caller giving up must not cancel it for the others.
                _checking = true;
                _refresh = Task.Run(CheckUntilCurrentAsync);
            }

            return _refresh!;
        }
    }

    /// <summary>
    /// Checks, and checks again while a timer tick came during the check: a check in flight may have read Ollama before
    /// the tick, and sharing it would leave the tick without a look at the providers for a whole interval.
    /// </summary>
    private async Task<IReadOnlyList<ProviderHealth>> CheckUntilCurrentAsync()
    {
        try
        {
            while (true)
            {
                long ticks;
                lock (_refreshGate)
                {
                    ticks = _ticks;
                }

                IReadOnlyList<ProviderHealth> snapshot = await RefreshAsync().ConfigureAwait(false);
                lock (_refreshGate)
                {
                    if (ticks == _ticks || _disposed)
                    {
                        _checking = false;
                        return snapshot;
                    }
                }
            }
        }
        catch
        {
            lock (_refreshGate)
            {
                _checking = false;
            }

            throw;
        }
    }

    private void RefreshInBackground(bool tick)
    {
        if (_disposed)
        {
            return;
        }

        // Only the caller that started checking observes it, so a failing check is logged once, not once per timer tick
        // or snapshot miss while it runs.
        Task refresh = SharedRefresh(tick, out bool started);
        if (started)
        {
            _ = ObserveAsync(refresh);
        }

        async Task ObserveAsync(Task refresh)
        {
            try
            {
                await refresh.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A background refresh must not take the process down; the next one tries again.
            catch (Exception ex) when (ex is not ObjectDisposedException)
#pragma warning restore CA1031
            {
                LogRefreshFailed(ex);
            }
            catch (ObjectDisposedException)
            {
                // The host is shutting down and disposed the cache under a refresh: nothing to report.
            }
        }
    }

    private ProviderHealth CheckKey(ProviderDescriptor provider)
    {
        bool configured = _options.GetExternal(provider.Name)?.IsConfigured == true;
        return new ProviderHealth(
            provider.Name,
            provider.Tier,
            configured ? HealthStatus.Healthy : HealthStatus.Unhealthy,
            configured ? "API key set" : $"{provider.KeySetting ?? "its API key"} is not set: the provider is out of every plan",
            _time.GetUtcNow());
    }

    private async Task<ProviderHealth> CheckOllamaAsync(string name, CancellationToken cancellationToken)
    {
        string model = _options.Ollama.DefaultModel;
        Uri tags = new(_options.Ollama.BaseUrl, "api/tags");
        DateTimeOffset checkedAt = _time.GetUtcNow();
        using CancellationTokenSource timeout = new(CheckTimeout, _time);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        OllamaTags? answer;
        try
        {
            using HttpResponseMessage response = await _ollama.GetAsync(tags, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new ProviderHealth(name, ProviderTier.Local, HealthStatus.Unhealthy,
                    string.Create(CultureInfo.InvariantCulture, $"Ollama at {_options.Ollama.BaseUrl} answered {(int)response.StatusCode} to GET /api/tags; check OLLAMA_BASE_URL"), checkedAt);
            }

            answer = await response.Content.ReadFromJsonAsync<OllamaTags>(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            string why = ex is OperationCanceledException ? $"no answer within {CheckTimeout.TotalSeconds:0.#} s" : ex.Message;
            return new ProviderHealth(name, ProviderTier.Local, HealthStatus.Unhealthy,
                $"Ollama is not reachable at {_options.Ollama.BaseUrl} ({why}): start it with `ollama serve`, or check OLLAMA_BASE_URL", checkedAt);
        }

        string[] models = [.. (answer?.Models ?? []).Select(m => m.Name ?? m.Model).OfType<string>()];

        // Ollama lists an untagged model as "name:latest".
        bool pulled = models.Any(m => string.Equals(m, model, StringComparison.OrdinalIgnoreCase)
            || (!model.Contains(':', StringComparison.Ordinal) && string.Equals(m, model + ":latest", StringComparison.OrdinalIgnoreCase)));
        return pulled
            ? new ProviderHealth(name, ProviderTier.Local, HealthStatus.Healthy, $"reachable at {_options.Ollama.BaseUrl}; {model} is pulled ({models.Length} model(s))", checkedAt) { Models = models }
            : new ProviderHealth(name, ProviderTier.Local, HealthStatus.Unhealthy,
                $"reachable at {_options.Ollama.BaseUrl}, but the default model {model} (OLLAMA_DEFAULT_MODEL) is not pulled: run `ollama pull {model}`", checkedAt) { Models = models };
    }

    /// <summary>
    /// Logs a local provider's change between serving and not, once: a check every interval while Ollama stays down must
    /// not repeat the same warning. External providers' health is whether their key is set, which does not change while
    /// the process runs; a provider without a key is simply out of plans, which <c>explain</c> reports.
    /// </summary>
    private void LogChanges(List<ProviderHealth> snapshot)
    {
        foreach (ProviderHealth health in snapshot.Where(h => h.Tier == ProviderTier.Local))
        {
            // Before the first check the provider is presumed up, so a healthy first check says nothing.
            HealthStatus before = HealthStatus.Healthy;
            _localStatus.AddOrUpdate(health.Provider, health.Status, (_, previous) =>
            {
                before = previous;
                return health.Status;
            });
            if (before == health.Status)
            {
                continue;
            }

            if (health.Status == HealthStatus.Healthy)
            {
                LogProviderBack(health.Provider, health.Description);
            }
            else
            {
                LogProviderDown(health.Provider, health.Description);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "{Provider} cannot serve and is out of plans until a check finds it back: {Description}")]
    private partial void LogProviderDown(string provider, string description);

    [LoggerMessage(LogLevel.Information, "{Provider} is back in plans: {Description}")]
    private partial void LogProviderBack(string provider, string description);

    [LoggerMessage(LogLevel.Error, "The provider health refresh failed; the next one tries again.")]
    private partial void LogRefreshFailed(Exception exception);

    private sealed record OllamaTags([property: JsonPropertyName("models")] IReadOnlyList<OllamaModel>? Models);

    private sealed record OllamaModel([property: JsonPropertyName("name")] string? Name, [property: JsonPropertyName("model")] string? Model);
}
