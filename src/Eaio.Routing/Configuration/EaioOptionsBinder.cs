using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Eaio.Routing;

/// <summary>
/// Binds <see cref="EaioHybridChatOptions"/> from a configuration section and the seed's environment variables, and
/// collects every invalid value with its key instead of stopping at the first.
/// </summary>
/// <remarks>
/// Each setting has a structured key in the section (for example <c>Strategy</c>, <c>Ollama:BaseUrl</c>) and the seed's
/// flat name (<c>LLM_STRATEGY</c>, <c>OLLAMA_BASE_URL</c>). The flat name wins: it is read from the configuration given
/// and then from the environment, which is how deployments override files.
/// </remarks>
internal static class EaioOptionsBinder
{
    private static readonly Setting[] s_settings =
    [
        new("LLM_STRATEGY", "Strategy", "local, hybrid or api-only", (o, v) => o.Strategy = ParseStrategy(v)),
        new("DEFAULT_PRIVACY_LEVEL", "DefaultPrivacy", "PRIVATE, ENHANCED or PUBLIC", (o, v) => o.DefaultPrivacy = ParseEnum<PrivacyLevel>(v)),
        new("ALLOW_API_FOR_AGGREGATED", "AllowApiForAggregated", "true or false", (o, v) => o.AllowApiForAggregated = ParseBool(v)),
        new("EMERGENCY_LOCAL_ONLY", "EmergencyLocalOnly", "true or false", (o, v) => o.EmergencyLocalOnly = ParseBool(v)),
        new("AUDIT_ALL_API_CALLS", "AuditAllApiCalls", "true or false", (o, v) => o.AuditAllApiCalls = ParseBool(v)),
        new("AUDIT_HMAC_KEY", "AuditHmacKey", "a secret of at least 16 characters", (o, v) => o.AuditHmacKey = v.Length >= 16 ? v : throw new FormatException(), Secret: true),
        new("EAIO_DATA_DIR", "DataDirectory", "a folder path", (o, v) => o.DataDirectory = v),
        new("AUDIT_RETENTION_DAYS", "AuditRetentionDays", AuditRetentionAllowed, (o, v) => o.AuditRetention = ParseDays(v)),
        new("REQUEST_LOG_RETENTION_DAYS", "RequestLogRetentionDays", "a whole number of 1 or more", (o, v) => o.RequestLogRetention = ParseDays(v)),
        new("PSEUDONYM_VAULT_KEY", "PseudonymVaultKey", "base64 of at least 32 random bytes", (o, v) => o.PseudonymVaultKey = IsVaultKey(v) ? v : throw new FormatException(), Secret: true),
        new("LLM_MONTHLY_BUDGET", "MonthlyBudgetUsd", "a number of US dollars, 0 or more", (o, v) => o.MonthlyBudgetUsd = ParseDecimal(v)),
        new("COST_ALERT_THRESHOLD", "CostAlertThreshold", "a share between 0 and 1", (o, v) => o.CostAlertThreshold = ParseDouble(v)),
        new("COMPLEXITY_STRONG_SHARE", "ComplexityStrongShare", "a share between 0 and 1", (o, v) => o.ComplexityStrongShare = ParseDouble(v)),
        new("ADAPTIVE_ROUTING", "AdaptiveRouting", "true or false", (o, v) => o.AdaptiveRouting = ParseBool(v)),
        new("LOCAL_TIMEOUT_SEC", "LocalTimeoutSec", "a number of seconds greater than 0", (o, v) => o.LocalTimeout = ParseSeconds(v)),
        new("API_TIMEOUT_SEC", "ApiTimeoutSec", "a number of seconds greater than 0", (o, v) => o.ApiTimeout = ParseSeconds(v)),
        new("LOCAL_TOTAL_TIMEOUT_SEC", "LocalTotalTimeoutSec", "a number of seconds greater than 0", (o, v) => o.LocalTotalTimeout = ParseSeconds(v)),
        new("API_TOTAL_TIMEOUT_SEC", "ApiTotalTimeoutSec", "a number of seconds greater than 0", (o, v) => o.ApiTotalTimeout = ParseSeconds(v)),
        new("MAX_CONCURRENT_LOCAL", "MaxConcurrentLocal", "a whole number of 1 or more", (o, v) => o.MaxConcurrentLocal = ParseInt(v)),
        new("MAX_CONCURRENT_API", "MaxConcurrentApi", "a whole number of 1 or more", (o, v) => o.MaxConcurrentApi = ParseInt(v)),
        new("MAX_QUEUED_REQUESTS", "MaxQueuedRequests", "a whole number of 0 or more", (o, v) => o.MaxQueuedRequests = ParseInt(v)),
        new("PROVIDER_REQUESTS_PER_MINUTE", "RequestsPerMinute", "a whole number of 1 or more", (o, v) => o.RequestsPerMinute = ParseInt(v)),
        new("PROVIDER_TOKENS_PER_MINUTE", "TokensPerMinute", "a whole number of 1 or more", (o, v) => o.TokensPerMinute = ParseInt(v)),
        new("BUDGET_TIME_ZONE", "BudgetTimeZone", "a time zone id such as UTC, Europe/Berlin or America/New_York", (o, v) => o.BudgetTimeZone = ParseTimeZone(v)),
        new("BUDGET_RESERVATION_SEC", "BudgetReservationSec", "a number of seconds greater than API_TOTAL_TIMEOUT_SEC", (o, v) => o.BudgetReservationLifetime = ParseSeconds(v)),
        new("CIRCUIT_BREAK_SEC", "CircuitBreakSec", "a number of seconds of 0.5 or more", (o, v) => o.CircuitBreakDuration = ParseSeconds(v)),
        new("CIRCUIT_MIN_FAILURES", "CircuitMinimumThroughput", "a whole number of 2 or more", (o, v) => o.CircuitMinimumThroughput = ParseInt(v)),
        new("DEFAULT_MAX_OUTPUT_TOKENS", "DefaultMaxOutputTokens", "a whole number of 1 or more", (o, v) => o.DefaultMaxOutputTokens = ParseInt(v)),
        new("OUTPUT_OVERRUNS_BEFORE_EXCLUSION", "OutputOverrunsBeforeExclusion", "a whole number of 1 or more", (o, v) => o.OutputOverrunsBeforeExclusion = ParseInt(v)),
        new("EAIO_BUILDINGS_METADATA", "Privacy:BuildingsMetadata", IdentifierDetectorFactory.MetadataAllowed, (o, v) => o.Privacy.BuildingsMetadata = ExistingFile(v)),
        new("EAIO_BUILDING_IDS", "Privacy:BuildingIds", "building ids separated by commas", (o, v) => AddList(o.Privacy.BuildingIds, v)),
        new("EAIO_SITE_IDS", "Privacy:SiteIds", "site ids separated by commas", (o, v) => AddList(o.Privacy.SiteIds, v)),
        new("EAIO_MATCH_SITE_IDS", "Privacy:MatchSiteIds", "true or false", (o, v) => o.Privacy.MatchSiteIds = ParseBool(v)),
        new("EAIO_PERSON_NAMES", "Privacy:PersonNames", "person names separated by commas", (o, v) => AddList(o.Privacy.PersonNames, v)),
        new("EAIO_PERSON_NAMES_FILE", "Privacy:PersonNamesFile", IdentifierDetectorFactory.PersonNamesFileAllowed, (o, v) => o.Privacy.PersonNamesFile = ExistingFile(v)),
        new("EAIO_EQUIPMENT_PATTERN", "Privacy:EquipmentPatterns", IdentifierDetectorFactory.PatternAllowed, (o, v) => o.Privacy.EquipmentPatterns.Add(Pattern(v))),
        new("OLLAMA_BASE_URL", "Ollama:BaseUrl", "an absolute http or https URL", (o, v) => o.Ollama.BaseUrl = ParseUri(v)),
        new("OLLAMA_DEFAULT_MODEL", "Ollama:DefaultModel", "a model name such as llama3.2:3b", (o, v) => o.Ollama.DefaultModel = v),
        new("OLLAMA_EMBEDDING_MODEL", "Ollama:EmbeddingModel", "a model name such as nomic-embed-text", (o, v) => o.Ollama.EmbeddingModel = v),
        new("OPENAI_EMBEDDING_MODEL", "OpenAI:EmbeddingModel", "a priced OpenAI embedding model such as text-embedding-3-small", (o, v) => o.OpenAIEmbeddingModel = v),
        new("OLLAMA_KEEP_ALIVE", "Ollama:KeepAlive", "an Ollama duration such as 30m, 1h30m, 300, -1 or 0", (o, v) => o.Ollama.KeepAlive = v),
        new("OPENAI_API_KEY", "OpenAI:ApiKey", "an API key", (o, v) => o.OpenAI.ApiKey = v, Secret: true),
        new("OPENAI_ORG_ID", "OpenAI:Organization", "an organisation id", (o, v) => o.OpenAI.Organization = v),
        new("OPENAI_BASE_URL", "OpenAI:BaseUrl", "an absolute https URL (http only on loopback)", (o, v) => o.OpenAI.BaseUrl = ParseUri(v)),
        new("DEEPSEEK_API_KEY", "DeepSeek:ApiKey", "an API key", (o, v) => o.DeepSeek.ApiKey = v, Secret: true),
        new("DEEPSEEK_BASE_URL", "DeepSeek:BaseUrl", "an absolute https URL (http only on loopback)", (o, v) => o.DeepSeek.BaseUrl = ParseUri(v)),
        new("GOOGLE_API_KEY", "Gemini:ApiKey", "an API key", (o, v) => o.Gemini.ApiKey = v, Secret: true),
        new("GEMINI_BASE_URL", "Gemini:BaseUrl", "an absolute https URL (http only on loopback)", (o, v) => o.Gemini.BaseUrl = ParseUri(v)),
        new("MISTRAL_API_KEY", "Mistral:ApiKey", "an API key", (o, v) => o.Mistral.ApiKey = v, Secret: true),
        new("MISTRAL_BASE_URL", "Mistral:BaseUrl", "an absolute https URL (http only on loopback)", (o, v) => o.Mistral.BaseUrl = ParseUri(v)),
        new("ANTHROPIC_API_KEY", "Anthropic:ApiKey", "an API key", (o, v) => o.Anthropic.ApiKey = v, Secret: true),
        new("ANTHROPIC_BASE_URL", "Anthropic:BaseUrl", "an absolute https URL (http only on loopback)", (o, v) => o.Anthropic.BaseUrl = ParseUri(v)),
    ];

