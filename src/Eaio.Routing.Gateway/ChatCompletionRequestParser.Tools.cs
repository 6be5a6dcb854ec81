using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Eaio.Routing.Gateway;

/// <summary>Function tools: declarations, <c>tool_choice</c>, assistant tool calls and tool results.</summary>
/// <remarks>
/// They become Microsoft.Extensions.AI's own types (<see cref="AIFunctionDeclaration"/>, <see cref="ChatToolMode"/>,
/// <see cref="FunctionCallContent"/>, <see cref="FunctionResultContent"/>), which the router already profiles, masks and
/// restores: a tool result that carries one building's readings keeps the request local, and arguments, results and
/// call ids leave for an external provider masked.
/// </remarks>
internal static partial class ChatCompletionRequestParser
{
    private static readonly JsonElement s_emptyParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    private static void ParseTools(JsonElement root, ChatOptions options, bool? schemaStrict)
    {
        foreach (string field in (ReadOnlySpan<string>)["functions", "function_call"])
        {
            if (root.TryGetProperty(field, out JsonElement old) && old.ValueKind != JsonValueKind.Null)
            {
                throw Bad(field, $"'{field}' is OpenAI's deprecated form of function calling; send 'tools' and 'tool_choice' instead.", "unsupported_parameter");
            }
        }

        List<AITool> tools = [];
        HashSet<string> names = new(StringComparer.Ordinal);
        List<(string Where, bool Strict)> strictness = [];
        if (schemaStrict is not null || options.ResponseFormat is ChatResponseFormatJson { Schema: not null })
        {
            strictness.Add(("response_format.json_schema.strict", schemaStrict ?? false));
        }

        if (root.TryGetProperty("tools", out JsonElement array) && array.ValueKind != JsonValueKind.Null)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                throw Bad("tools", $"'tools' must be an array of {{\"type\": \"function\", \"function\": {{…}}}} objects, not {Kind(array)}.", "invalid_type");
            }

