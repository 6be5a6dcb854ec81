using Anthropic;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Creates the Anthropic provider client as an <see cref="IChatClient"/>.</summary>
internal static class AnthropicChatClientFactory
{
    /// <summary>
    /// The Anthropic client through its official SDK, retries off. Its own timeout is set to the router's total limit, as for the
    /// OpenAI-compatible clients: left unset, the SDK cuts a non-streaming call after 30 seconds (600 streaming), well inside
    /// <c>API_TOTAL_TIMEOUT_SEC</c>.
    /// </summary>
    /// <param name="options">The Anthropic settings; <see cref="ExternalProviderOptions.ApiKey"/> and <see cref="ExternalProviderOptions.BaseUrl"/> must be set.</param>
    /// <param name="defaultModel">The model a request that names none is sent to.</param>
    /// <param name="httpClient">The named client, with no timeout of its own.</param>
    /// <param name="networkTimeout">The SDK's timeout: the router's total limit.</param>
    /// <returns>The client.</returns>
    public static IChatClient Create(ExternalProviderOptions options, string defaultModel, HttpClient httpClient, TimeSpan networkTimeout) =>
        new AnthropicClient
        {
            ApiKey = options.ApiKey!,
            BaseUrl = options.BaseUrl!.ToString().TrimEnd('/'),
            MaxRetries = 0,
            Timeout = networkTimeout,
            HttpClient = httpClient,
        }.AsIChatClient(defaultModel);
}
