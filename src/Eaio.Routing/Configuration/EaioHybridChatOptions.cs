namespace Eaio.Routing;

/// <summary>Everything the hybrid router is configured with; each property names the seed's environment variable it is bound from.</summary>
public sealed class EaioHybridChatOptions
{
    /// <summary>Gets or sets which tiers may be used (<c>LLM_STRATEGY</c>: local, hybrid, api-only; default hybrid).</summary>
    public RoutingStrategy Strategy { get; set; } = RoutingStrategy.Hybrid;

    /// <summary>Gets or sets the privacy level of requests that do not set one (<c>DEFAULT_PRIVACY_LEVEL</c>, default PRIVATE).</summary>
    public PrivacyLevel DefaultPrivacy { get; set; } = PrivacyLevel.Private;

    /// <summary>Gets the privacy level of each building (by BDG2 building id, compared case-insensitively). A request about
    /// the building gets this level when it sets none, and can never be looser than it.</summary>
    /// <remarks>Ids ignore case as configuration keys do, so <c>panther_office_hannah</c> cannot escape the level set for
    /// <c>Panther_office_Hannah</c>.</remarks>
    public IDictionary<string, PrivacyLevel> BuildingPrivacy { get; } = new Dictionary<string, PrivacyLevel>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the privacy level of each client (by tenant id, compared case-insensitively), applied like <see cref="BuildingPrivacy"/>.</summary>
    public IDictionary<string, PrivacyLevel> ClientPrivacy { get; } = new Dictionary<string, PrivacyLevel>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the host's own identifiers to mask: a BDG2 <c>metadata.csv</c>, building and site ids, person names and
    /// meter or equipment id patterns (section <c>Privacy</c>).</summary>
    public IdentifierDetectionOptions Privacy { get; } = new();

    /// <summary>Gets the class each detected entity type gives a request, over the defaults (readings CRITICAL, identifiers
    /// and personal data SENSITIVE); for example map <c>EQUIPMENT</c> to CRITICAL.</summary>
    public IDictionary<string, DataSensitivity> EntitySensitivity { get; } = new Dictionary<string, DataSensitivity>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the EAIO class of each Microsoft.Extensions.Compliance <see cref="Microsoft.Extensions.Compliance.Classification.DataClassification"/>
    /// used as a tag; the <see cref="EaioDataClassifications"/> need no entry, and an unmapped classification counts as CRITICAL.</summary>
    public IDictionary<Microsoft.Extensions.Compliance.Classification.DataClassification, DataSensitivity> DataClassifications { get; } =
        new Dictionary<Microsoft.Extensions.Compliance.Classification.DataClassification, DataSensitivity>();

    /// <summary>Gets how each entity type is masked before an external call: pseudonymised and restored (the default),
    /// generalised (coordinates to a 0.1° grid) or redacted.</summary>
    public PseudonymizerOptions Pseudonymization { get; } = new();

