using System.Runtime.InteropServices;
using System.Text.Json;
using Eaio.Routing;
using Microsoft.Extensions.AI;
using static Eaio.Routing.Gateway.ChatCompletionRequestParser;

namespace Eaio.Routing.Gateway;

/// <summary>
/// <c>POST /v1/embeddings</c>: the input embedded by <see cref="PrivacyRoutingEmbeddingGenerator"/> under the key's privacy
/// rights: locally unless the rules allow OpenAI, with the cost on the tenant's budget and the external call audited.
/// </summary>
/// <remarks>
/// <c>eaio-auto</c> lets the rules choose; <c>openai/text-embedding-3-small</c> (or the bare name) pins OpenAI and is
/// refused (403) where the input may not leave; <c>ollama/&lt;model&gt;</c> pins a local model. The answer's <c>model</c>
/// names what made the vectors, since vectors of two models must not be mixed in one index.
/// </remarks>
internal sealed class EmbeddingsEndpoint
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly EaioHybridChatOptions _options;
    private readonly RoutedChat _routed;

    /// <summary>Initializes a new instance of the <see cref="EmbeddingsEndpoint"/> class.</summary>
    /// <param name="embeddings">The privacy-routing embedding generator.</param>
    /// <param name="options">The router's options, for the embedding models' names.</param>
    /// <param name="routed">The shared refusal handling.</param>
    public EmbeddingsEndpoint(IEmbeddingGenerator<string, Embedding<float>> embeddings, EaioHybridChatOptions options, RoutedChat routed)
    {
        _embeddings = embeddings;
        _options = options;
        _routed = routed;
    }

    /// <summary>Handles one request; the caller has authenticated it.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="key">The request's key.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public async Task HandleAsync(HttpContext context, GatewayKey key)
    {
        string[] inputs;
        bool base64;
        GatewayModel model;
        EmbeddingGenerationOptions options = new();
        try
        {
            using JsonDocument body = await RoutedChat.ReadBodyAsync(context.Request, "'model' and 'input'");
            JsonElement root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(null, $"The request body must be a JSON object, not {Kind(root)}.");
            }

            model = ResolveModel(root);
            inputs = ParseInput(root);
            base64 = ParseEncoding(root);
            if (root.TryGetProperty("dimensions", out JsonElement dimensions) && dimensions.ValueKind != JsonValueKind.Null)
            {
                throw Bad("dimensions", "'dimensions' cannot be honoured: a request may be embedded locally, whose model has one fixed size. Send the request without it.", "unsupported_parameter");
            }

            if (root.TryGetProperty("user", out JsonElement user) && user.ValueKind != JsonValueKind.Null)
            {
                // Microsoft.Extensions.AI.OpenAI's embedding generator has no way to send it that the router checks.
                throw Bad("user", "'user' is not carried on embeddings: the gateway passes an end user on to providers only as a pseudonym, and only for chat (/v1/chat/completions, /v1/responses). Send the request without 'user'.", "unsupported_parameter");
            }

            (PrivacyLevel? requested, string? building) = ParseMetadata(root);
            PrivacyLevel privacy = RoutedChat.EffectivePrivacy(key, requested, context.Request.Headers[RoutedChat.PrivacyHeader]);
            if (model.Tier == ProviderTier.External && privacy == PrivacyLevel.Private)
            {
                throw new GatewayErrorException(new GatewayError(
                    StatusCodes.Status403Forbidden,
                    $"The model '{model.Id}' is external, and this request is PRIVATE: it may only be embedded locally. Use '{GatewayModels.AutoModel}' or ollama/{_options.Ollama.EmbeddingModel}.",
                    "permission_error",
                    "model",
                    "privacy_blocked"));
            }

            (options.AdditionalProperties ??= [])[EaioChatOptionsExtensions.ProfileKey] = new RequestProfile
            {
                TenantId = key.Tenant,
                Privacy = privacy,
                BuildingId = building,
                Provider = model.Provider,
                Model = model.Model,
            };
        }
        catch (GatewayErrorException ex)
        {
            await _routed.RefuseAsync(context.Response, key, ex.Error);
            return;
        }

        GeneratedEmbeddings<Embedding<float>> result;
        try
        {
            result = await _embeddings.GenerateAsync(inputs, options, context.RequestAborted);
        }
        catch (Exception ex) when (RoutedChat.Map(ex, model, _options) is { } error)
        {
            await _routed.RefuseAsync(context.Response, key, error);
            return;
        }

        EmbeddingRoute route = PrivacyRoutingEmbeddingGenerator.GetRoute(result)
            ?? throw new InvalidOperationException("The embedding generator did not attach a route: the gateway must use the EAIO embedding router.");
        await WriteAsync(context.Response, result, route, base64);
    }

    private GatewayModel ResolveModel(JsonElement root)
    {
        string name = root.TryGetProperty("model", out JsonElement m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } text
            ? text
            : throw Bad("model", $"'model' is required: '{GatewayModels.AutoModel}', openai/{_options.OpenAIEmbeddingModel} or ollama/{_options.Ollama.EmbeddingModel}.", "missing_required_parameter");
        if (string.Equals(name, GatewayModels.AutoModel, StringComparison.OrdinalIgnoreCase))
        {
            return new GatewayModel(GatewayModels.AutoModel, null, null, ProviderTier.Local);
        }

        if (string.Equals(name, _options.OpenAIEmbeddingModel, StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, $"{EaioProviders.OpenAI}/{_options.OpenAIEmbeddingModel}", StringComparison.OrdinalIgnoreCase))
        {
            return new GatewayModel(name, EaioProviders.OpenAI, _options.OpenAIEmbeddingModel, ProviderTier.External);
        }

        if (name.StartsWith(EaioProviders.Ollama + "/", StringComparison.OrdinalIgnoreCase) && name.Length > EaioProviders.Ollama.Length + 1)
        {
            return new GatewayModel(name, EaioProviders.Ollama, name[(EaioProviders.Ollama.Length + 1)..], ProviderTier.Local);
        }

        throw new GatewayErrorException(new GatewayError(
            StatusCodes.Status404NotFound,
            $"The embedding model '{name}' does not exist here; use '{GatewayModels.AutoModel}', openai/{_options.OpenAIEmbeddingModel} or ollama/<model>.",
            "invalid_request_error",
            "model",
            "model_not_found"));
    }

    private static string[] ParseInput(JsonElement root)
    {
        if (!root.TryGetProperty("input", out JsonElement input) || input.ValueKind == JsonValueKind.Null)
        {
            throw Bad("input", "'input' is required: a string or an array of strings.", "missing_required_parameter");
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            return [input.GetString()!];
        }

        if (input.ValueKind == JsonValueKind.Array && input.GetArrayLength() > 0 && input.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String))
        {
            return [.. input.EnumerateArray().Select(i => i.GetString()!)];
        }

        // Token arrays are refused: the privacy rules read text, and tokens of one model's vocabulary are not text.
        throw Bad("input", $"'input' must be a string or a non-empty array of strings, not {Kind(input)}; token arrays are not accepted, as the privacy rules read text.", "invalid_type");
    }

    private static bool ParseEncoding(JsonElement root)
    {
        if (!root.TryGetProperty("encoding_format", out JsonElement format) || format.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return format.ValueKind == JsonValueKind.String && format.GetString() is "float" or "base64"
            ? format.GetString() == "base64"
            : throw Bad("encoding_format", $"'encoding_format' is {Describe(format)}; allowed: float, base64.");
    }

    private static async Task WriteAsync(HttpResponse response, GeneratedEmbeddings<Embedding<float>> result, EmbeddingRoute route, bool base64)
    {
        response.Headers[OpenAIWire.ProviderHeader] = route.Provider;
        response.Headers[OpenAIWire.ModelHeader] = route.Model;
        response.ContentType = "application/json";
        using (Utf8JsonWriter json = new(response.BodyWriter, OpenAIWire.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            int index = 0;
            foreach (Embedding<float> embedding in result)
            {
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", index++);
                if (base64)
                {
                    // OpenAI's base64 form: the float32 values' little-endian bytes.
                    json.WriteBase64String("embedding", MemoryMarshal.AsBytes(embedding.Vector.Span));
                }
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (float value in embedding.Vector.Span)
                    {
                        json.WriteNumberValue(value);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("model", $"{route.Provider}/{route.Model}");
            long tokens = result.Usage?.InputTokenCount ?? route.Cost?.InputTokens ?? 0;
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", tokens);
            json.WriteNumber("total_tokens", tokens);
            json.WriteEndObject();
            json.WriteStartObject("eaio");
            json.WriteString("provider", route.Provider);
            json.WriteString("model", route.Model);
            json.WriteString("tier", route.Tier == ProviderTier.Local ? "local" : "external");
            json.WriteString("privacy", PrivacyLevels.Name(route.Profile.Privacy));
            json.WriteString("sensitivity", route.Profile.Sensitivity.ToString().ToUpperInvariant());
            if (route.Cost is { } cost)
            {
                json.WriteNumber("cost_usd", cost.Usd);
            }
            else
            {
                json.WriteNull("cost_usd");
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync();
    }
}
