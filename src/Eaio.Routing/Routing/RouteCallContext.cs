using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// What the middleware of one route attempt share: the route the router chose, and what each layer learnt on the way down
/// (what masking replaced, what the call cost, whether the provider answered).
/// </summary>
/// <remarks>
/// <para>
/// It travels in <see cref="ChatOptions.AdditionalProperties"/> under <see cref="PropertyKey"/>. Options are copied by the
/// layers that change them, but a copy shares this object, so what an inner layer records is seen by the outer layers
/// and by the router once the call returns: the audit record gets the masked payload's hash and the cost, and the router
/// knows not to fail over a call the provider already answered.
/// </para>
/// <para>
/// The router puts one in every attempt's options. Used on its own, the first layer that needs one adds it to its own
/// copy of the options (see <see cref="Ensure"/>), naming the provider after the inner client's
/// <see cref="ChatClientMetadata.ProviderName"/> and taking it for an external one (a request log in front of a local model
/// used this way logs it as external). One context serves one call: it is not safe for concurrent calls.
/// </para>
/// <para>
/// It holds the values masking replaced, so it must never reach a provider: the router's routes remove it at their
/// bottom, before the provider's client, and it serialises to <c>null</c> for an SDK adapter that writes
/// <see cref="ChatOptions.AdditionalProperties"/> into its request with System.Text.Json.
/// </para>
/// </remarks>
[JsonConverter(typeof(RouteCallContextJsonConverter))]
public sealed class RouteCallContext
{
    /// <summary>The key of <see cref="ChatOptions.AdditionalProperties"/> the context is kept under.</summary>
    public const string PropertyKey = "eaio.call";

    /// <summary>Initializes a new instance of the <see cref="RouteCallContext"/> class.</summary>
    /// <param name="provider">The provider the call goes to.</param>
    /// <param name="tier">Whether the provider is the local model or an external API.</param>
    /// <exception cref="ArgumentException"><paramref name="provider"/> is <see langword="null"/> or empty.</exception>
    public RouteCallContext(string provider, ProviderTier tier)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        Provider = provider;
        Tier = tier;
    }

    /// <summary>Gets the provider the call goes to.</summary>
    public string Provider { get; }

    /// <summary>Gets whether the provider is the local model or an external API.</summary>
    public ProviderTier Tier { get; }

    /// <summary>Gets the tenant whose budget the call is charged to, or <see langword="null"/> for the host's own budget.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets the request's resolved profile when the router planned the call, for the audit record.</summary>
    public ResolvedRequestProfile? Profile { get; init; }

    /// <summary>Gets why the router chose the route, for the audit record; empty outside the router.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>Gets the output limit to send and hold for when the request names none.</summary>
    public int? DefaultMaxOutputTokens { get; init; }

    /// <summary>Gets the id the request log files every attempt of one request under; a layer makes one when it is <see langword="null"/>.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets how many routes of the plan failed before this attempt.</summary>
    public int Fallbacks { get; init; }

    /// <summary>Gets whether the options carrying this context are a copy made for this one call (by the router for an
    /// attempt, or by <see cref="Ensure"/>), so the layers below may change them in place instead of copying them again;
    /// options a caller passed with a context of its own are copied before any change.</summary>
    internal bool OwnsOptions { get; init; }

    /// <summary>Gets or sets the tokens the call may use (its input estimate plus its output limit), set by the budget layer
    /// so the token rate limit does not count the input again.</summary>
    public int? TokensHeld { get; set; }

    /// <summary>Gets or sets the messages as they leave (masked), set by the pseudonymisation layer.</summary>
    public IEnumerable<ChatMessage>? SentMessages { get; set; }

    /// <summary>Gets or sets how many values of each entity type masking replaced, set by the pseudonymisation layer.</summary>
    public IReadOnlyDictionary<string, int>? EntityCounts { get; set; }

    /// <summary>Gets or sets the values masking replaced (in this payload and earlier turns of the conversation), which the
    /// egress guard checks are nowhere left in what leaves. They stay local.</summary>
    public IReadOnlyCollection<string>? MaskedOriginals { get; set; }

    /// <summary>Gets or sets what the call cost, set by the budget layer when it settles or charges.</summary>
    public CallCost? Cost { get; set; }

    /// <summary>
    /// Gets or sets whether the provider answered (a response, or a first streamed update). Set by the resilience layer;
    /// after it, a failure of an outer layer (settling, audit, restoring) is never failed over: the call was served and
    /// may be billed, so it is not sent again.
    /// </summary>
    public bool ProviderAnswered { get; set; }

    /// <summary>Gets the context in <paramref name="options"/>, or <see langword="null"/> when it has none.</summary>
    /// <param name="options">The call's options.</param>
    /// <returns>The context, or <see langword="null"/>.</returns>
    public static RouteCallContext? Get(ChatOptions? options) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(PropertyKey, out object? value) ? value as RouteCallContext : null;

    /// <summary>
    /// Gets the context of a call, adding one to a copy of the options when they have none, so a layer used on its own can
    /// share what it learns with the layers around it without changing the caller's options.
    /// </summary>
    /// <param name="options">The call's options; replaced by a copy that holds the new context when one is added.</param>
    /// <param name="innerClient">The client the layer wraps, whose <see cref="ChatClientMetadata.ProviderName"/> names the provider.</param>
    /// <returns>The call's context.</returns>
    public static RouteCallContext Ensure(ref ChatOptions? options, IChatClient innerClient)
    {
        ArgumentNullException.ThrowIfNull(innerClient);
        if (Get(options) is { } existing)
        {
            return existing;
        }

        RouteCallContext context = new(ProviderOf(innerClient), ProviderTier.External) { TenantId = options.GetEaioProfile()?.TenantId, OwnsOptions = true };
        options = options?.Clone() ?? new ChatOptions();
        (options.AdditionalProperties ??= [])[PropertyKey] = context;
        return context;
    }

    /// <summary>The provider a layer's inner client names in its metadata, or <c>unknown</c>.</summary>
    internal static string ProviderOf(IChatClient innerClient) =>
        innerClient.GetService<ChatClientMetadata>()?.ProviderName is { Length: > 0 } name ? name : "unknown";

    /// <summary>The model a call names, else its client's default, or <see langword="null"/> when neither does.</summary>
    internal static string? ModelOf(ChatOptions? options, IChatClient innerClient) =>
        options?.ModelId ?? innerClient.GetService<ChatClientMetadata>()?.DefaultModelId;
}

/// <summary>Writes a <see cref="RouteCallContext"/> as <c>null</c>: what it holds stays on this machine.</summary>
internal sealed class RouteCallContextJsonConverter : JsonConverter<RouteCallContext>
{
    public override RouteCallContext? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        reader.Skip();
        return null;
    }

    public override void Write(Utf8JsonWriter writer, RouteCallContext value, JsonSerializerOptions options) => writer.WriteNullValue();
}
