using System.Runtime.InteropServices;
using System.Text.Json;
using Eaio.Routing;
using Microsoft.Extensions.AI;
using static Eaio.Routing.Gateway.ChatCompletionRequestParser;

namespace Eaio.Routing.Gateway;

/// <summary>
/// Validates an OpenAI Responses body (the subset the AI SDK and OpenAI's SDKs send for text, streaming, function tools and
/// JSON) and translates it into the same messages and <see cref="ChatOptions"/> a chat completion would give the router.
/// </summary>
/// <remarks>
/// <para>
/// Follow-up turns may name what the gateway answered before instead of sending it again, as OpenAI's stored responses
/// allow: an <c>item_reference</c> to an output item (what the AI SDK sends for earlier assistant text when
/// <c>store</c> is on, its default) is replaced by that item, and a <c>previous_response_id</c> puts that response's input
/// and output before <c>input</c> (its <c>instructions</c> are not carried over, as on OpenAI). Both resolve only against
/// the <see cref="ResponseStore"/> of the same API key: the gateway's own recent answers, in this process's memory, for
/// <c>Gateway:Responses:StoreMinutes</c> after their last use. A resolved item is parsed exactly as the client's own
/// items are, so the router scans and masks it the same way. An unknown, expired or other key's id gets 400.
/// </para>
/// <para>
/// What needs more state (<c>conversation</c>, <c>background</c>) is refused with a message that says how to send the
/// conversation instead. Hosted tools and fields that would change the answer but cannot reach the provider are refused
/// too; fields the gateway does not know are ignored, as on chat completions.
/// </para>
/// </remarks>
internal static class ResponsesRequestParser
{
    private static readonly JsonElement s_noTools = JsonDocument.Parse("[]").RootElement.Clone();
    private static readonly JsonElement s_autoChoice = JsonDocument.Parse("\"auto\"").RootElement.Clone();
    private static readonly JsonElement s_textFormat = JsonDocument.Parse("""{"type":"text"}""").RootElement.Clone();
    private static readonly JsonElement s_emptyParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    private const string Stateless = "this gateway keeps no conversations: send the whole conversation in 'input' (earlier turns as messages, function_call and function_call_output items), or name the previous response in 'previous_response_id'.";

