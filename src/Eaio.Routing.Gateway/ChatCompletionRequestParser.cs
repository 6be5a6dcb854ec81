using System.Text.Json;
using Eaio.Routing;
using Microsoft.Extensions.AI;

namespace Eaio.Routing.Gateway;

/// <summary>Validates an OpenAI Chat Completions body and translates it into messages and <see cref="ChatOptions"/>.</summary>
/// <remarks>
/// Every refusal names the field (<c>messages[2].role</c>) and what is allowed, as OpenAI's API does, so a client
/// developer can fix the request from the message alone. Fields this gateway does not know are ignored, as OpenAI's SDKs
/// send new ones over time; fields it knows but cannot honour (n &gt; 1) are refused rather than dropped silently,
/// and the end user (<c>user</c>) is passed on only as a pseudonym.
/// </remarks>
internal static partial class ChatCompletionRequestParser
{
    /// <summary>The largest output limit accepted; above any model's in the catalogue.</summary>
    public const int MaxOutputTokensLimit = 1_000_000;

    /// <summary>Parses and validates a request body.</summary>
    /// <param name="root">The parsed JSON body.</param>
    /// <returns>The request.</returns>
    /// <exception cref="GatewayErrorException">The body is invalid; the error names the field.</exception>
    public static ChatCompletionRequest Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad(null, $"The request body must be a JSON object, not {Kind(root)}.");
        }

        string model = root.TryGetProperty("model", out JsonElement modelElement) && modelElement.ValueKind == JsonValueKind.String && modelElement.GetString() is { Length: > 0 } m
            ? m
            : throw Bad("model", $"'model' is required: a string such as '{GatewayModels.AutoModel}' (see GET /v1/models).", modelElement.ValueKind == JsonValueKind.Undefined ? "missing_required_parameter" : "invalid_type");

        List<ChatMessage> messages = ParseMessages(root);
        ChatOptions options = new();

        // Both are validated even when both are sent: a bad max_tokens is a client bug to report, not one to hide.
        int? maxCompletionTokens = OptionalInt(root, "max_completion_tokens", 1, MaxOutputTokensLimit);
        int? maxTokens = OptionalInt(root, "max_tokens", 1, MaxOutputTokensLimit);
        options.MaxOutputTokens = maxCompletionTokens ?? maxTokens;
        options.Temperature = OptionalFloat(root, "temperature", 0, 2);
        options.TopP = OptionalFloat(root, "top_p", 0, 1);
        options.FrequencyPenalty = OptionalFloat(root, "frequency_penalty", -2, 2);
        options.PresencePenalty = OptionalFloat(root, "presence_penalty", -2, 2);
        if (root.TryGetProperty("seed", out JsonElement seed) && seed.ValueKind != JsonValueKind.Null)
        {
            options.Seed = seed.ValueKind == JsonValueKind.Number && seed.TryGetInt64(out long s) ? s : throw Bad("seed", $"'seed' must be an integer, not {Kind(seed)}.", "invalid_type");
        }

        if (OptionalInt(root, "n", 1, int.MaxValue) is > 1)
        {
            throw Bad("n", "'n' must be 1: this gateway returns one choice per request. Each choice would need its own budget hold and its own restoration of masked values, and a local route cannot produce several; send n separate requests instead.", "unsupported_parameter");
        }

        options.StopSequences = ParseStop(root);
        options.ResponseFormat = ParseResponseFormat(root, out bool? schemaStrict);
        ParseTools(root, options, schemaStrict);
        ParseLogProbabilities(root, options);
        string? endUser = ParseEndUser(root);

        bool stream = OptionalBool(root, "stream") ?? false;
        bool includeUsage = false;
        if (root.TryGetProperty("stream_options", out JsonElement streamOptions) && streamOptions.ValueKind != JsonValueKind.Null)
        {
            if (!stream)
            {
                throw Bad("stream_options", "'stream_options' is only allowed when 'stream' is true.");
            }

            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                throw Bad("stream_options", $"'stream_options' must be an object such as {{\"include_usage\": true}}, not {Kind(streamOptions)}.", "invalid_type");
            }

            includeUsage = OptionalBool(streamOptions, "include_usage", "stream_options.include_usage") ?? false;
        }

        (PrivacyLevel? privacy, string? building) = ParseMetadata(root);
        return new ChatCompletionRequest(messages, options, model, stream, includeUsage, privacy, building, endUser);
    }

    private static List<ChatMessage> ParseMessages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out JsonElement array) || array.ValueKind == JsonValueKind.Null)
        {
            throw Bad("messages", "'messages' is required: a non-empty array of {\"role\", \"content\"} objects.", "missing_required_parameter");
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw Bad("messages", $"'messages' must be a non-empty array of {{\"role\", \"content\"}} objects, not {Kind(array)}.", array.ValueKind == JsonValueKind.Array ? "empty_array" : "invalid_type");
        }

        List<ChatMessage> messages = new(array.GetArrayLength());
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            string at = $"messages[{i}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw Bad(at, $"'{at}' must be an object with 'role' and 'content', not {Kind(item)}.", "invalid_type");
            }

            string? roleText = item.TryGetProperty("role", out JsonElement roleElement) && roleElement.ValueKind == JsonValueKind.String ? roleElement.GetString() : null;
            ChatRole role = roleText switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "tool" => ChatRole.Tool,
                "function" => throw Bad($"{at}.role", $"'{at}.role' is 'function', OpenAI's deprecated form; send role 'tool' with 'tool_call_id' instead."),
                null => throw Bad($"{at}.role", $"'{at}.role' is required; allowed: {Roles}.", "missing_required_parameter"),
                _ => throw Bad($"{at}.role", $"'{at}.role' is '{roleText}'; allowed: {Roles}."),
            };

            ChatMessage message = new(role, role == ChatRole.Tool
                ? [ParseToolResult(item, at)]
                : role == ChatRole.Assistant ? ParseAssistantContent(item, at) : ParseContent(item, at, role));
            if (item.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String)
            {
                message.AuthorName = name.GetString();
            }

            messages.Add(message);
            i++;
        }

        return messages;
    }

    private const string Roles = "system, developer, user, assistant, tool";

    private static List<AIContent> ParseContent(JsonElement message, string at, ChatRole role)
    {
        if (!message.TryGetProperty("content", out JsonElement content) || content.ValueKind == JsonValueKind.Null)
        {
            throw Bad($"{at}.content", $"'{at}.content' is required: a string or an array of content parts.", "missing_required_parameter");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextContent(content.GetString())];
        }

        if (content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0)
        {
            throw Bad($"{at}.content", $"'{at}.content' must be a string or a non-empty array of content parts, not {Kind(content)}.", "invalid_type");
        }

        List<AIContent> parts = new(content.GetArrayLength());
        int j = 0;
        foreach (JsonElement part in content.EnumerateArray())
        {
            string partAt = $"{at}.content[{j}]";
            string? type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            switch (type)
            {
                case "text":
                    parts.Add(new TextContent(part.TryGetProperty("text", out JsonElement text) && text.ValueKind == JsonValueKind.String
                        ? text.GetString()
                        : throw Bad($"{partAt}.text", $"'{partAt}.text' must be a string.", "invalid_type")));
                    break;
                case "image_url" when role == ChatRole.User:
                    parts.Add(ParseImage(part, partAt));
                    break;
                default:
                    throw Bad($"{partAt}.type", $"'{partAt}.type' is '{type ?? "(missing)"}'; allowed: text, and image_url in user messages.");
            }

            j++;
        }

        return parts;
    }

    private static AIContent ParseImage(JsonElement part, string at)
    {
        string? url = part.TryGetProperty("image_url", out JsonElement image) && image.ValueKind == JsonValueKind.Object
            && image.TryGetProperty("url", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        JsonElement detail = default;
        if (image.ValueKind == JsonValueKind.Object)
        {
            image.TryGetProperty("detail", out detail);
        }

        return Image(url, detail, $"{at}.image_url.url", $"{at}.image_url.detail");
    }

    /// <summary>An image by URL or data: URI, with OpenAI's detail level when given.</summary>
    /// <param name="url">The URL, or <see langword="null"/> when the client sent none.</param>
    /// <param name="detail">The detail level as sent (undefined or null when absent).</param>
    /// <param name="urlAt">The URL's field, for errors.</param>
    /// <param name="detailAt">The detail level's field, for errors.</param>
    /// <returns>The content.</returns>
    internal static AIContent Image(string? url, JsonElement detail, string urlAt, string detailAt)
    {
        if (url is null)
        {
            throw Bad(urlAt, $"'{urlAt}' must be a string: an https URL or a data: URI.", "missing_required_parameter");
        }

        AIContent content;
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            DataContent data;
            try
            {
                data = new DataContent(url);
            }
            catch (FormatException)
            {
                throw Bad(urlAt, $"'{urlAt}' is not a valid base64 data: URI.");
            }

            // Any other type is not an image: the router would block it later as an unsanitised attachment (403),
            // which blames privacy for what is a malformed request.
            content = data.HasTopLevelMediaType("image")
                ? data
                : throw Bad(urlAt, $"'{urlAt}' is a data: URI of type '{data.MediaType}'; only image/* data: URIs are allowed.");
        }
        else
        {
            content = Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                ? new UriContent(uri, "image/*")
                : throw Bad(urlAt, $"'{urlAt}' must be an http(s) URL or a data: URI.");
        }

        // Microsoft.Extensions.AI.OpenAI reads the detail level from this property; the masking step keeps it on its copy.
        if (detail.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            content.AdditionalProperties = new()
            {
                ["detail"] = detail.ValueKind == JsonValueKind.String && detail.GetString() is "auto" or "low" or "high"
                    ? detail.GetString()
                    : throw Bad(detailAt, $"'{detailAt}' is {Describe(detail)}; allowed: auto, low, high."),
            };
        }

        return content;
    }

    internal static List<string>? ParseStop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out JsonElement stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            return [stop.GetString()!];
        }

        if (stop.ValueKind == JsonValueKind.Array && stop.GetArrayLength() <= 4 && stop.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String))
        {
            return [.. stop.EnumerateArray().Select(s => s.GetString()!)];
        }

        throw Bad("stop", "'stop' must be a string or an array of up to 4 strings.");
    }

    private static ChatResponseFormat? ParseResponseFormat(JsonElement root, out bool? strict)
    {
        strict = null;
        if (!root.TryGetProperty("response_format", out JsonElement format) || format.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        string? type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "text":
                return ChatResponseFormat.Text;
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema":
                if (format.TryGetProperty("json_schema", out JsonElement js) && js.ValueKind == JsonValueKind.Object
                    && js.TryGetProperty("schema", out JsonElement schema) && schema.ValueKind == JsonValueKind.Object)
                {
                    string? name = js.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                    string? description = js.TryGetProperty("description", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                    strict = OptionalBool(js, "strict", "response_format.json_schema.strict");
                    return ChatResponseFormat.ForJsonSchema(schema.Clone(), name, description);
                }

                throw Bad("response_format.json_schema.schema", "'response_format.json_schema.schema' must be a JSON Schema object.", "missing_required_parameter");
            default:
                throw Bad("response_format.type", $"'response_format.type' is '{type ?? "(missing)"}'; allowed: text, json_object, json_schema.");
        }
    }

    /// <summary>Reads <c>logprobs</c> and <c>top_logprobs</c> into the options (<see cref="EaioChatOptionsExtensions.WithLogProbabilities"/>).</summary>
    /// <remarks>
    /// The router then plans the request only onto models that return them, and only when nothing in it is masked; a
    /// request that cannot have them (it must stay local, or it carries values that would be masked) is refused after
    /// planning with a 400 that says which (<see cref="RoutedChat.Map"/>), never answered without them.
    /// </remarks>
    internal static void ParseLogProbabilities(JsonElement root, ChatOptions options)
    {
        bool? logprobs = OptionalBool(root, "logprobs");
        int? top = OptionalInt(root, "top_logprobs", 0, EaioChatOptionsExtensions.MaxTopLogProbabilities);
        if (top is not null && logprobs != true)
        {
            throw Bad("top_logprobs", "'top_logprobs' needs 'logprobs': true, as in OpenAI's API; send both or neither.");
        }

        if (logprobs == true)
        {
            options.WithLogProbabilities(top ?? 0);
        }
    }

    /// <summary>Reads the end user a request is made for, from <c>user</c> or <c>safety_identifier</c>.</summary>
    /// <remarks>
    /// The value (often an e-mail) never leaves: the gateway sends the provider an HMAC of it instead
    /// (<see cref="EndUserPseudonyms"/>). Both fields name the same thing in OpenAI's API, so both are read; two different
    /// values cannot be carried as one id.
    /// </remarks>
    /// <param name="root">The request body.</param>
    /// <returns>The end user, or <see langword="null"/> when neither field is sent.</returns>
    internal static string? ParseEndUser(JsonElement root)
    {
        string? user = EndUserField(root, "user");
        string? safety = EndUserField(root, "safety_identifier");
        if (user is not null && safety is not null && !string.Equals(user, safety, StringComparison.Ordinal))
        {
            throw Bad("safety_identifier", "'user' and 'safety_identifier' are both sent with different values; this gateway carries one end-user id per request. Send one of them.");
        }

        return user ?? safety;
    }

    /// <summary>The longest end-user id accepted.</summary>
    public const int MaxEndUserLength = 512;

    private static string? EndUserField(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= MaxEndUserLength } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw Bad(name, $"'{name}' must be a non-empty string of at most {MaxEndUserLength} characters identifying the end user, not {Kind(value)}.", value.ValueKind == JsonValueKind.String ? "invalid_value" : "invalid_type");
    }

    internal static (PrivacyLevel? Privacy, string? Building) ParseMetadata(JsonElement root)
    {
        if (!root.TryGetProperty("metadata", out JsonElement metadata) || metadata.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw Bad("metadata", $"'metadata' must be an object of string values, not {Kind(metadata)}.", "invalid_type");
        }

        PrivacyLevel? privacy = null;
        if (metadata.TryGetProperty("eaio_privacy", out JsonElement p))
        {
            privacy = p.ValueKind == JsonValueKind.String && PrivacyLevels.TryParse(p.GetString(), out PrivacyLevel level)
                ? level
                : throw Bad("metadata.eaio_privacy", $"'metadata.eaio_privacy' is {Describe(p)}; allowed: private, enhanced, public.");
        }

        string? building = null;
        if (metadata.TryGetProperty("eaio_building_id", out JsonElement b))
        {
            // Trimmed, and looked up ignoring case by the router's options, so " panther_office_hannah" gets the same
            // privacy level as Panther_office_Hannah.
            building = b.ValueKind == JsonValueKind.String && b.GetString()?.Trim() is { Length: > 0 } id
                ? id
                : throw Bad("metadata.eaio_building_id", "'metadata.eaio_building_id' must be a non-empty string (a BDG2 building id).", "invalid_type");
        }

        return (privacy, building);
    }

    internal static int? OptionalInt(JsonElement root, string name, int min, int max)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
        {
            throw Bad(name, $"'{name}' must be an integer from {min} to {max}, not {Describe(value)}.", "invalid_type");
        }

        return number >= min && number <= max ? (int)number : throw Bad(name, $"'{name}' is {number}; allowed: an integer from {min} to {max}.");
    }

    internal static float? OptionalFloat(JsonElement root, string name, float min, float max)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || double.IsNaN(number))
        {
            throw Bad(name, $"'{name}' must be a number from {min} to {max}, not {Describe(value)}.", "invalid_type");
        }

        return number >= min && number <= max ? (float)number : throw Bad(name, $"'{name}' is {value.GetRawText()}; allowed: a number from {min} to {max}.");
    }

    internal static bool? OptionalBool(JsonElement root, string name, string? path = null)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(path ?? name, $"'{path ?? name}' must be true or false, not {Describe(value)}.", "invalid_type"),
        };
    }

    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"'{value.GetString()}'",
        JsonValueKind.Number => value.GetRawText(),
        _ => Kind(value),
    };

    internal static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "an empty array" : "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    internal static GatewayErrorException Bad(string? param, string message, string code = "invalid_value") =>
        new(GatewayError.BadRequest(param, message, code));
}