    /// <summary>Gets the seed's flat names of every setting, for documentation and tests.</summary>
    public static IEnumerable<string> EnvironmentNames => s_settings.Select(s => s.EnvironmentName);

    /// <summary>Binds options and throws <see cref="EaioConfigurationException"/> listing every invalid value.</summary>
    /// <param name="configuration">The section (or root) holding the structured and flat keys.</param>
    /// <param name="environment">Reads an environment variable; the process environment in production.</param>
    public static EaioHybridChatOptions Bind(IConfiguration configuration, Func<string, string?> environment)
    {
        EaioHybridChatOptions options = new();
        List<string> errors = [];
        foreach (Setting setting in s_settings)
        {
            (string? value, string key) = Read(configuration, environment, setting);
            if (value is null)
            {
                continue;
            }

            try
            {
                setting.Apply(options, value.Trim());
            }
            catch (FormatException ex)
            {
                string shown = setting.Secret ? "(hidden)" : $"'{value}'";
                string detail = !setting.Secret && ex.InnerException is not null ? $" ({ex.Message})" : string.Empty;
                errors.Add($"{key}={shown} is not valid: expected {setting.Allowed}{detail}.");
            }
        }

        BindIdentifierLists(configuration, options.Privacy, errors);

        BindPrivacyMap(configuration.GetSection("BuildingPrivacy"), options.BuildingPrivacy, errors);
        BindPrivacyMap(configuration.GetSection("ClientPrivacy"), options.ClientPrivacy, errors);
        foreach (IConfigurationSection entry in configuration.GetSection("EntitySensitivity").GetChildren())
        {
            try
            {
                options.EntitySensitivity[entry.Key] = ParseEnum<DataSensitivity>(entry.Value ?? string.Empty);
            }
            catch (FormatException)
            {
                errors.Add($"{entry.Path}='{entry.Value}' is not valid: expected PUBLIC, SENSITIVE or CRITICAL.");
            }
        }

        foreach (IConfigurationSection entry in configuration.GetSection("EntityPolicies").GetChildren())
        {
            try
            {
                options.Pseudonymization.EntityPolicies[entry.Key] = ParseEnum<EntityPolicy>(entry.Value ?? string.Empty);
            }
            catch (FormatException)
            {
                errors.Add($"{entry.Path}='{entry.Value}' is not valid: expected Pseudonymize, Generalize or Redact.");
            }
        }
        foreach (IConfigurationSection tenant in configuration.GetSection("TenantBudgets").GetChildren())
        {
            try
            {
                options.TenantBudgetsUsd[tenant.Key] = ParseDecimal(tenant.Value ?? string.Empty);
            }
            catch (FormatException)
            {
                errors.Add($"{tenant.Path}='{tenant.Value}' is not valid: expected a number of US dollars, 0 or more.");
            }
        }

        BindPrices(configuration.GetSection("Prices"), options.Prices, errors);

        foreach (IConfigurationSection model in configuration.GetSection("Ollama:Models").GetChildren())
        {
            if (Enum.TryParse(model.Key, ignoreCase: true, out ModelTask task) && Enum.IsDefined(task) && !char.IsDigit(model.Key[0]))
            {
                options.Ollama.Models[task] = model.Value ?? string.Empty;
            }
            else
            {
                errors.Add($"{model.Path} is not valid: the task must be one of {string.Join(", ", Enum.GetNames<ModelTask>())}.");
            }
        }

        if (errors.Count > 0)
        {
            throw new EaioConfigurationException(errors);
        }

        return options;
    }