    /// <summary>Gets or sets a value indicating whether SENSITIVE (aggregated) data may go to external APIs at privacy ENHANCED or PUBLIC (<c>ALLOW_API_FOR_AGGREGATED</c>, default true).</summary>
    public bool AllowApiForAggregated { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether only the local model may be used (<c>EMERGENCY_LOCAL_ONLY</c>, default false).</summary>
    public bool EmergencyLocalOnly { get; set; }

    /// <summary>Gets or sets the OpenAI model external embeddings are made with (<c>OPENAI_EMBEDDING_MODEL</c>); it needs a price in the catalogue.</summary>
    public string OpenAIEmbeddingModel { get; set; } = "text-embedding-3-small";

    /// <summary>Gets or sets the monthly budget for external APIs in US dollars (<c>LLM_MONTHLY_BUDGET</c>, default 1000).</summary>
    public decimal MonthlyBudgetUsd { get; set; } = 1000m;

    /// <summary>Gets or sets the share of the budget at which an alert is raised (<c>COST_ALERT_THRESHOLD</c>, 0 to 1, default 0.8).</summary>
    public double CostAlertThreshold { get; set; } = 0.8;

    /// <summary>Gets the monthly budget of each tenant in US dollars, over <see cref="MonthlyBudgetUsd"/>, which applies to
    /// tenants not listed and to requests without a tenant.</summary>
    public IDictionary<string, decimal> TenantBudgetsUsd { get; } = new Dictionary<string, decimal>(StringComparer.Ordinal);

    /// <summary>Gets or sets the time zone whose calendar months are the budget periods (<c>BUDGET_TIME_ZONE</c>, an IANA or
    /// Windows id, default UTC).</summary>
    public TimeZoneInfo BudgetTimeZone { get; set; } = TimeZoneInfo.Utc;

    /// <summary>Gets or sets how long a reservation holds budget before it expires (<c>BUDGET_RESERVATION_SEC</c>, default
    /// 900 s). It must outlast <see cref="ApiTotalTimeout"/>; a reservation outlives its call only when the process died.</summary>
    public TimeSpan BudgetReservationLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets the host's prices, over the embedded price list: an entry replaces the list's entry for the same
    /// provider and model, or adds a model.</summary>
    public IList<ModelPrice> Prices { get; } = [];

    /// <summary>Gets or sets a value indicating whether every external call is audited (<c>AUDIT_ALL_API_CALLS</c>, default true).</summary>
    public bool AuditAllApiCalls { get; set; } = true;

    /// <summary>Gets or sets the key of the audit log's payload HMAC and of its hash chain (<c>AUDIT_HMAC_KEY</c>): with it the
    /// chain is HMAC-SHA256, so a record cannot be forged without the key. Without it a random key is made at start-up for
    /// the payload hashes, so they cannot be compared across restarts, and the chain is plain SHA-256, which finds
    /// accidental damage but not forgery. Set it in production, the same on every host sharing an audit log.</summary>
    public string? AuditHmacKey { get; set; }

    /// <summary>Gets or sets the key of the persistent pseudonym vault (<c>PSEUDONYM_VAULT_KEY</c>, base64 of at least 32 random
    /// bytes). With it, placeholders and their (encrypted) originals are kept in the embedded SQLite database, so a
    /// conversation's placeholders survive a restart and are shared by processes on the same file; without it they are
    /// kept in memory.</summary>
    public string? PseudonymVaultKey { get; set; }

    /// <summary>Gets or sets the folder of the embedded SQLite databases (<c>EAIO_DATA_DIR</c>): <c>eaio.db</c> (budget ledger,
    /// pseudonym vault), <c>eaio-requests.db</c> (request log, routing feedback) and <c>eaio-audit.db</c> (audit log); by
    /// default <c>eaio</c> under the user's local application data folder.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Gets the folder the embedded databases live in.</summary>
    /// <returns><see cref="DataDirectory"/>, else <c>eaio</c> under the local application data folder.</returns>
    public string ResolveDataDirectory() =>
        DataDirectory ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "eaio");

    /// <summary>Gets or sets how long request log entries are kept (<c>REQUEST_LOG_RETENTION_DAYS</c>, whole days, 1 or more,
    /// default 90). Older entries are deleted once an hour, so the optimisation report cannot cover a period that starts
    /// further back than this.</summary>
    public TimeSpan RequestLogRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Gets or sets how long audit records are kept (<c>AUDIT_RETENTION_DAYS</c>, whole days, 1 or more); by default
    /// <see langword="null"/>, every record is kept. Older records are exported to a JSON Lines file in the data folder and
    /// then deleted, once an hour, leaving a sealed cut from which the kept records verify.</summary>
    public TimeSpan? AuditRetention { get; set; }

