namespace Eaio.Routing;

/// <summary>One request category over a report's period: how many requests each tier answered and how their answers were scored.</summary>
/// <remarks>
/// The category is the one the adaptive policy learns by (<see cref="ResolvedRequestProfile.Category"/>). Requests are the
/// attempts that answered (one per answered request, whatever failed over before it); scores are those given with
/// <see cref="HybridRouterChatClient.RecordFeedbackAsync(Microsoft.Extensions.AI.ChatResponse, double, CancellationToken)"/> or <see cref="IRequestLog.RecordFeedbackAsync"/>. With scores of
/// 1 (accepted) and 0 (rejected), a mean score is the acceptance rate.
/// </remarks>
public sealed record CategoryAcceptance
{
    /// <summary>Gets the category's name.</summary>
    public required string Category { get; init; }

    /// <summary>Gets how many of the category's requests the local tier answered.</summary>
    public required int LocalRequests { get; init; }

    /// <summary>Gets how many of the local tier's answers were scored.</summary>
    public required int LocalScored { get; init; }

    /// <summary>Gets the mean score of the local tier's scored answers, or <see langword="null"/> without one.</summary>
    public double? LocalMeanScore { get; init; }

    /// <summary>Gets how many of the category's requests an external provider answered.</summary>
    public required int ExternalRequests { get; init; }

    /// <summary>Gets how many of the external answers were scored.</summary>
    public required int ExternalScored { get; init; }

    /// <summary>Gets the mean score of the scored external answers, or <see langword="null"/> without one.</summary>
    public double? ExternalMeanScore { get; init; }

    /// <summary>Gets how many of the category's requests were answered, over both tiers.</summary>
    public int Requests => LocalRequests + ExternalRequests;

    /// <summary>Gets how many answers were scored, over both tiers.</summary>
    public int Scored => LocalScored + ExternalScored;
}