    /// <summary>
    /// Checks that the data folder (<c>EAIO_DATA_DIR</c>) can hold the embedded database: it is a folder, or can be made
    /// one, and a file can be written in it. A path that is a file or cannot be written would otherwise fail every store
    /// at its first use with an <see cref="IOException"/>.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <exception cref="EaioConfigurationException">The folder is unusable; the message names the key, the path and why.</exception>
    public static void ValidateDataDirectory(EaioHybridChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string folder = options.ResolveDataDirectory();
        string? problem = null;
        try
        {
            if (File.Exists(folder))
            {
                problem = "it is a file, not a folder";
            }
            else
            {
                _ = Directory.CreateDirectory(folder);
                string probe = Path.Combine(folder, $".eaio-write-test-{Environment.ProcessId}");
                File.WriteAllBytes(probe, []);
                File.Delete(probe);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            problem = $"it cannot be created or written ({ex.GetType().Name}: {ex.Message})";
        }

        if (problem is not null)
        {
            throw new EaioConfigurationException(
                $"EAIO_DATA_DIR='{folder}' is not valid: expected a folder this process can write, where the embedded databases (eaio.db, eaio-requests.db, eaio-audit.db) are kept; {problem}. Point EAIO_DATA_DIR (Eaio:DataDirectory) at a writable folder.");
        }
    }

    /// <summary>Checks values that parse but are out of range, and throws <see cref="EaioConfigurationException"/> listing each.</summary>
    public static void Validate(EaioHybridChatOptions options)
    {
        List<string> errors = [];
        void Check(bool ok, string key, object? value, string allowed)
        {
            if (!ok)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}='{value}' is not valid: expected {allowed}."));
            }
        }

