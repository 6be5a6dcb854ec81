using System.Text.Json;
using System.Text.Json.Serialization;

namespace Eaio.Routing;

/// <summary>The prices of external models, from the embedded price list and the host's overrides.</summary>
/// <remarks>
/// The embedded list (<c>prices.json</c> in the package) covers every external model of the default catalogue, with the
/// day each price was taken. Prices change; hosts override or add entries with <see cref="With"/> or the
/// <c>Eaio:Prices</c> configuration section rather than waiting for a release. Local models cost nothing and are not listed.
/// </remarks>
public sealed class PriceCatalog
{
    private static readonly Lazy<PriceCatalog> s_default = new(LoadEmbedded);

    private readonly Dictionary<(string Provider, string Model), ModelPrice> _byModel;

    /// <summary>Initializes a new instance of the <see cref="PriceCatalog"/> class.</summary>
    /// <param name="prices">The prices; a later entry for the same provider and model (or alias) replaces an earlier one.</param>
    /// <exception cref="ArgumentException">A price is negative or a context window is not positive.</exception>
    public PriceCatalog(IEnumerable<ModelPrice> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);

        _byModel = new(PriceKeyComparer.Instance);
        List<ModelPrice> ordered = [];
        foreach (ModelPrice price in prices)
        {
            Validate(price);
            ordered.RemoveAll(p => PriceKeyComparer.Instance.Equals((p.Provider, p.Model), (price.Provider, price.Model)));
            ordered.Add(price);
            _byModel[(price.Provider, price.Model)] = price;
            foreach (string alias in price.Aliases)
            {
                _byModel[(price.Provider, alias)] = price;
            }
        }

        Prices = ordered;
    }

    /// <summary>Gets the embedded price list.</summary>
    public static PriceCatalog Default => s_default.Value;

    /// <summary>Gets every price, in order.</summary>
    public IReadOnlyList<ModelPrice> Prices { get; }

    /// <summary>Finds the price of a model.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="model">The model id or one of its aliases.</param>
    /// <returns>The price, or <see langword="null"/> when the catalogue has none.</returns>
    public ModelPrice? Find(string provider, string model)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(model);
        return _byModel.GetValueOrDefault((provider, model));
    }

    /// <summary>Gets a catalogue with these prices added, replacing entries for the same provider and model.</summary>
    /// <param name="overrides">The host's prices.</param>
    /// <returns>The new catalogue; this one is unchanged.</returns>
    public PriceCatalog With(IEnumerable<ModelPrice> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        return new PriceCatalog(Prices.Concat(overrides));
    }

    private static void Validate(ModelPrice price)
    {
        ArgumentNullException.ThrowIfNull(price);
        string name = $"{price.Provider}/{price.Model}";
        if (string.IsNullOrWhiteSpace(price.Provider) || string.IsNullOrWhiteSpace(price.Model))
        {
            throw new ArgumentException($"A price needs a provider and a model; got '{name}'.", nameof(price));
        }

        if (price.InputUsdPerMillionTokens < 0 || price.CachedInputUsdPerMillionTokens < 0 || price.OutputUsdPerMillionTokens < 0)
        {
            throw new ArgumentException($"The price of {name} is negative; prices are US dollars per million tokens, 0 or more.", nameof(price));
        }

        if (price.ContextWindow <= 0)
        {
            throw new ArgumentException($"The context window of {name} is {price.ContextWindow}; it must be a positive number of tokens.", nameof(price));
        }
    }

    private static PriceCatalog LoadEmbedded()
    {
        using Stream stream = typeof(PriceCatalog).Assembly.GetManifestResourceStream("Eaio.Routing.prices.json")
            ?? throw new InvalidOperationException("The embedded price list 'Eaio.Routing.prices.json' is missing from the assembly.");
        PriceListJson list = JsonSerializer.Deserialize(stream, PriceListJsonContext.Default.PriceListJson)
            ?? throw new InvalidOperationException("The embedded price list is empty.");
        return new PriceCatalog(list.Prices.Select(p =>
            new ModelPrice(p.Provider, p.Model, p.Input, p.CachedInput, p.Output, p.ContextWindow, p.TakenOn) { Aliases = p.Aliases ?? [] }));
    }

    private sealed class PriceKeyComparer : IEqualityComparer<(string Provider, string Model)>
    {
        public static readonly PriceKeyComparer Instance = new();

        public bool Equals((string Provider, string Model) x, (string Provider, string Model) y) =>
            string.Equals(x.Provider, y.Provider, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Model, y.Model, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Provider, string Model) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Provider), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Model));
    }
}

internal sealed record PriceListJson(IReadOnlyList<PriceJson> Prices);

internal sealed record PriceJson(
    string Provider, string Model, decimal Input, decimal CachedInput, decimal Output, int ContextWindow, DateOnly TakenOn, IReadOnlyList<string>? Aliases);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(PriceListJson))]
internal sealed partial class PriceListJsonContext : JsonSerializerContext;