    /// <summary>Gets or sets the longest wait for the local model's first update, queueing included (<c>LOCAL_TIMEOUT_SEC</c>, default 10 s).
    /// It bounds the time before the router falls back.</summary>
    public TimeSpan LocalTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the longest wait for an external API's first update, queueing included (<c>API_TIMEOUT_SEC</c>, default 30 s).</summary>
    public TimeSpan ApiTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest a whole local call may take (<c>LOCAL_TOTAL_TIMEOUT_SEC</c>, default 120 s).</summary>
    public TimeSpan LocalTotalTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets the longest a whole external call may take (<c>API_TOTAL_TIMEOUT_SEC</c>, default 300 s).</summary>
    public TimeSpan ApiTotalTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Gets or sets how many local calls may run at once (<c>MAX_CONCURRENT_LOCAL</c>, default 2).</summary>
    public int MaxConcurrentLocal { get; set; } = 2;

    /// <summary>Gets or sets how many external calls may run at once over all providers (<c>MAX_CONCURRENT_API</c>, default 10).</summary>
    public int MaxConcurrentApi { get; set; } = 10;

    /// <summary>Gets or sets how many calls may wait for a concurrency slot (<c>MAX_QUEUED_REQUESTS</c>, default 100); the wait itself is bounded by the route's first-update time limit.</summary>
    public int MaxQueuedRequests { get; set; } = 100;

    /// <summary>Gets or sets how many requests each provider may receive per minute (<c>PROVIDER_REQUESTS_PER_MINUTE</c>, default 100).</summary>
    public int RequestsPerMinute { get; set; } = 100;

    /// <summary>Gets or sets how many tokens (estimated input plus the output limit) each external provider may receive per
    /// minute (<c>PROVIDER_TOKENS_PER_MINUTE</c>, default 200,000).</summary>
    public int TokensPerMinute { get; set; } = 200_000;

    /// <summary>Gets or sets how long a provider stays out of plans after its circuit opens (<c>CIRCUIT_BREAK_SEC</c>, default 30 s).</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many failed calls within 30 s (at least half of the calls) open a provider's circuit (<c>CIRCUIT_MIN_FAILURES</c>, default 3).</summary>
    public int CircuitMinimumThroughput { get; set; } = 3;

    /// <summary>Gets or sets the output limit of requests that set no <c>MaxOutputTokens</c> (<c>DEFAULT_MAX_OUTPUT_TOKENS</c>, default 1024):
    /// external calls are sent with it, and the budget holds it as the worst case, so a provider cannot spend more than was reserved.</summary>
    public int DefaultMaxOutputTokens { get; set; } = 1024;

    /// <summary>Gets or sets how many calls of one provider may use more output than the limit they were sent with before
    /// the router leaves it out of plans, until a host calls <see cref="HybridRouterChatClient.ResetOutputLimitOverruns"/>
    /// (<c>OUTPUT_OVERRUNS_BEFORE_EXCLUSION</c>, 1 or more, default 3). Counted per process.</summary>
    public int OutputOverrunsBeforeExclusion { get; set; } = OutputLimitOverruns.DefaultExclusionThreshold;

    /// <summary>Gets or sets the share of requests that may go external which the complexity rule sends to the strong tier
    /// (<c>COMPLEXITY_STRONG_SHARE</c>, 0 to 1); <see langword="null"/> (the default) keeps the fixed threshold 0.8.</summary>
    /// <remarks>The threshold becomes, per tenant, the quantile of its last 1,000 complexity scores above which this share
    /// lies, as RouteLLM calibrates its routers; the fixed threshold applies until 100 scores are seen. <c>Explain</c> shows it.</remarks>
    public double? ComplexityStrongShare { get; set; }

