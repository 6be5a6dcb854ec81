using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Masks what leaves for the inner client (messages, instructions, tools, tool-call ids and results) with stable
/// placeholders from an <see cref="IPseudonymVault"/>, and puts the originals back into the answer: whole responses,
/// streamed text, reasoning and tool-call arguments.
/// </summary>
/// <remarks>
/// <para>
/// Each call is masked in the vault scope of its conversation (per tenant, see <see cref="CriticalConversationMarks.ScopeOf"/>),
/// so a value keeps its placeholder across turns, or, without a <see cref="ChatOptions.ConversationId"/>, in a fresh scope
/// that ends with the call (on success, failure or cancellation). The tenant is the one of the call's
/// <see cref="RouteCallContext"/>, else of the <see cref="RequestProfile"/> in the options.
/// </para>
/// <para>
/// It fails closed: a failure while sanitising, and any entity type masking finds whose sensitivity is CRITICAL, end the
/// call with <see cref="PrivacyViolationException"/> before anything is sent; a CRITICAL finding also marks the
/// conversation, so it stays local from then on (see <see cref="CriticalConversationMarks"/>). A conversation so marked
/// is refused too. A call that asks for log-probabilities (<see cref="EaioChatOptionsExtensions.WithLogProbabilities"/>)
/// and has something to mask is refused with <see cref="NotSupportedException"/>: they would describe the placeholders.
/// </para>
/// <para>
/// It never changes the caller's messages or options: it sends masked copies, and shares what it masked with the layers
/// around it through the call's <see cref="RouteCallContext"/> (<see cref="RouteCallContext.SentMessages"/>,
/// <see cref="RouteCallContext.EntityCounts"/>, <see cref="RouteCallContext.MaskedOriginals"/>, which the egress guard
/// checks). Place it in front of the egress guard, so the guard sees exactly what leaves.
/// </para>
/// </remarks>
public sealed class PseudonymizingChatClient : DelegatingChatClient
{
    private readonly PayloadMasker _masker;

    /// <summary>Initializes a new instance of the <see cref="PseudonymizingChatClient"/> class.</summary>
    /// <param name="innerClient">The client the masked call goes to, typically an external provider's.</param>
    /// <param name="vault">Where placeholders and their originals are kept.</param>
    /// <param name="detectors">The detectors that find the values to mask.</param>
    /// <param name="entitySensitivity">Overrides of <see cref="SensitiveDataScanner.DefaultSensitivityMap"/>, which decides the
    /// CRITICAL entity types; <see langword="null"/> for the defaults.</param>
    /// <param name="options">The per-entity policies; by default every type is pseudonymised.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/>, <paramref name="vault"/> or <paramref name="detectors"/> is <see langword="null"/>.</exception>
    public PseudonymizingChatClient(
        IChatClient innerClient,
        IPseudonymVault vault,
        IEnumerable<ISensitiveDataDetector> detectors,
        IReadOnlyDictionary<string, DataSensitivity>? entitySensitivity = null,
        PseudonymizerOptions? options = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(detectors);
        Vault = vault;
        _masker = new PayloadMasker(vault, detectors, entitySensitivity, options);
    }

    /// <summary>Gets the vault placeholders are kept in.</summary>
    public IPseudonymVault Vault { get; }

    /// <summary>Gets the detectors whose findings are masked.</summary>
    public IReadOnlyList<ISensitiveDataDetector> Detectors => _masker.Detectors;

    /// <summary>Gets or sets the provider named in refusals and metrics; by default the call's <see cref="RouteCallContext.Provider"/>.</summary>
    public string? ProviderName { get; set; }

    /// <summary>Finds the pseudonymising layer of a pipeline, as a router checks its routes at start-up.</summary>
    /// <param name="client">The outermost client of the pipeline.</param>
    /// <returns>The layer, or <see langword="null"/> when the pipeline has none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public static PseudonymizingChatClient? Find(IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetService(typeof(PseudonymizingChatClient)) as PseudonymizingChatClient;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        (MaskedCall call, ChatOptions sent) = await MaskAsync(messages, options, cancellationToken).ConfigureAwait(false);
        ChatResponse response = await base.GetResponseAsync(call.Messages, sent, cancellationToken).ConfigureAwait(false);
        return call.Restore(response);
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        (MaskedCall call, ChatOptions sent) = await MaskAsync(messages, options, cancellationToken).ConfigureAwait(false);
        ChatResponseUpdate? last = null;
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(call.Messages, sent, cancellationToken).ConfigureAwait(false))
        {
            last = update;
            yield return call.Restore(update);
        }

        // A placeholder fragment held back at the very end is released as it is, as part of the same message.
        if (call.Flush() is { Length: > 0 } tail)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, tail)
            {
                ResponseId = last?.ResponseId,
                MessageId = last?.MessageId,
                ConversationId = last?.ConversationId,
                ModelId = last?.ModelId,
            };
        }
    }

    /// <summary>Masks the call and publishes what it masked to the call's context, on a copy of the caller's options.</summary>
    private async ValueTask<(MaskedCall Call, ChatOptions Sent)> MaskAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ChatOptions? callers = options;
        RouteCallContext context = RouteCallContext.Ensure(ref options, InnerClient);

        // The caller's options must never change: they are changed in place only when they are the call's own copy.
        ChatOptions sent = context.OwnsOptions ? options! : options?.Clone() ?? new ChatOptions();
        string? tenant = context.TenantId ?? callers.GetEaioProfile()?.TenantId;
        MaskedCall call = await _masker.MaskAsync(
            ProviderName ?? context.Provider, tenant, sent.ConversationId, messages, sent.Instructions, sent.Tools, cancellationToken).ConfigureAwait(false);
        if (call.Originals.Count > 0 && sent.GetLogProbabilities() is not null)
        {
            // The provider would give the probabilities of an answer to placeholders, and the caller gets restored text.
            throw new NotSupportedException(
                $"Log-probabilities were asked for, and this call masks {call.Originals.Count} value(s) before it leaves: they would describe an answer to the placeholders, not the text returned. Send it without WithLogProbabilities, or without the values.");
        }

        call.Apply(sent);
        context.SentMessages = call.Messages;
        context.EntityCounts = call.EntityCounts;
        context.MaskedOriginals = call.Originals;
        return (call, sent);
    }
}