        Check(Enum.IsDefined(options.Strategy), "LLM_STRATEGY", options.Strategy, "local, hybrid or api-only");
        Check(Enum.IsDefined(options.DefaultPrivacy), "DEFAULT_PRIVACY_LEVEL", options.DefaultPrivacy, "PRIVATE, ENHANCED or PUBLIC");
        Check(options.MonthlyBudgetUsd is >= 0 and <= MaxBudgetUsd, "LLM_MONTHLY_BUDGET", options.MonthlyBudgetUsd, BudgetRange);
        Check(options.CostAlertThreshold is >= 0 and <= 1, "COST_ALERT_THRESHOLD", options.CostAlertThreshold, "a share between 0 and 1");
        Check(options.ComplexityStrongShare is null or (>= 0 and <= 1), "COMPLEXITY_STRONG_SHARE", options.ComplexityStrongShare, "a share between 0 and 1, or unset for the fixed threshold 0.8");
        Check(options.LocalTimeout > TimeSpan.Zero, "LOCAL_TIMEOUT_SEC", options.LocalTimeout.TotalSeconds, "a number of seconds greater than 0");
        Check(options.ApiTimeout > TimeSpan.Zero, "API_TIMEOUT_SEC", options.ApiTimeout.TotalSeconds, "a number of seconds greater than 0");
        Check(options.LocalTotalTimeout >= options.LocalTimeout, "LOCAL_TOTAL_TIMEOUT_SEC", options.LocalTotalTimeout.TotalSeconds, "seconds, at least LOCAL_TIMEOUT_SEC");
        Check(options.ApiTotalTimeout >= options.ApiTimeout, "API_TOTAL_TIMEOUT_SEC", options.ApiTotalTimeout.TotalSeconds, "seconds, at least API_TIMEOUT_SEC");