    /// <summary>Gets or sets a value indicating whether the adaptive policy learns from feedback which request categories
    /// the local model answers well (<c>ADAPTIVE_ROUTING</c>, default false).</summary>
    /// <remarks>
    /// Feedback given with <c>RecordFeedbackAsync</c> is kept per category (<see cref="RequestProfile.Category"/>) in an
    /// <see cref="IRoutingFeedbackStore"/>. The complexity rule then compares the threshold (0.8, or the one calibrated to
    /// <see cref="ComplexityStrongShare"/>) with the request's complexity plus how much more often external answers than
    /// local ones were accepted in its category, with bounded exploration. It only decides the complexity rule, after every
    /// privacy, strategy and budget exclusion, so it never sends out a request that may not go.
    /// </remarks>
    public bool AdaptiveRouting { get; set; }

    /// <summary>Gets the local Ollama settings.</summary>
    public OllamaProviderOptions Ollama { get; } = new();

    /// <summary>Gets the OpenAI settings (<c>OPENAI_API_KEY</c>, <c>OPENAI_ORG_ID</c>, <c>OPENAI_BASE_URL</c>).</summary>
    public ExternalProviderOptions OpenAI { get; } = new() { BaseUrl = new Uri("https://api.openai.com/v1/") };

    /// <summary>Gets the DeepSeek settings (<c>DEEPSEEK_API_KEY</c>, <c>DEEPSEEK_BASE_URL</c>).</summary>
    public ExternalProviderOptions DeepSeek { get; } = new() { BaseUrl = new Uri("https://api.deepseek.com/") };

    /// <summary>Gets the Gemini settings (<c>GOOGLE_API_KEY</c>, <c>GEMINI_BASE_URL</c>), used through Google's OpenAI-compatible endpoint.</summary>
    public ExternalProviderOptions Gemini { get; } = new() { BaseUrl = new Uri("https://generativelanguage.googleapis.com/v1beta/openai/") };

    /// <summary>Gets the Mistral settings (<c>MISTRAL_API_KEY</c>, <c>MISTRAL_BASE_URL</c>), used through its OpenAI-compatible API.</summary>
    public ExternalProviderOptions Mistral { get; } = new() { BaseUrl = new Uri("https://api.mistral.ai/v1/") };

    /// <summary>Gets the Anthropic settings (<c>ANTHROPIC_API_KEY</c>, <c>ANTHROPIC_BASE_URL</c>).</summary>
    public ExternalProviderOptions Anthropic { get; } = new() { BaseUrl = new Uri("https://api.anthropic.com/") };

    /// <summary>Gets or sets the provider catalogue; <see langword="null"/> uses <see cref="ProviderCatalog.CreateDefault"/> with <see cref="OllamaProviderOptions.Models"/>.</summary>
    public ProviderCatalog? Catalog { get; set; }

    /// <summary>Gets the settings of an external provider by name.</summary>
    /// <param name="provider">The provider's name, one of <see cref="EaioProviders"/>.</param>
    /// <returns>Its settings, or <see langword="null"/> for the local provider or an unknown name.</returns>
    public ExternalProviderOptions? GetExternal(string provider) => provider switch
    {
        EaioProviders.OpenAI => OpenAI,
        EaioProviders.DeepSeek => DeepSeek,
        EaioProviders.Gemini => Gemini,
        EaioProviders.Mistral => Mistral,
        EaioProviders.Anthropic => Anthropic,
        _ => null,
    };

    /// <summary>Gets the catalogue in effect: <see cref="Catalog"/>, or the default one with the configured local models.</summary>
    /// <returns>The catalogue.</returns>
    public ProviderCatalog ResolveCatalog()
    {
        if (Catalog is not null)
        {
            return Catalog;
        }

        Dictionary<ModelTask, string> local = new(Ollama.Models);
        local.TryAdd(ModelTask.General, Ollama.DefaultModel);
        return ProviderCatalog.CreateDefault(local, ResolvePrices());
    }

    /// <summary>Gets the prices in effect: the embedded price list with <see cref="Prices"/> over it.</summary>
    /// <returns>The price catalogue.</returns>
    public PriceCatalog ResolvePrices() => Prices.Count == 0 ? PriceCatalog.Default : PriceCatalog.Default.With(Prices);
}
