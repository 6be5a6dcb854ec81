using Eaio.Routing;
using Microsoft.Extensions.AI;

namespace Eaio.Routing.Gateway;

/// <summary>A validated <c>POST /v1/chat/completions</c> body, translated for the router.</summary>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">The chat options, without the EAIO profile (the endpoint adds it from the key's rights).</param>
/// <param name="Model">The model the client asked for: <c>eaio-auto</c> or <c>provider/model</c>.</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk (<c>stream_options.include_usage</c>).</param>
/// <param name="RequestedPrivacy">The privacy level asked for in <c>metadata.eaio_privacy</c>, if any.</param>
/// <param name="BuildingId">The building asked about in <c>metadata.eaio_building_id</c>, if any.</param>
/// <param name="EndUser">The end user as the client named it (<c>user</c>), if any; never sent on as it is.</param>
internal sealed record ChatCompletionRequest(
    IList<ChatMessage> Messages,
    ChatOptions Options,
    string Model,
    bool Stream,
    bool IncludeUsage,
    PrivacyLevel? RequestedPrivacy,
    string? BuildingId,
    string? EndUser = null)
{
    /// <summary>Gets the field that asked for log-probabilities (<c>logprobs</c>; on <c>/v1/responses</c> <c>include</c> or
    /// <c>top_logprobs</c>), which a refusal names.</summary>
    public string LogProbabilitiesField { get; init; } = "logprobs";
}