        // Timers cannot run longer than about 24.8 days: a longer limit would fail every call, not wait longer.
        Check(options.LocalTimeout <= MaxTimeLimit, "LOCAL_TIMEOUT_SEC", options.LocalTimeout.TotalSeconds, TimeLimitRange);
        Check(options.ApiTimeout <= MaxTimeLimit, "API_TIMEOUT_SEC", options.ApiTimeout.TotalSeconds, TimeLimitRange);
        Check(options.LocalTotalTimeout <= MaxTimeLimit, "LOCAL_TOTAL_TIMEOUT_SEC", options.LocalTotalTimeout.TotalSeconds, TimeLimitRange);
        Check(options.ApiTotalTimeout <= MaxTimeLimit, "API_TOTAL_TIMEOUT_SEC", options.ApiTotalTimeout.TotalSeconds, TimeLimitRange);
        Check(options.MaxConcurrentLocal >= 1, "MAX_CONCURRENT_LOCAL", options.MaxConcurrentLocal, "a whole number of 1 or more");
        Check(options.MaxConcurrentApi >= 1, "MAX_CONCURRENT_API", options.MaxConcurrentApi, "a whole number of 1 or more");
        Check(options.MaxQueuedRequests >= 0, "MAX_QUEUED_REQUESTS", options.MaxQueuedRequests, "a whole number of 0 or more");
        Check(options.RequestsPerMinute >= 1, "PROVIDER_REQUESTS_PER_MINUTE", options.RequestsPerMinute, "a whole number of 1 or more");
        Check(options.PseudonymVaultKey is null || IsVaultKey(options.PseudonymVaultKey), "PSEUDONYM_VAULT_KEY", "(hidden)", "base64 of at least 32 random bytes");
        Check(
            options.RequestLogRetention >= TimeSpan.FromDays(1) && (options.RequestLogRetention.Ticks % TimeSpan.TicksPerDay == 0 || options.RequestLogRetention == TimeSpan.MaxValue),
            "REQUEST_LOG_RETENTION_DAYS", options.RequestLogRetention.TotalDays, "a whole number of 1 or more");
        Check(
            options.AuditRetention is null || (options.AuditRetention >= TimeSpan.FromDays(1) && options.AuditRetention <= MaxAuditRetention && options.AuditRetention.Value.Ticks % TimeSpan.TicksPerDay == 0),
            "AUDIT_RETENTION_DAYS", options.AuditRetention?.TotalDays, AuditRetentionAllowed);
        Check(options.TokensPerMinute >= 1, "PROVIDER_TOKENS_PER_MINUTE", options.TokensPerMinute, "a whole number of 1 or more");
        Check(options.BudgetTimeZone is not null, "BUDGET_TIME_ZONE", options.BudgetTimeZone, "a time zone");
        Check(options.BudgetReservationLifetime > options.ApiTotalTimeout, "BUDGET_RESERVATION_SEC", options.BudgetReservationLifetime.TotalSeconds, "seconds, more than API_TOTAL_TIMEOUT_SEC (a hold must outlive its call)");
        Check(options.BudgetReservationLifetime <= MaxReservationLifetime, "BUDGET_RESERVATION_SEC", options.BudgetReservationLifetime.TotalSeconds, "seconds, at most 2678400 (31 days: a hold left by a process that died must lapse within a budget period)");
        foreach (KeyValuePair<string, decimal> tenant in options.TenantBudgetsUsd)
        {
            Check(tenant.Value is >= 0 and <= MaxBudgetUsd, $"TenantBudgets:{tenant.Key}", tenant.Value, BudgetRange);
        }