    /// <summary>Parses and validates a request body.</summary>
    /// <param name="root">The parsed JSON body.</param>
    /// <param name="store">The responses the gateway keeps, which <c>item_reference</c> and <c>previous_response_id</c> name.</param>
    /// <param name="key">The request's key: only its own responses can be named.</param>
    /// <returns>The request.</returns>
    /// <exception cref="GatewayErrorException">The body is invalid, names a response or item this key does not have, or asks for what the gateway cannot honour; the error names the field.</exception>
    public static ResponsesRequest Parse(JsonElement root, ResponseStore store, GatewayKey key)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad(null, $"The request body must be a JSON object, not {Kind(root)}.");
        }

        RefuseStateful(root, store);
        bool keep = store.Enabled && OptionalBool(root, "store") != false;
        string? previous = null;
        if (root.TryGetProperty("previous_response_id", out JsonElement p) && p.ValueKind != JsonValueKind.Null)
        {
            previous = p.ValueKind == JsonValueKind.String && p.GetString() is { Length: > 0 } id
                ? id
                : throw Bad("previous_response_id", $"'previous_response_id' must be the 'id' of an earlier response (resp_…), not {Describe(p)}.", "invalid_type");
        }

        string model = root.TryGetProperty("model", out JsonElement modelElement) && modelElement.ValueKind == JsonValueKind.String && modelElement.GetString() is { Length: > 0 } m
            ? m
            : throw Bad("model", $"'model' is required: a string such as '{GatewayModels.AutoModel}' (see GET /v1/models).", modelElement.ValueKind == JsonValueKind.Undefined ? "missing_required_parameter" : "invalid_type");

        List<ChatMessage> messages = [];
        string? instructions = null;
        if (root.TryGetProperty("instructions", out JsonElement i) && i.ValueKind != JsonValueKind.Null)
        {
            instructions = i.ValueKind == JsonValueKind.String ? i.GetString() : throw Bad("instructions", $"'instructions' must be a string, not {Kind(i)}.", "invalid_type");
            messages.Add(new ChatMessage(ChatRole.System, instructions));
        }

        List<byte[]>? kept = keep ? [] : null;
        if (previous is not null)
        {
            Replay(store, key, previous, messages, kept);
        }

        ParseInput(root, messages, store, key, kept);

        ChatOptions options = new()
        {
            MaxOutputTokens = OptionalInt(root, "max_output_tokens", 1, MaxOutputTokensLimit),
            Temperature = OptionalFloat(root, "temperature", 0, 2),
            TopP = OptionalFloat(root, "top_p", 0, 1),
        };
        List<(string Where, bool Strict)> strictness = [];
        JsonElement textFormat = ParseTextFormat(root, options, strictness);
        (JsonElement tools, HashSet<string> names) = ParseTools(root, options, strictness);
        JsonElement toolChoice = ParseToolChoice(root, options, names);
        bool? parallel = OptionalBool(root, "parallel_tool_calls");
        if (options.Tools is not null)
        {
            options.AllowMultipleToolCalls = parallel;
        }

        ApplyStrict(strictness, options);
        string? logProbabilitiesField = ParseLogProbabilities(root, options);
        string? endUser = ParseEndUser(root);

        bool stream = OptionalBool(root, "stream") ?? false;
        if (root.TryGetProperty("stream_options", out JsonElement streamOptions) && streamOptions.ValueKind != JsonValueKind.Null && !stream)
        {
            throw Bad("stream_options", "'stream_options' is only allowed when 'stream' is true.");
        }

        (PrivacyLevel? privacy, string? building) = ParseMetadata(root);

        // A streamed response always ends with its usage (response.completed), so include_usage is always on.
        ChatCompletionRequest chat = new(messages, options, model, stream, IncludeUsage: true, privacy, building, endUser)
        {
            LogProbabilitiesField = logProbabilitiesField ?? "include",
        };
        return new ResponsesRequest(chat, instructions, tools, toolChoice, textFormat, parallel ?? true, previous, kept);
    }

    private const string LogprobsInclude = "message.output_text.logprobs";

    private static bool IsLogprobsInclude(JsonElement item) => item.ValueKind == JsonValueKind.String && item.ValueEquals(LogprobsInclude);

    /// <summary>Reads <c>include: ["message.output_text.logprobs"]</c> and <c>top_logprobs</c>, the Responses form of
    /// <c>logprobs</c>, into the options; either asks for them, as the AI SDK and <c>openai</c> send them together.</summary>
    /// <returns>The field that asked for them, or <see langword="null"/> when none did.</returns>
    private static string? ParseLogProbabilities(JsonElement root, ChatOptions options)
    {
        int? top = OptionalInt(root, "top_logprobs", 0, EaioChatOptionsExtensions.MaxTopLogProbabilities);
        bool included = root.TryGetProperty("include", out JsonElement include) && include.ValueKind == JsonValueKind.Array
            && include.EnumerateArray().Any(IsLogprobsInclude);
        if (!included && top is null)
        {
            return null;
        }

        options.WithLogProbabilities(top ?? 0);
        return included ? "include" : "top_logprobs";
    }

    private static void RefuseStateful(JsonElement root, ResponseStore store)
    {
        if (root.TryGetProperty("conversation", out JsonElement conversation) && conversation.ValueKind != JsonValueKind.Null)
        {
            throw Bad("conversation", "'conversation' cannot be honoured: " + Stateless, "unsupported_parameter");
        }

        if (OptionalBool(root, "store") == true && !store.Enabled)
        {
            throw Bad("store", $"'store: true' cannot be honoured: this gateway is set to keep no responses ({ResponseStore.StoreMinutesSetting} is 0). Send 'store: false' or leave it out (with the AI SDK: providerOptions.openai.store = false).", "unsupported_parameter");
        }

        if (OptionalBool(root, "background") == true)
        {
            throw Bad("background", "'background: true' cannot be honoured: this gateway keeps no responses to poll; send the request without it.", "unsupported_parameter");
        }

        if (root.TryGetProperty("include", out JsonElement include) && include.ValueKind == JsonValueKind.Array
            && include.EnumerateArray().Where(i => !IsLogprobsInclude(i)).ToArray() is { Length: > 0 } unsupported)
        {
            throw Bad("include", $"'include' asks for {string.Join(", ", unsupported.Select(Describe))}, which this gateway cannot add: it serves function tools only and no encrypted reasoning; of 'include' it honours '{LogprobsInclude}' only. Send the request without the others.", "unsupported_parameter");
        }

        foreach (string field in (ReadOnlySpan<string>)["reasoning", "max_tool_calls", "prompt"])
        {
            if (root.TryGetProperty(field, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                throw Bad(field, $"'{field}' cannot be honoured: the router sends Responses requests to its providers as chat completions, which have no such setting. Send the request without '{field}'.", "unsupported_parameter");
            }
        }

        if (root.TryGetProperty("truncation", out JsonElement truncation) && truncation.ValueKind != JsonValueKind.Null
            && !(truncation.ValueKind == JsonValueKind.String && truncation.GetString() == "disabled"))
        {
            throw Bad("truncation", $"'truncation' is {Describe(truncation)}; only 'disabled' is honoured: the gateway does not drop parts of a conversation.");
        }
    }

    /// <summary>Puts a kept response's input and output before the request's own input, as OpenAI does.</summary>
    private static void Replay(ResponseStore store, GatewayKey key, string previous, List<ChatMessage> messages, List<byte[]>? kept)
    {
        IReadOnlyList<byte[]> history = store.FindConversation(key, previous) ?? throw new GatewayErrorException(new GatewayError(
            StatusCodes.Status400BadRequest,
            $"Previous response with id '{previous}' not found. " + Kept(store),
            "invalid_request_error",
            "previous_response_id",
            "previous_response_not_found"));
        int index = 0;
        foreach (byte[] item in history)
        {
            AddItem(JsonElement.Parse(item), $"previous_response_id item {index++}", messages);
            kept?.Add(item);
        }
    }

    private static void ParseInput(JsonElement root, List<ChatMessage> messages, ResponseStore store, GatewayKey key, List<byte[]>? kept)
    {
        if (!root.TryGetProperty("input", out JsonElement input) || input.ValueKind == JsonValueKind.Null)
        {
            throw Bad("input", "'input' is required: a string, or an array of messages and function_call / function_call_output items.", "missing_required_parameter");
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            messages.Add(new ChatMessage(ChatRole.User, input.GetString()));
            kept?.Add(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string?> { ["role"] = "user", ["content"] = input.GetString() }));
            return;
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            throw Bad("input", $"'input' must be a string or a non-empty array of items, not {Kind(input)}.", input.ValueKind == JsonValueKind.Array ? "empty_array" : "invalid_type");
        }

        int index = 0;
        foreach (JsonElement item in input.EnumerateArray())
        {
            string at = $"input[{index++}]";
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String && t.GetString() == "item_reference")
            {
                string id = RequiredString(item, "id", $"{at}.id");
                byte[] referenced = store.FindItem(key, id) ?? throw Bad(
                    $"{at}.id",
                    $"'{at}' references item '{id}', which this gateway does not have for this API key. " + Kept(store),
                    "item_not_found");

                // The item as the client received it, parsed like one the client sent: the router masks it the same way.
                AddItem(JsonElement.Parse(referenced), at, messages);
                kept?.Add(referenced);
                continue;
            }

            AddItem(item, at, messages);
            kept?.Add(JsonMarshal.GetRawUtf8Value(item).ToArray());
        }
    }

    /// <summary>What the gateway keeps, for the message of a reference it cannot resolve.</summary>
    private static string Kept(ResponseStore store) => store.Enabled
        ? $"This gateway keeps the responses it served to each API key for {store.LifetimeText} after their last use, in this process's memory only (lost on restart, not shared between gateway processes). Send the whole conversation in 'input' instead (with the AI SDK: providerOptions.openai.store = false always sends the full history)."
        : $"This gateway is set to keep no responses ({ResponseStore.StoreMinutesSetting} is 0): send the whole conversation in 'input' (with the AI SDK: providerOptions.openai.store = false always sends the full history).";

    private static void AddItem(JsonElement item, string at, List<ChatMessage> messages)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Bad(at, $"'{at}' must be an object (a message or a function_call / function_call_output item), not {Kind(item)}.", "invalid_type");
        }

        string? type = item.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case null or "message":
                messages.Add(ParseMessage(item, at));
                break;
            case "function_call":
                string arguments = item.TryGetProperty("arguments", out JsonElement a) && a.ValueKind == JsonValueKind.String
                    ? a.GetString()!
                    : throw Bad($"{at}.arguments", $"'{at}.arguments' must be a string of JSON, such as \"{{}}\".", "invalid_type");
                FunctionCallContent call = new(RequiredString(item, "call_id", $"{at}.call_id"), FunctionName(item, $"{at}.name"), ParseArguments(arguments, $"{at}.arguments"));

                // Calls of one turn belong to one assistant message, as chat completions carry them; a provider refuses
                // tool results that do not answer the calls of the message just before them.
                if (messages.Count > 0 && messages[^1].Role == ChatRole.Assistant)
                {
                    messages[^1].Contents.Add(call);
                }
                else
                {
                    messages.Add(new ChatMessage(ChatRole.Assistant, [call]));
                }

                break;
            case "function_call_output":
                messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(RequiredString(item, "call_id", $"{at}.call_id"), ToolOutput(item, at))]));
                break;
            default:
                throw Bad($"{at}.type", $"'{at}.type' is '{type}'; allowed: message, function_call, function_call_output, item_reference.");
        }
    }

    private static ChatMessage ParseMessage(JsonElement item, string at)
    {
        string? roleText = item.TryGetProperty("role", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        ChatRole role = roleText switch
        {
            "system" or "developer" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            null => throw Bad($"{at}.role", $"'{at}.role' is required; allowed: system, developer, user, assistant.", "missing_required_parameter"),
            _ => throw Bad($"{at}.role", $"'{at}.role' is '{roleText}'; allowed: system, developer, user, assistant."),
        };

        if (!item.TryGetProperty("content", out JsonElement content) || content.ValueKind == JsonValueKind.Null)
        {
            throw Bad($"{at}.content", $"'{at}.content' is required: a string or an array of content parts.", "missing_required_parameter");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatMessage(role, content.GetString());
        }

        if (content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0)
        {
            throw Bad($"{at}.content", $"'{at}.content' must be a string or a non-empty array of content parts, not {Kind(content)}.", "invalid_type");
        }

        List<AIContent> parts = [];
        int j = 0;
        foreach (JsonElement part in content.EnumerateArray())
        {
            string partAt = $"{at}.content[{j++}]";
            string? type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            switch (type)
            {
                case "input_text" or "output_text" or "refusal":
                    string field = type == "refusal" ? "refusal" : "text";
                    parts.Add(new TextContent(part.TryGetProperty(field, out JsonElement text) && text.ValueKind == JsonValueKind.String
                        ? text.GetString()
                        : throw Bad($"{partAt}.{field}", $"'{partAt}.{field}' must be a string.", "invalid_type")));
                    break;
                case "input_image" when role == ChatRole.User:
                    if (part.TryGetProperty("file_id", out JsonElement file) && file.ValueKind != JsonValueKind.Null)
                    {
                        throw Bad($"{partAt}.file_id", $"'{partAt}.file_id' cannot be honoured: this gateway has no file store; send the image as 'image_url' (an https URL or a data: URI).", "unsupported_parameter");
                    }

                    part.TryGetProperty("detail", out JsonElement detail);
                    parts.Add(Image(
                        part.TryGetProperty("image_url", out JsonElement url) && url.ValueKind == JsonValueKind.String ? url.GetString() : null,
                        detail,
                        $"{partAt}.image_url",
                        $"{partAt}.detail"));
                    break;
                default:
                    throw Bad($"{partAt}.type", $"'{partAt}.type' is '{type ?? "(missing)"}'; allowed: input_text, input_image (user messages) and output_text (assistant messages).");
            }
        }

        return new ChatMessage(role, parts);
    }

    /// <summary>A function's output: a string, or text parts, which the router scans and masks as text.</summary>
    private static string ToolOutput(JsonElement item, string at)
    {
        if (!item.TryGetProperty("output", out JsonElement output) || output.ValueKind == JsonValueKind.Null)
        {
            throw Bad($"{at}.output", $"'{at}.output' is required: the function's result as a string.", "missing_required_parameter");
        }

        if (output.ValueKind == JsonValueKind.String)
        {
            return output.GetString()!;
        }

        if (output.ValueKind == JsonValueKind.Array && output.EnumerateArray().All(p => p.ValueKind == JsonValueKind.Object
            && p.TryGetProperty("type", out JsonElement t) && t.GetString() == "input_text" && p.TryGetProperty("text", out JsonElement x) && x.ValueKind == JsonValueKind.String))
        {
            return string.Concat(output.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
        }

        throw Bad($"{at}.output", $"'{at}.output' must be a string or an array of input_text parts, not {Kind(output)}.", "invalid_type");
    }

    private static JsonElement ParseTextFormat(JsonElement root, ChatOptions options, List<(string Where, bool Strict)> strictness)
    {
        if (!root.TryGetProperty("text", out JsonElement text) || text.ValueKind == JsonValueKind.Null)
        {
            return s_textFormat;
        }

        if (text.ValueKind != JsonValueKind.Object)
        {
            throw Bad("text", $"'text' must be an object such as {{\"format\": {{\"type\": \"json_object\"}}}}, not {Kind(text)}.", "invalid_type");
        }

        if (text.TryGetProperty("verbosity", out JsonElement verbosity) && verbosity.ValueKind != JsonValueKind.Null)
        {
            throw Bad("text.verbosity", "'text.verbosity' cannot be honoured: the router's providers are called through chat completions, which have no verbosity setting. Send the request without it.", "unsupported_parameter");
        }

        if (!text.TryGetProperty("format", out JsonElement format) || format.ValueKind == JsonValueKind.Null)
        {
            return s_textFormat;
        }

        string? type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "text":
                options.ResponseFormat = ChatResponseFormat.Text;
                break;
            case "json_object":
                options.ResponseFormat = ChatResponseFormat.Json;
                break;
            case "json_schema":
                JsonElement schema = format.TryGetProperty("schema", out JsonElement s) && s.ValueKind == JsonValueKind.Object
                    ? s.Clone()
                    : throw Bad("text.format.schema", "'text.format.schema' must be a JSON Schema object.", "missing_required_parameter");
                string? name = format.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                string? description = format.TryGetProperty("description", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                if (OptionalBool(format, "strict", "text.format.strict") is { } strict)
                {
                    strictness.Add(("text.format.strict", strict));
                }

                options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, name, description);
                break;
            default:
                throw Bad("text.format.type", $"'text.format.type' is '{type ?? "(missing)"}'; allowed: text, json_object, json_schema.");
        }

        return format.Clone();
    }

    private static (JsonElement Tools, HashSet<string> Names) ParseTools(JsonElement root, ChatOptions options, List<(string Where, bool Strict)> strictness)
    {
        HashSet<string> names = new(StringComparer.Ordinal);
        if (!root.TryGetProperty("tools", out JsonElement array) || array.ValueKind == JsonValueKind.Null)
        {
            return (s_noTools, names);
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Bad("tools", $"'tools' must be an array of {{\"type\": \"function\", \"name\": …}} objects, not {Kind(array)}.", "invalid_type");
        }

        List<AITool> tools = [];
        int i = 0;
        foreach (JsonElement tool in array.EnumerateArray())
        {
            string at = $"tools[{i++}]";
            string? type = tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type != "function")
            {
                throw Bad($"{at}.type", $"'{at}.type' is '{type ?? "(missing)"}'; allowed: function. OpenAI's hosted tools (web search, file search, code interpreter, …) are not available through this gateway.");
            }

            string name = FunctionName(tool, $"{at}.name");
            if (!names.Add(name))
            {
                throw Bad($"{at}.name", $"'{at}.name' is '{name}', which an earlier tool already declares; tool names must be unique.");
            }

            string? description = null;
            if (tool.TryGetProperty("description", out JsonElement d) && d.ValueKind != JsonValueKind.Null)
            {
                description = d.ValueKind == JsonValueKind.String ? d.GetString() : throw Bad($"{at}.description", $"'{at}.description' must be a string, not {Kind(d)}.", "invalid_type");
            }

            JsonElement parameters = s_emptyParameters;
            if (tool.TryGetProperty("parameters", out JsonElement p) && p.ValueKind != JsonValueKind.Null)
            {
                parameters = p.ValueKind == JsonValueKind.Object ? p.Clone() : throw Bad($"{at}.parameters", $"'{at}.parameters' must be a JSON Schema object, not {Kind(p)}.", "invalid_type");
            }

            // Only a strict the client sent counts: the chat completions the router calls default to non-strict.
            if (OptionalBool(tool, "strict", $"{at}.strict") is { } strict)
            {
                strictness.Add(($"{at}.strict", strict));
            }

            tools.Add(AIFunctionFactory.CreateDeclaration(name, description, parameters));
        }

        if (tools.Count > 0)
        {
            options.Tools = tools;
        }

        return (array.Clone(), names);
    }

    private static JsonElement ParseToolChoice(JsonElement root, ChatOptions options, HashSet<string> names)
    {
        if (!root.TryGetProperty("tool_choice", out JsonElement choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return s_autoChoice;
        }

        string? required = null;
        if (choice.ValueKind == JsonValueKind.String)
        {
            options.ToolMode = choice.GetString() switch
            {
                "none" => ChatToolMode.None,
                "auto" => ChatToolMode.Auto,
                "required" => ChatToolMode.RequireAny,
                _ => throw Bad("tool_choice", $"'tool_choice' is {Describe(choice)}; allowed: none, auto, required, or {{\"type\": \"function\", \"name\": …}}."),
            };
        }
        else if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() == "function")
        {
            required = FunctionName(choice, "tool_choice.name");
            options.ToolMode = ChatToolMode.RequireSpecific(required);
        }
        else
        {
            throw Bad("tool_choice", $"'tool_choice' must be none, auto, required, or {{\"type\": \"function\", \"name\": …}}, not {Kind(choice)}; hosted and allowed_tools choices are not available through this gateway.", "invalid_type");
        }

        if (options.ToolMode != ChatToolMode.None && names.Count == 0)
        {
            throw Bad("tool_choice", "'tool_choice' asks for a tool call, but 'tools' declares none.");
        }

        if (required is not null && !names.Contains(required))
        {
            throw Bad("tool_choice.name", $"'tool_choice.name' is '{required}', which 'tools' does not declare; declared: {string.Join(", ", names)}.");
        }

        return choice.Clone();
    }
}