            int i = 0;
            foreach (JsonElement tool in array.EnumerateArray())
            {
                string at = $"tools[{i++}]";
                string? type = tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (type != "function")
                {
                    throw Bad($"{at}.type", $"'{at}.type' is '{type ?? "(missing)"}'; allowed: function.");
                }

                if (!tool.TryGetProperty("function", out JsonElement function) || function.ValueKind != JsonValueKind.Object)
                {
                    throw Bad($"{at}.function", $"'{at}.function' is required: an object with 'name', and optionally 'description', 'parameters' and 'strict'.", "missing_required_parameter");
                }

                string name = FunctionName(function, $"{at}.function.name");
                if (!names.Add(name))
                {
                    throw Bad($"{at}.function.name", $"'{at}.function.name' is '{name}', which an earlier tool already declares; tool names must be unique.");
                }

                string? description = null;
                if (function.TryGetProperty("description", out JsonElement d) && d.ValueKind != JsonValueKind.Null)
                {
                    description = d.ValueKind == JsonValueKind.String ? d.GetString() : throw Bad($"{at}.function.description", $"'{at}.function.description' must be a string, not {Kind(d)}.", "invalid_type");
                }

                JsonElement parameters = s_emptyParameters;
                if (function.TryGetProperty("parameters", out JsonElement p) && p.ValueKind != JsonValueKind.Null)
                {
                    parameters = p.ValueKind == JsonValueKind.Object ? p.Clone() : throw Bad($"{at}.function.parameters", $"'{at}.function.parameters' must be a JSON Schema object, not {Kind(p)}.", "invalid_type");
                }

                strictness.Add(($"{at}.function.strict", OptionalBool(function, "strict", $"{at}.function.strict") ?? false));
                tools.Add(AIFunctionFactory.CreateDeclaration(name, description, parameters));
            }
        }

        if (tools.Count > 0)
        {
            options.Tools = tools;
            options.AllowMultipleToolCalls = OptionalBool(root, "parallel_tool_calls");
        }

        options.ToolMode = ParseToolChoice(root, names);

        ApplyStrict(strictness, options);
    }

    /// <summary>Carries the request's <c>strict</c> flags, which must agree.</summary>
    /// <remarks>
    /// Microsoft.Extensions.AI.OpenAI reads one 'strict' for the whole request (ChatOptions.AdditionalProperties), for the
    /// schema and every tool alike: a request that mixes strict and non-strict cannot be carried as it was asked.
    /// </remarks>
    /// <param name="strictness">Each place that sets <c>strict</c>, with its value (false when absent).</param>
    /// <param name="options">The options to set it on.</param>
    internal static void ApplyStrict(List<(string Where, bool Strict)> strictness, ChatOptions options)
    {
        if (strictness.Any(s => s.Strict))
        {
            if (strictness.FirstOrDefault(s => !s.Strict) is { Where: not null } loose)
            {
                string strictOne = strictness.First(s => s.Strict).Where;
                throw Bad(loose.Where, $"'{strictOne}' is true but '{loose.Where}' is not: this gateway carries one 'strict' per request, for the response format and every tool alike; set strict to true on all of them or on none.");
            }

            (options.AdditionalProperties ??= [])["strict"] = true;
        }
    }

    private static ChatToolMode? ParseToolChoice(JsonElement root, HashSet<string> names)
    {
        if (!root.TryGetProperty("tool_choice", out JsonElement choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        ChatToolMode mode;
        string? required = null;
        if (choice.ValueKind == JsonValueKind.String)
        {
            mode = choice.GetString() switch
            {
                "none" => ChatToolMode.None,
                "auto" => ChatToolMode.Auto,
                "required" => ChatToolMode.RequireAny,
                _ => throw Bad("tool_choice", $"'tool_choice' is {Describe(choice)}; allowed: none, auto, required, or {{\"type\": \"function\", \"function\": {{\"name\": …}}}}."),
            };
        }
        else if (choice.ValueKind == JsonValueKind.Object
            && choice.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() == "function"
            && choice.TryGetProperty("function", out JsonElement function) && function.ValueKind == JsonValueKind.Object)
        {
            required = FunctionName(function, "tool_choice.function.name");
            mode = ChatToolMode.RequireSpecific(required);
        }
        else
        {
            throw Bad("tool_choice", $"'tool_choice' must be none, auto, required, or {{\"type\": \"function\", \"function\": {{\"name\": …}}}}, not {Kind(choice)}.", "invalid_type");
        }

        if (mode != ChatToolMode.None && names.Count == 0)
        {
            throw Bad("tool_choice", "'tool_choice' asks for a tool call, but 'tools' declares none.");
        }

        if (required is not null && !names.Contains(required))
        {
            throw Bad("tool_choice.function.name", $"'tool_choice.function.name' is '{required}', which 'tools' does not declare; declared: {string.Join(", ", names)}.");
        }

        return mode;
    }

    /// <summary>An assistant turn: its text, its tool calls, or both; <c>content</c> may be null when it has tool calls.</summary>
    private static List<AIContent> ParseAssistantContent(JsonElement message, string at)
    {
        List<AIContent> contents = [];
        bool hasCalls = message.TryGetProperty("tool_calls", out JsonElement calls) && calls.ValueKind != JsonValueKind.Null;
        if (hasCalls && (calls.ValueKind != JsonValueKind.Array || calls.GetArrayLength() == 0))
        {
            throw Bad($"{at}.tool_calls", $"'{at}.tool_calls' must be a non-empty array of tool calls, not {Kind(calls)}.", "invalid_type");
        }

        if (!hasCalls || (message.TryGetProperty("content", out JsonElement content) && content.ValueKind != JsonValueKind.Null))
        {
            // An empty text next to tool calls (LangChain sends "") is no text at all.
            contents.AddRange(ParseContent(message, at, ChatRole.Assistant).Where(c => !hasCalls || c is not TextContent { Text.Length: 0 }));
        }

        if (!hasCalls)
        {
            return contents;
        }

        int j = 0;
        foreach (JsonElement call in calls.EnumerateArray())
        {
            string callAt = $"{at}.tool_calls[{j++}]";
            if (call.ValueKind != JsonValueKind.Object)
            {
                throw Bad(callAt, $"'{callAt}' must be an object with 'id', 'type' and 'function', not {Kind(call)}.", "invalid_type");
            }

            string id = RequiredString(call, "id", $"{callAt}.id");
            string? type = call.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type is not (null or "function"))
            {
                throw Bad($"{callAt}.type", $"'{callAt}.type' is '{type}'; allowed: function.");
            }

            if (!call.TryGetProperty("function", out JsonElement function) || function.ValueKind != JsonValueKind.Object)
            {
                throw Bad($"{callAt}.function", $"'{callAt}.function' is required: an object with 'name' and 'arguments'.", "missing_required_parameter");
            }

            string name = FunctionName(function, $"{callAt}.function.name");
            string arguments = function.TryGetProperty("arguments", out JsonElement a) && a.ValueKind == JsonValueKind.String
                ? a.GetString()!
                : throw Bad($"{callAt}.function.arguments", $"'{callAt}.function.arguments' must be a string of JSON, such as \"{{}}\".", "invalid_type");
            contents.Add(new FunctionCallContent(id, name, ParseArguments(arguments, $"{callAt}.function.arguments")));
        }

        return contents;
    }

    /// <summary>A <c>tool</c> message: the result of one call, as the text the client sent (the router scans and masks it as text).</summary>
    private static FunctionResultContent ParseToolResult(JsonElement message, string at)
    {
        string callId = RequiredString(message, "tool_call_id", $"{at}.tool_call_id");
        if (!message.TryGetProperty("content", out JsonElement content) || content.ValueKind == JsonValueKind.Null)
        {
            throw Bad($"{at}.content", $"'{at}.content' is required: the tool's result as a string or an array of text parts.", "missing_required_parameter");
        }

        string result = content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(ParseContent(message, at, ChatRole.Tool).Select(c => ((TextContent)c).Text));
        return new FunctionResultContent(callId, result);
    }

    internal static Dictionary<string, object?> ParseArguments(string json, string at)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json.Length == 0 ? "{}" : json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Bad(at, $"'{at}' must be a JSON object, not {Kind(document.RootElement)}.");
            }

            return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            throw Bad(at, $"'{at}' is not valid JSON; it must be a JSON object encoded as a string.");
        }
    }

    internal static string FunctionName(JsonElement function, string at)
    {
        string name = RequiredString(function, "name", at);
        return FunctionNamePattern().IsMatch(name)
            ? name
            : throw Bad(at, $"'{at}' is '{name}'; allowed: 1 to 64 letters, digits, underscores and dashes.");
    }

    internal static string RequiredString(JsonElement parent, string property, string at) =>
        parent.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Bad(at, $"'{at}' is required: a non-empty string.", value.ValueKind == JsonValueKind.Undefined ? "missing_required_parameter" : "invalid_type");

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionNamePattern();
}