        try
        {
            _ = options.ResolvePrices();
        }
        catch (ArgumentException ex)
        {
            errors.Add($"Prices: {ex.Message}");
        }
        Check(options.CircuitBreakDuration >= TimeSpan.FromMilliseconds(500), "CIRCUIT_BREAK_SEC", options.CircuitBreakDuration.TotalSeconds, "a number of seconds of 0.5 or more");
        Check(options.CircuitMinimumThroughput >= 2, "CIRCUIT_MIN_FAILURES", options.CircuitMinimumThroughput, "a whole number of 2 or more");
        Check(options.DefaultMaxOutputTokens >= 1, "DEFAULT_MAX_OUTPUT_TOKENS", options.DefaultMaxOutputTokens, "a whole number of 1 or more");
        Check(options.OutputOverrunsBeforeExclusion >= 1, "OUTPUT_OVERRUNS_BEFORE_EXCLUSION", options.OutputOverrunsBeforeExclusion, "a whole number of 1 or more");
        Check(options.Ollama.BaseUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" }, "OLLAMA_BASE_URL", options.Ollama.BaseUrl, "an absolute http or https URL");
        Check(!string.IsNullOrWhiteSpace(options.Ollama.DefaultModel), "OLLAMA_DEFAULT_MODEL", options.Ollama.DefaultModel, "a model name such as llama3.2:3b");
        Check(IsOllamaDuration(options.Ollama.KeepAlive), "OLLAMA_KEEP_ALIVE", options.Ollama.KeepAlive, "an Ollama duration such as 30m, 1h30m, 300, -1 or 0");
        foreach (string model in options.Ollama.Models.Values)
        {
            Check(!string.IsNullOrWhiteSpace(model), "Ollama:Models", model, "a model name for each task");
        }

        foreach ((string setting, ExternalProviderOptions provider) in new[]
        {
            ("OPENAI_BASE_URL", options.OpenAI), ("DEEPSEEK_BASE_URL", options.DeepSeek), ("GEMINI_BASE_URL", options.Gemini),
            ("MISTRAL_BASE_URL", options.Mistral), ("ANTHROPIC_BASE_URL", options.Anthropic),
        })
        {
            Check(IsAllowedExternalEndpoint(provider.BaseUrl), setting, provider.BaseUrl, "an absolute https URL (http only on a loopback address such as 127.0.0.1)");
        }

        if (errors.Count > 0)
        {
            throw new EaioConfigurationException(errors);
        }
    }

    /// <summary>External endpoints must be https so keys and (sanitised) data never travel in clear text; loopback may be http for proxies and tests.</summary>
    public static bool IsAllowedExternalEndpoint(Uri? uri) =>
        uri is { IsAbsoluteUri: true } && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    private static bool IsOllamaDuration(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return true;
        }

        // Go's time.ParseDuration, which Ollama uses: one or more number+unit pairs, with an optional sign.
        ReadOnlySpan<char> rest = value.AsSpan().TrimStart('-');
        if (rest.IsEmpty)
        {
            return false;
        }

