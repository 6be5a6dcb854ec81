using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

public sealed class EaioOptionsBinderTests
{
    private static EaioHybridChatOptions Bind(Dictionary<string, string?> values, Dictionary<string, string>? environment = null)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return EaioOptionsBinder.Bind(configuration, name => environment?.GetValueOrDefault(name));
    }

    [Test]
    public void Defaults_are_the_seeds()
    {
        EaioHybridChatOptions o = Bind([]);
        Assert.Multiple(() =>
        {
            Assert.That(o.Strategy, Is.EqualTo(RoutingStrategy.Hybrid));
            Assert.That(o.DefaultPrivacy, Is.EqualTo(PrivacyLevel.Private));
            Assert.That(o.Ollama.BaseUrl, Is.EqualTo(new Uri("http://localhost:11434")));
            Assert.That(o.Ollama.KeepAlive, Is.EqualTo("30m"));
            Assert.That(o.MonthlyBudgetUsd, Is.EqualTo(1000m));
            Assert.That(o.CostAlertThreshold, Is.EqualTo(0.8));
            Assert.That(o.AllowApiForAggregated, Is.True);
            Assert.That(o.AuditAllApiCalls, Is.True);
            Assert.That(o.EmergencyLocalOnly, Is.False);
            Assert.That(o.LocalTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(o.ApiTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(o.MaxConcurrentLocal, Is.EqualTo(2));
            Assert.That(o.MaxConcurrentApi, Is.EqualTo(10));
            Assert.That(o.RequestsPerMinute, Is.EqualTo(100));
            Assert.That(o.DeepSeek.BaseUrl, Is.EqualTo(new Uri("https://api.deepseek.com/")));
            Assert.That(o.Gemini.BaseUrl, Is.EqualTo(new Uri("https://generativelanguage.googleapis.com/v1beta/openai/")));
        });
    }

    [Test]
    public void Every_seed_variable_is_bound()
    {
        Dictionary<string, string> env = new()
        {
            ["LLM_STRATEGY"] = "api-only", ["DEFAULT_PRIVACY_LEVEL"] = "ENHANCED", ["ALLOW_API_FOR_AGGREGATED"] = "false",
            ["EMERGENCY_LOCAL_ONLY"] = "true", ["AUDIT_ALL_API_CALLS"] = "false", ["LLM_MONTHLY_BUDGET"] = "250.5",
            ["COST_ALERT_THRESHOLD"] = "0.5", ["LOCAL_TIMEOUT_SEC"] = "7", ["API_TIMEOUT_SEC"] = "12", ["MAX_CONCURRENT_LOCAL"] = "3",
            ["MAX_CONCURRENT_API"] = "4", ["OLLAMA_BASE_URL"] = "http://10.1.2.3:11434", ["OLLAMA_DEFAULT_MODEL"] = "qwen2.5:7b",
            ["OLLAMA_KEEP_ALIVE"] = "1h30m", ["OPENAI_API_KEY"] = "k1", ["OPENAI_ORG_ID"] = "org-1", ["DEEPSEEK_API_KEY"] = "k2",
            ["GOOGLE_API_KEY"] = "k3", ["MISTRAL_API_KEY"] = "k4", ["ANTHROPIC_API_KEY"] = "k5",
            ["OPENAI_BASE_URL"] = "https://proxy.example/v1", ["DEEPSEEK_BASE_URL"] = "http://127.0.0.1:9999",
        };

        EaioHybridChatOptions o = Bind([], env);

        Assert.Multiple(() =>
        {
            Assert.That(o.Strategy, Is.EqualTo(RoutingStrategy.ApiOnly));
            Assert.That(o.DefaultPrivacy, Is.EqualTo(PrivacyLevel.Enhanced));
            Assert.That(o.AllowApiForAggregated, Is.False);
            Assert.That(o.EmergencyLocalOnly, Is.True);
            Assert.That(o.AuditAllApiCalls, Is.False);
            Assert.That(o.MonthlyBudgetUsd, Is.EqualTo(250.5m));
            Assert.That(o.CostAlertThreshold, Is.EqualTo(0.5));
            Assert.That(o.LocalTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(o.ApiTimeout, Is.EqualTo(TimeSpan.FromSeconds(12)));
            Assert.That(o.MaxConcurrentLocal, Is.EqualTo(3));
            Assert.That(o.MaxConcurrentApi, Is.EqualTo(4));
            Assert.That(o.Ollama.BaseUrl, Is.EqualTo(new Uri("http://10.1.2.3:11434")));
            Assert.That(o.Ollama.DefaultModel, Is.EqualTo("qwen2.5:7b"));
            Assert.That(o.Ollama.KeepAlive, Is.EqualTo("1h30m"));
            Assert.That(o.OpenAI.ApiKey, Is.EqualTo("k1"));
            Assert.That(o.OpenAI.Organization, Is.EqualTo("org-1"));
            Assert.That(o.DeepSeek.ApiKey, Is.EqualTo("k2"));
            Assert.That(o.Gemini.ApiKey, Is.EqualTo("k3"));
            Assert.That(o.Mistral.ApiKey, Is.EqualTo("k4"));
            Assert.That(o.Anthropic.ApiKey, Is.EqualTo("k5"));
            Assert.That(o.OpenAI.BaseUrl, Is.EqualTo(new Uri("https://proxy.example/v1")));
            Assert.That(o.DeepSeek.BaseUrl, Is.EqualTo(new Uri("http://127.0.0.1:9999")));
        });
    }

    [Test]
    public void Structured_keys_bind_and_the_environment_wins()
    {
        EaioHybridChatOptions o = Bind(
            new()
            {
                ["Strategy"] = "local", ["Ollama:DefaultModel"] = "phi3:mini", ["BuildingPrivacy:Panther_office_Hannah"] = "PUBLIC",
                ["ClientPrivacy:tenant-a"] = "enhanced", ["Ollama:Models:Complex"] = "qwen2.5:14b",
                ["EntitySensitivity:EQUIPMENT"] = "CRITICAL", ["EntityPolicies:COORDINATES"] = "generalize",
            },
            new() { ["LLM_STRATEGY"] = "hybrid" });

        Assert.That(o.Strategy, Is.EqualTo(RoutingStrategy.Hybrid));
        Assert.That(o.Ollama.DefaultModel, Is.EqualTo("phi3:mini"));
        Assert.That(o.BuildingPrivacy["Panther_office_Hannah"], Is.EqualTo(PrivacyLevel.Public));
        Assert.That(o.ClientPrivacy["tenant-a"], Is.EqualTo(PrivacyLevel.Enhanced));
        Assert.That(o.EntitySensitivity["equipment"], Is.EqualTo(DataSensitivity.Critical));
        Assert.That(o.Pseudonymization.EntityPolicies[EntityTypes.Coordinates], Is.EqualTo(EntityPolicy.Generalize));
        Assert.That(o.ResolveCatalog().Local.ModelFor(ModelTask.Complex).Id, Is.EqualTo("qwen2.5:14b"));
        Assert.That(o.ResolveCatalog().Local.ModelFor(ModelTask.General).Id, Is.EqualTo("phi3:mini"));
    }

    [TestCase("LLM_STRATEGY", "cloud", "local, hybrid or api-only")]
    [TestCase("DEFAULT_PRIVACY_LEVEL", "SECRET", "PRIVATE, ENHANCED or PUBLIC")]
    [TestCase("DEFAULT_PRIVACY_LEVEL", "1", "PRIVATE, ENHANCED or PUBLIC")]
    [TestCase("ALLOW_API_FOR_AGGREGATED", "maybe", "true or false")]
    [TestCase("EMERGENCY_LOCAL_ONLY", "yes please", "true or false")]
    [TestCase("AUDIT_ALL_API_CALLS", "2", "true or false")]
    [TestCase("LLM_MONTHLY_BUDGET", "-5", "0 or more")]
    [TestCase("LLM_MONTHLY_BUDGET", "lots", "0 or more")]
    [TestCase("COST_ALERT_THRESHOLD", "1.5", "between 0 and 1")]
    [TestCase("COMPLEXITY_STRONG_SHARE", "1.5", "between 0 and 1")]
    [TestCase("COMPLEXITY_STRONG_SHARE", "a third", "between 0 and 1")]
    [TestCase("ADAPTIVE_ROUTING", "sometimes", "true or false")]
    [TestCase("LOCAL_TIMEOUT_SEC", "0", "greater than 0")]
    [TestCase("API_TIMEOUT_SEC", "ten", "greater than 0")]
    [TestCase("MAX_CONCURRENT_LOCAL", "-1", "1 or more")]
    [TestCase("MAX_CONCURRENT_API", "2.5", "1 or more")]
    [TestCase("OLLAMA_BASE_URL", "localhost:11434", "http or https URL")]
    [TestCase("OPENAI_BASE_URL", "ftp://x", "https URL")]
    public void An_invalid_value_names_its_key_its_value_and_what_is_allowed(string key, string value, string allowed)
    {
        EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(() => Bind([], new() { [key] = value }));
        Assert.That(error!.Errors.Single(), Does.StartWith($"{key}='{value}'").And.Contain(allowed));
    }

    [TestCase("MAX_CONCURRENT_LOCAL", "0", "1 or more")]
    [TestCase("LLM_MONTHLY_BUDGET", "10000000000", "from 0 to 9223372036")]
    [TestCase("BUDGET_RESERVATION_SEC", "400000000000", "at most 2678400")]
    [TestCase("API_TOTAL_TIMEOUT_SEC", "5000000", "up to 2073600")]
    [TestCase("LOCAL_TOTAL_TIMEOUT_SEC", "5000000", "up to 2073600")]
    [TestCase("OLLAMA_KEEP_ALIVE", "30 minutes", "Ollama duration")]
    [TestCase("OLLAMA_KEEP_ALIVE", "m30", "Ollama duration")]
    [TestCase("OPENAI_BASE_URL", "http://api.openai.com/v1", "https")]
    [TestCase("GEMINI_BASE_URL", "http://192.168.1.5/v1", "https")]
    public void A_value_out_of_range_fails_at_start_up_naming_its_key(string key, string value, string allowed)
    {
        ServiceCollection services = new();
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(() => services.AddEaioHybridChat(configuration));
        Assert.That(error!.Message, Does.Contain(key).And.Contain(value).And.Contain(allowed));
    }

    [TestCase("EntitySensitivity:EMAIL", "secret", "PUBLIC, SENSITIVE or CRITICAL")]
    [TestCase("EntityPolicies:EMAIL", "hide", "Pseudonymize, Generalize or Redact")]
    public void An_invalid_entity_setting_names_its_key(string key, string value, string allowed)
    {
        EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(() => Bind(new() { [key] = value }));
        Assert.That(error!.Errors.Single(), Does.StartWith($"{key}='{value}'").And.Contain(allowed));
    }

    [TestCase("30m")]
    [TestCase("1h30m")]
    [TestCase("-1")]
    [TestCase("0")]
    [TestCase("300")]
    [TestCase("1.5h")]
    public void Ollama_keep_alive_accepts_ollama_durations(string value)
    {
        EaioHybridChatOptions o = new();
        o.Ollama.KeepAlive = value;
        Assert.DoesNotThrow(() => EaioOptionsBinder.Validate(o));
    }

    [Test]
    public void Loopback_http_endpoints_are_allowed_for_external_providers()
    {
        Assert.That(EaioOptionsBinder.IsAllowedExternalEndpoint(new Uri("http://127.0.0.1:8080/v1")), Is.True);
        Assert.That(EaioOptionsBinder.IsAllowedExternalEndpoint(new Uri("http://localhost:8080/v1")), Is.True);
        Assert.That(EaioOptionsBinder.IsAllowedExternalEndpoint(new Uri("http://[::1]:8080/v1")), Is.True);
        Assert.That(EaioOptionsBinder.IsAllowedExternalEndpoint(new Uri("http://10.0.0.1/v1")), Is.False);
        Assert.That(EaioOptionsBinder.IsAllowedExternalEndpoint(new Uri("https://api.mistral.ai/v1/")), Is.True);
    }

    [Test]
    public void Every_error_is_reported_at_once_and_api_keys_are_never_shown()
    {
        EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(() =>
            Bind(new() { ["MaxConcurrentApi"] = "x" }, new() { ["LLM_STRATEGY"] = "x", ["LOCAL_TIMEOUT_SEC"] = "x" }));

        Assert.That(error!.Errors, Has.Count.EqualTo(3));
        Assert.That(error.Errors.Any(e => e.StartsWith("MaxConcurrentApi='x'", StringComparison.Ordinal)), Is.True);

        EaioHybridChatOptions options = new();
        options.OpenAI.ApiKey = "sk-secret-123";
        Assert.That(options.OpenAI.ToString(), Does.Not.Contain("sk-secret-123"));
    }

    [Test]
    public void Every_variable_of_the_architecture_has_a_binding()
    {
        string[] architecture =
        [
            "LLM_STRATEGY", "OLLAMA_BASE_URL", "OLLAMA_DEFAULT_MODEL", "OLLAMA_KEEP_ALIVE", "OPENAI_API_KEY", "OPENAI_ORG_ID", "DEEPSEEK_API_KEY",
            "GOOGLE_API_KEY", "LLM_MONTHLY_BUDGET", "COST_ALERT_THRESHOLD", "EMERGENCY_LOCAL_ONLY", "DEFAULT_PRIVACY_LEVEL",
            "ALLOW_API_FOR_AGGREGATED", "AUDIT_ALL_API_CALLS", "LOCAL_TIMEOUT_SEC", "API_TIMEOUT_SEC", "MAX_CONCURRENT_LOCAL", "MAX_CONCURRENT_API",
            "OPENAI_BASE_URL", "DEEPSEEK_BASE_URL", "GEMINI_BASE_URL", "MISTRAL_BASE_URL", "MISTRAL_API_KEY", "ANTHROPIC_API_KEY",
        ];
        Assert.That(EaioOptionsBinder.EnvironmentNames, Is.SupersetOf(architecture));
    }

    [TestCase(false, "it is a file, not a folder")]
    [TestCase(true, "cannot be created or written")]
    public void A_data_folder_that_cannot_hold_the_database_fails_at_start_up_naming_its_key(bool underTheFile, string why)
    {
        string file = Path.GetTempFileName();
        try
        {
            string folder = underTheFile ? Path.Combine(file, "eaio") : file;
            EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(() => new ServiceCollection().AddEaioHybridChat(o => o.DataDirectory = folder));
            Assert.That(error!.Message, Does.StartWith($"EAIO_DATA_DIR='{folder}'").And.Contain(why).And.Contain("writable folder"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
