using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The embedded price list covers the seed's models; hosts override it; an unpriced external model stops start-up.</summary>
public sealed class PriceCatalogTests
{
    [TestCase(EaioProviders.OpenAI, "gpt-4o")]
    [TestCase(EaioProviders.OpenAI, "gpt-4o-mini")]
    [TestCase(EaioProviders.OpenAI, "gpt-3.5-turbo")]
    [TestCase(EaioProviders.DeepSeek, "deepseek-chat")]
    [TestCase(EaioProviders.DeepSeek, "deepseek-coder")]
    [TestCase(EaioProviders.DeepSeek, "deepseek-reasoner")]
    [TestCase(EaioProviders.Gemini, "gemini-1.5-pro")]
    [TestCase(EaioProviders.Gemini, "gemini-1.5-flash")]
    [TestCase(EaioProviders.Gemini, "gemini-2.0-flash")]
    [TestCase(EaioProviders.Anthropic, "claude-3.5-sonnet")]
    [TestCase(EaioProviders.Anthropic, "claude-3-haiku")]
    [TestCase(EaioProviders.Mistral, "mistral-large")]
    [TestCase(EaioProviders.Mistral, "mistral-medium")]
    public void Every_model_the_seed_names_has_a_dated_price(string provider, string model)
    {
        ModelPrice price = PriceCatalog.Default.Find(provider, model)!;

        Assert.That(price, Is.Not.Null);
        Assert.That(price.InputUsdPerMillionTokens, Is.GreaterThan(0m));
        Assert.That(price.OutputUsdPerMillionTokens, Is.GreaterThanOrEqualTo(price.InputUsdPerMillionTokens));
        Assert.That(price.CachedInputUsdPerMillionTokens, Is.InRange(0m, price.InputUsdPerMillionTokens));
        Assert.That(price.ContextWindow, Is.GreaterThanOrEqualTo(16_385));
        Assert.That(price.TakenOn, Is.GreaterThan(new DateOnly(2024, 1, 1)));
    }

    [Test]
    public void Every_external_model_of_the_default_catalogue_is_priced_and_its_context_window_comes_from_the_list()
    {
        ProviderCatalog catalog = ProviderCatalog.CreateDefault();
        foreach (ProviderDescriptor provider in catalog.Providers.Where(p => p.Tier == ProviderTier.External))
        {
            foreach (ModelDescriptor model in provider.Models)
            {
                ModelPrice? price = PriceCatalog.Default.Find(provider.Name, model.Id);
                Assert.That(price, Is.Not.Null, $"{provider.Name}/{model.Id}");
                Assert.That(model.ContextWindow, Is.EqualTo(price!.ContextWindow), $"{provider.Name}/{model.Id}");
            }
        }
    }

    [Test]
    public void Cost_counts_cached_input_at_the_cached_rate_and_the_rest_at_the_full_rate()
    {
        ModelPrice price = new("p", "m", 2.00m, 0.50m, 8.00m, 1000, new DateOnly(2026, 1, 1));

        // 900 uncached x 2 + 100 cached x 0.5 + 50 out x 8 = 1,800 + 50 + 400 = 2,250 per million.
        Assert.That(price.CostUsd(1000, 100, 50), Is.EqualTo(0.00225m));
        Assert.Throws<ArgumentOutOfRangeException>(() => price.CostUsd(10, 11, 0), "more cached than sent");
        Assert.Throws<ArgumentOutOfRangeException>(() => price.CostUsd(-1, 0, 0));
    }

