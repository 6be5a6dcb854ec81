using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OllamaSharp.Models.Chat;
using OpenAI;
using OpenAI.Chat;

namespace Eaio.Routing;

/// <summary>Creates the provider SDK clients as <see cref="IChatClient"/>s.</summary>
internal static class ProviderClientFactory
{
    /// <summary>The Ollama client; its <see cref="HttpClient"/> must have no timeout of its own, the router's limits apply.</summary>
    /// <remarks>
    /// The client itself sends <see cref="OllamaProviderOptions.KeepAlive"/> with every chat request that does not name its
    /// own (a request can, with <c>keep_alive</c> in <see cref="ChatOptions.AdditionalProperties"/>). Setting it in each
    /// request's options instead would cost every request a copy of its options.
    /// </remarks>
    public static IChatClient CreateOllama(OllamaProviderOptions options, HttpClient httpClient)
    {
        httpClient.BaseAddress ??= options.BaseUrl;
        OllamaApiClient client = new(httpClient, options.DefaultModel);
        string keepAlive = options.KeepAlive;
        JsonSerializerOptions outgoing = client.OutgoingJsonSerializerOptions;
        outgoing.TypeInfoResolver = (outgoing.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(info =>
        {
            if (info.Type == typeof(ChatRequest))
            {
                info.OnSerializing = request => ((ChatRequest)request).KeepAlive ??= keepAlive;
            }
        });
        return client;
    }

    /// <summary>The Ollama client as an embedding generator; its <see cref="HttpClient"/> is the Ollama route's.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateOllamaEmbeddings(OllamaProviderOptions options, HttpClient httpClient)
    {
        httpClient.BaseAddress ??= options.BaseUrl;
        return new OllamaApiClient(httpClient, options.EmbeddingModel);
    }

    /// <summary>OpenAI's embeddings client with the SDK's retries off, through the OpenAI route's <see cref="HttpClient"/>.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateOpenAIEmbeddings(ExternalProviderOptions options, string model, HttpClient httpClient, TimeSpan networkTimeout)
    {
        return new OpenAI.Embeddings.EmbeddingClient(model, new ApiKeyCredential(options.ApiKey!), ClientOptions(options, httpClient, networkTimeout)).AsIEmbeddingGenerator();
    }

    /// <summary>An OpenAI-compatible client (OpenAI, DeepSeek, Gemini, Mistral) with the SDK's retries off, so failover is not
    /// delayed by them, that sends a request's end-user id and log-probability request (<see cref="CompletionFieldsChatClient"/>).</summary>
    public static IChatClient CreateOpenAICompatible(ExternalProviderOptions options, string defaultModel, HttpClient httpClient, TimeSpan networkTimeout)
    {
        return new CompletionFieldsChatClient(new ChatClient(defaultModel, new ApiKeyCredential(options.ApiKey!), ClientOptions(options, httpClient, networkTimeout)).AsIChatClient());
    }

    /// <summary>The OpenAI SDK's options of every client of one provider: its endpoint and organisation, no SDK retries,
    /// the route's <see cref="HttpClient"/>.</summary>
    private static OpenAIClientOptions ClientOptions(ExternalProviderOptions options, HttpClient httpClient, TimeSpan networkTimeout)
    {
        OpenAIClientOptions clientOptions = new()
        {
            Endpoint = options.BaseUrl,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = networkTimeout,
            Transport = new HttpClientPipelineTransport(httpClient),
        };
        if (!string.IsNullOrWhiteSpace(options.Organization))
        {
            clientOptions.OrganizationId = options.Organization;
        }

        return clientOptions;
    }
}
