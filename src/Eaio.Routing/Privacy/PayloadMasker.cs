using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Masks what one call sends to an external provider, the one implementation behind <see cref="PseudonymizingChatClient"/>
/// and the router: opens the vault scope, masks messages, instructions and tools in one vault round trip, refuses CRITICAL
/// findings, and reads the scope once for the egress guard and the restore.
/// </summary>
/// <remarks>Fails closed: whatever goes wrong while sanitising becomes a <see cref="PrivacyViolationException"/>, and nothing is sent.</remarks>
internal sealed class PayloadMasker
{
    private readonly IPseudonymVault _vault;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly CompositeDetector _detector;
    private readonly SensitiveDataScanner _classifier;

    /// <summary>Gets the detectors masking runs.</summary>
    public IReadOnlyList<ISensitiveDataDetector> Detectors { get; }

    public PayloadMasker(IPseudonymVault vault, IEnumerable<ISensitiveDataDetector> detectors, IReadOnlyDictionary<string, DataSensitivity>? entitySensitivity, PseudonymizerOptions? options)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(detectors);
        _vault = vault;
        _pseudonymizer = new Pseudonymizer(vault, options);
        ISensitiveDataDetector[] detectorList = [.. detectors];
        Detectors = detectorList;
        _detector = new CompositeDetector(detectorList);
        _classifier = new SensitiveDataScanner([], entitySensitivity);
    }

    public IPseudonymVault Vault => _vault;

    /// <summary>Masks one call's payload in the scope of its conversation (per tenant), or in a fresh request-only scope.</summary>
    /// <param name="provider">The provider the payload would go to, for messages and metrics.</param>
    /// <param name="tenantId">The tenant the conversation belongs to.</param>
    /// <param name="conversationId">The conversation, or <see langword="null"/> for a request-only scope.</param>
    /// <param name="messages">The caller's messages; not changed.</param>
    /// <param name="instructions">The system instructions, or <see langword="null"/>.</param>
    /// <param name="tools">The tools offered, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The masked call.</returns>
    /// <exception cref="PrivacyViolationException">Sanitising failed, or masking found CRITICAL data.</exception>
    public async ValueTask<MaskedCall> MaskAsync(
        string provider, string? tenantId, string? conversationId, IEnumerable<ChatMessage> messages, string? instructions, IEnumerable<AITool>? tools, CancellationToken cancellationToken)
    {
        // A call outside any conversation keeps its scope itself: nothing else ever reads it (see RequestPseudonymScope).
        IPseudonymVault vault = conversationId is null ? new RequestPseudonymScope() : _vault;
        string? scope = null;
        PseudonymizedRequest masked;
        try
        {
            scope = await vault.OpenScopeAsync(conversationId is null ? null : CriticalConversationMarks.ScopeOf(tenantId, conversationId), cancellationToken).ConfigureAwait(false);

            // The system prompt and the tools' descriptions and schemas leave with the messages, so they are masked the
            // same way, in the same scope: a tool that names a building does not force every request offering it to stay local.
            masked = await _pseudonymizer.PseudonymizeRequestAsync(vault, scope, messages, instructions is { Length: > 0 } ? instructions : null, tools is null || !tools.Any() ? null : tools, _detector, cancellationToken).ConfigureAwait(false);
            IList<ChatMessage> sent = masked.Messages;
            for (int m = 0; m < sent.Count; m++)
            {
                // Author names are people's names; providers do not need them.
                sent[m].AuthorName = null;
            }
        }
        catch (Exception ex)
        {
            // Fail closed: a payload that could not be sanitised does not leave. The caller's cancellation stays one.
            throw Refusal(ex, provider, $"sanitising failed ({ex.GetType().Name})", cancellationToken);
        }

        foreach (string entityType in masked.EntityCounts.Keys)
        {
            if (_classifier.Classify(entityType) == DataSensitivity.Critical)
            {
                // Masking found CRITICAL data (readings in a tool result the profile did not see as such): masked or not,
                // it stays local, and a conversation stays local from now on.
                if (conversationId is not null)
                {
                    await CriticalConversationMarks.MarkScopeAsync(_vault, scope, CancellationToken.None).ConfigureAwait(false);
                }

                throw new PrivacyViolationException(provider, $"masking found {entityType}, which is CRITICAL and stays local");
            }
        }

        foreach (KeyValuePair<string, int> count in masked.EntityCounts)
        {
            EaioMetrics.PseudonymizedEntities.Add(
                count.Value,
                new KeyValuePair<string, object?>(EaioMetrics.ProviderTag, provider),
                new KeyValuePair<string, object?>("eaio.entity.type", count.Key));
        }

        // Read once, after every placeholder of the payload is issued: it restores the answer (whole or streamed) and
        // lists the values masked in earlier turns, which must not leave either, even where this turn's detectors did
        // not find them again.
        PseudonymScopeSnapshot snapshot;
        try
        {
            snapshot = await vault.GetSnapshotAsync(scope, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Refusal(ex, provider, $"the conversation's masked values could not be read ({ex.GetType().Name})", cancellationToken);
        }

        if (conversationId is not null && CriticalConversationMarks.IsMarked(snapshot))
        {
            throw new PrivacyViolationException(provider, "an earlier turn of this conversation carried CRITICAL data, so the conversation stays local");
        }

        List<string> originals = [.. masked.Originals];
        if (conversationId is not null)
        {
            originals.AddRange(snapshot.Originals);
        }

        return new MaskedCall(masked, snapshot, originals);
    }

    /// <summary>What a failure becomes: the caller's cancellation as it is, anything else a refusal.</summary>
    private static Exception Refusal(Exception ex, string provider, string finding, CancellationToken cancellationToken) =>
        ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? ex : new PrivacyViolationException(provider, finding);
}