    [Test]
    public void A_host_price_replaces_the_list_entry_and_can_add_a_model()
    {
        PriceCatalog prices = PriceCatalog.Default.With(
        [
            new ModelPrice(EaioProviders.OpenAI, "gpt-4o", 5m, 2.5m, 15m, 128_000, new DateOnly(2026, 11, 1)),
            new ModelPrice(EaioProviders.OpenAI, "gpt-5-mini", 0.25m, 0.025m, 2m, 400_000, new DateOnly(2026, 11, 1)),
        ]);

        Assert.That(prices.Find(EaioProviders.OpenAI, "gpt-4o")!.InputUsdPerMillionTokens, Is.EqualTo(5m));
        Assert.That(prices.Find("OPENAI", "GPT-5-MINI")!.ContextWindow, Is.EqualTo(400_000), "provider and model ids are case-insensitive");
        Assert.That(prices.Prices.Count(p => p.Model == "gpt-4o"), Is.EqualTo(1));
        Assert.That(PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o")!.InputUsdPerMillionTokens, Is.EqualTo(2.50m), "the default is unchanged");
    }

    [Test]
    public void Negative_prices_and_empty_context_windows_are_refused_with_the_model_named()
    {
        ArgumentException negative = Assert.Throws<ArgumentException>(() => _ = new PriceCatalog([new ModelPrice("openai", "x", -1m, 0m, 1m, 10, default)]))!;
        ArgumentException window = Assert.Throws<ArgumentException>(() => _ = new PriceCatalog([new ModelPrice("openai", "y", 1m, 0m, 1m, 0, default)]))!;

        Assert.That(negative.Message, Does.Contain("openai/x").And.Contain("0 or more"));
        Assert.That(window.Message, Does.Contain("openai/y").And.Contain("positive"));
    }

    [Test]
    public void An_external_model_without_a_price_is_an_error_at_start_up_never_a_free_request()
    {
        ProviderCatalog catalog = new(
        [
            ProviderCatalog.CreateDefault().Local,
            new ProviderDescriptor("acme", ProviderTier.External, [new ModelDescriptor("acme-large", 32_000, ModelCapabilities.Json)],
                new Dictionary<ModelTask, string> { [ModelTask.General] = "acme-large" }, latencyRank: 1, keySetting: "ACME_API_KEY"),
        ]);
        EaioHybridChatOptions options = new() { Catalog = catalog };

        EaioConfigurationException error = Assert.Throws<EaioConfigurationException>(() => _ = new HybridRouterChatClient(options, new Dictionary<string, Microsoft.Extensions.AI.IChatClient>()))!;
        Assert.That(error.Message, Does.Contain("acme/acme-large").And.Contain("Eaio:Prices"));

        options.Prices.Add(new ModelPrice("acme", "acme-large", 1m, 1m, 2m, 32_000, new DateOnly(2026, 11, 1)));
        using HybridRouterChatClient router = new(options, new Dictionary<string, Microsoft.Extensions.AI.IChatClient>());
        Assert.That(router.Policy.Prices.Find("acme", "acme-large"), Is.Not.Null);
    }

    [Test]
    public void Prices_and_budget_settings_bind_from_configuration_and_bad_values_name_their_key()
    {
        IConfiguration good = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Prices:openai:gpt-4o:Input"] = "5",
            ["Prices:openai:gpt-4o:Output"] = "15",
            ["Prices:openai:gpt-4o:ContextWindow"] = "128000",
            ["TenantBudgets:acme"] = "25.5",
            ["BUDGET_TIME_ZONE"] = "Europe/Berlin",
            ["BUDGET_RESERVATION_SEC"] = "600",
            ["PROVIDER_TOKENS_PER_MINUTE"] = "5000",
        }).Build();

        EaioHybridChatOptions options = EaioOptionsBinder.Bind(good, _ => null);
        EaioOptionsBinder.Validate(options);

        ModelPrice price = options.ResolvePrices().Find("openai", "gpt-4o")!;
        Assert.That((price.InputUsdPerMillionTokens, price.CachedInputUsdPerMillionTokens, price.OutputUsdPerMillionTokens), Is.EqualTo((5m, 5m, 15m)));
        Assert.That(options.TenantBudgetsUsd["acme"], Is.EqualTo(25.5m));
        Assert.That(options.BudgetTimeZone.Id, Is.EqualTo("Europe/Berlin"));
        Assert.That(options.BudgetReservationLifetime, Is.EqualTo(TimeSpan.FromMinutes(10)));
        Assert.That(options.TokensPerMinute, Is.EqualTo(5000));

        IConfiguration bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Prices:openai:gpt-4o:Input"] = "cheap",
            ["TenantBudgets:acme"] = "lots",
            ["BUDGET_TIME_ZONE"] = "Mars/Olympus_Mons",
        }).Build();
        EaioConfigurationException error = Assert.Throws<EaioConfigurationException>(() => EaioOptionsBinder.Bind(bad, _ => null))!;
        Assert.That(error.Message, Does.Contain("Prices:openai:gpt-4o").And.Contain("TenantBudgets:acme='lots'").And.Contain("BUDGET_TIME_ZONE='Mars/Olympus_Mons'"));

        EaioHybridChatOptions tooShort = new() { BudgetReservationLifetime = TimeSpan.FromSeconds(60) };
        EaioConfigurationException lifetime = Assert.Throws<EaioConfigurationException>(() => EaioOptionsBinder.Validate(tooShort))!;
        Assert.That(lifetime.Message, Does.Contain("BUDGET_RESERVATION_SEC='60'").And.Contain("more than API_TOTAL_TIMEOUT_SEC"));
    }
}