        while (!rest.IsEmpty)
        {
            int digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0)
            {
                return false;
            }

            rest = rest[digits..];
            int unit = rest.StartsWith("ns") || rest.StartsWith("us") || rest.StartsWith("µs") || rest.StartsWith("ms") ? 2
                : rest.Length > 0 && rest[0] is 's' or 'm' or 'h' ? 1
                : 0;
            if (unit == 0)
            {
                return false;
            }

            rest = rest[unit..];
        }

        return true;
    }

    private static (string? Value, string Key) Read(IConfiguration configuration, Func<string, string?> environment, Setting setting)
    {
        if (environment(setting.EnvironmentName) is { Length: > 0 } fromEnvironment)
        {
            return (fromEnvironment, setting.EnvironmentName);
        }

        if (configuration[setting.EnvironmentName] is { Length: > 0 } flat)
        {
            return (flat, setting.EnvironmentName);
        }

        string path = configuration is IConfigurationSection section && section.Path.Length > 0 ? $"{section.Path}:{setting.SectionKey}" : setting.SectionKey;
        return (configuration[setting.SectionKey] is { Length: > 0 } structured ? structured : null, path);
    }

    /// <summary>Binds <c>Prices:&lt;provider&gt;:&lt;model&gt;</c> entries, each with input, cachedInput (defaults to input), output and contextWindow.</summary>
    private static void BindPrices(IConfigurationSection section, IList<ModelPrice> target, List<string> errors)
    {
        foreach (IConfigurationSection provider in section.GetChildren())
        {
            foreach (IConfigurationSection model in provider.GetChildren())
            {
                try
                {
                    decimal input = ParseDecimal(model["Input"] ?? throw new FormatException());
                    decimal output = ParseDecimal(model["Output"] ?? throw new FormatException());
                    decimal cached = model["CachedInput"] is { } c ? ParseDecimal(c) : input;
                    int window = ParseInt(model["ContextWindow"] ?? throw new FormatException());
                    DateOnly takenOn = model["TakenOn"] is { } d ? DateOnly.Parse(d, CultureInfo.InvariantCulture) : DateOnly.MinValue;
                    target.Add(new ModelPrice(provider.Key, model.Key, input, cached, output, window, takenOn));
                }
                catch (FormatException)
                {
                    errors.Add($"{model.Path} is not valid: expected Input and Output (US dollars per million tokens, 0 or more), optional CachedInput, ContextWindow (tokens, 1 or more) and optional TakenOn (yyyy-MM-dd).");
                }
            }
        }
    }

    /// <summary>Whether a value is base64 of at least <see cref="SqlitePseudonymVault.MinimumKeyLength"/> bytes.</summary>
    internal static bool IsVaultKey(string value)
    {
        Span<byte> bytes = stackalloc byte[(value.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(value, bytes, out int written) && written >= SqlitePseudonymVault.MinimumKeyLength;
    }

        private static TimeZoneInfo ParseTimeZone(string value)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(value);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>
    /// Binds the list forms of the identifier settings (<c>Privacy:BuildingIds:0</c>, …). Their entries are added to the
    /// flat names' rather than replaced by them: a list of things to mask only ever grows.
    /// </summary>
    private static void BindIdentifierLists(IConfiguration configuration, IdentifierDetectionOptions target, List<string> errors)
    {
        foreach ((string key, IList<string> list) in new[]
        {
            ("Privacy:BuildingIds", target.BuildingIds), ("Privacy:SiteIds", target.SiteIds), ("Privacy:PersonNames", target.PersonNames),
        })
        {
            foreach (IConfigurationSection entry in configuration.GetSection(key).GetChildren())
            {
                AddList(list, entry.Value ?? string.Empty);
            }
        }

        foreach (IConfigurationSection entry in configuration.GetSection("Privacy:EquipmentPatterns").GetChildren())
        {
            try
            {
                target.EquipmentPatterns.Add(Pattern(entry.Value ?? string.Empty));
            }
            catch (FormatException ex)
            {
                errors.Add($"{entry.Path}='{entry.Value}' is not valid: expected {IdentifierDetectorFactory.PatternAllowed} ({ex.Message}).");
            }
        }
    }

    private static void AddList(IList<string> target, string value)
    {
        foreach (string item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            target.Add(item);
        }
    }

    private static string Pattern(string value)
    {
        _ = IdentifierDetectorFactory.CreatePattern(value);
        return value;
    }

    /// <summary>Keeps the path as configured; a missing file is a <see cref="FormatException"/> that says where it was looked for.</summary>
    private static string ExistingFile(string value) => IdentifierDetectorFactory.Resolve(value) is not null
        ? value
        : throw new FormatException(IdentifierDetectorFactory.DescribeMissing(value), new FileNotFoundException(null, value));

    private static void BindPrivacyMap(IConfigurationSection section, IDictionary<string, PrivacyLevel> target, List<string> errors)
    {
        foreach (IConfigurationSection entry in section.GetChildren())
        {
            try
            {
                target[entry.Key] = ParseEnum<PrivacyLevel>(entry.Value ?? string.Empty);
            }
            catch (FormatException)
            {
                errors.Add($"{entry.Path}='{entry.Value}' is not valid: expected PRIVATE, ENHANCED or PUBLIC.");
            }
        }
    }

    private static RoutingStrategy ParseStrategy(string value) => value.ToUpperInvariant() switch
    {
        "LOCAL" => RoutingStrategy.Local,
        "HYBRID" => RoutingStrategy.Hybrid,
        "API-ONLY" or "API_ONLY" or "APIONLY" => RoutingStrategy.ApiOnly,
        _ => throw new FormatException(),
    };

    private static T ParseEnum<T>(string value)
        where T : struct, Enum =>
        value.Length > 0 && !char.IsDigit(value[0]) && Enum.TryParse(value, ignoreCase: true, out T parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new FormatException();

    private static bool ParseBool(string value) => bool.TryParse(value, out bool b) ? b : value switch
    {
        "1" => true,
        "0" => false,
        _ => throw new FormatException(),
    };

    private static decimal ParseDecimal(string value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal d) && d >= 0 ? d : throw new FormatException();

    private static double ParseDouble(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d is >= 0 and <= 1 ? d : throw new FormatException();

    private static int ParseInt(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) && i >= 0 ? i : throw new FormatException();

    /// <summary>Whole days; a count beyond what a <see cref="TimeSpan"/> holds means "keep everything", not an overflow.</summary>
    private static TimeSpan ParseDays(string value) =>
        ParseInt(value) is int days && days < TimeSpan.MaxValue.TotalDays ? TimeSpan.FromDays(days) : TimeSpan.MaxValue;

    private static TimeSpan ParseSeconds(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && s < TimeSpan.MaxValue.TotalSeconds / 2
            ? TimeSpan.FromSeconds(s)
            : throw new FormatException();

    private static Uri ParseUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new FormatException();

    /// <summary>The largest budget the embedded ledger holds (billionths of a dollar in 64 bits).</summary>
    private const decimal MaxBudgetUsd = SqliteBudgetLedger.MaxAmountUsd;

    private const string BudgetRange = "a number of US dollars from 0 to 9223372036 (the embedded ledger counts billionths of a dollar in 64 bits)";

    private const string TimeLimitRange = "a number of seconds up to 2073600 (24 days, the longest a timer runs)";

    private static readonly TimeSpan MaxTimeLimit = TimeSpan.FromDays(24);

    private static readonly TimeSpan MaxReservationLifetime = TimeSpan.FromDays(31);

    private const string AuditRetentionAllowed = "a whole number of days from 1 to 36500, or unset to keep every record";

    /// <summary>A hundred years: a longer retention deletes nothing, and is more likely a typo than a policy.</summary>
    private static readonly TimeSpan MaxAuditRetention = TimeSpan.FromDays(36_500);

    private sealed record Setting(string EnvironmentName, string SectionKey, string Allowed, Action<EaioHybridChatOptions, string> Apply, bool Secret = false);
}
