using System.Buffers;
using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Applies a string rewrite to every string inside tool-call arguments and tool results, recursively.</summary>
internal static class ContentValueRewriter
{
    /// <summary>Rewrites every value of an argument dictionary into a new dictionary; keys are parameter names and kept.</summary>
    public static Dictionary<string, object?>? RewriteArguments(
        IDictionary<string, object?>? arguments, Func<string, string> rewrite, bool serializeUnknown, bool rewriteNames = false)
    {
        if (arguments is null)
        {
            return null;
        }

        Dictionary<string, object?> copy = new(arguments.Count, StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> pair in arguments)
        {
            copy[rewriteNames ? rewrite(pair.Key) : pair.Key] = RewriteValue(pair.Value, rewrite, serializeUnknown, rewriteNames);
        }

        return copy;
    }

    /// <summary>
    /// Rewrites one value; unknown objects are serialised to JSON first when <paramref name="serializeUnknown"/>, and the
    /// keys of objects and dictionaries are rewritten too when <paramref name="rewriteNames"/> (data, not parameter names).
    /// </summary>
    public static object? RewriteValue(object? value, Func<string, string> rewrite, bool serializeUnknown, bool rewriteNames = false)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return rewrite(s);
            case JsonElement element:
                return RewriteElement(element, rewrite, rewriteNames);
            case JsonNode node:
                using (JsonDocument document = JsonDocument.Parse(node.ToJsonString()))
                {
                    return JsonNode.Parse(RewriteElement(document.RootElement, rewrite, rewriteNames).GetRawText());
                }

            case IDictionary<string, object?> dictionary:
                return RewriteArguments(dictionary, rewrite, serializeUnknown, rewriteNames);
            case bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal
                or DateTime or DateTimeOffset or TimeSpan or Guid:
                // Scalars carry no text a detector would find or a placeholder could sit in.
                return value;
            case byte[]:
                return value;
            case TextContent text:
                // A tool may return AI content; it must stay content, not become its JSON form.
                return new TextContent(rewrite(text.Text)) { AdditionalProperties = text.AdditionalProperties };
            case AIContent other:
                return Unrewritable(other, serializeUnknown);
            case IEnumerable<AIContent> contents:
                return contents.Select(c => c is TextContent t
                    ? new TextContent(rewrite(t.Text)) { AdditionalProperties = t.AdditionalProperties }
                    : Unrewritable(c, serializeUnknown)).ToList();
            case IList list:
                List<object?> items = new(list.Count);
                foreach (object? item in list)
                {
                    items.Add(RewriteValue(item, rewrite, serializeUnknown, rewriteNames));
                }

                return items;
            default:
                if (!serializeUnknown)
                {
                    return value;
                }

                // An arbitrary object would be serialised by the provider anyway; serialising it here first means
                // nothing inside it can reach the provider unsanitised.
                JsonElement serialized = JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
                return RewriteElement(serialized, rewrite, rewriteNames);
        }
    }

    /// <summary>
    /// Any content but text inside a tool result: a file's bytes would be serialised as base64, which no detector can read,
    /// so sanitising fails rather than send it; restoring leaves it as it is.
    /// </summary>
    /// <exception cref="NotSupportedException">When sanitising (<paramref name="serializeUnknown"/>).</exception>
    private static AIContent Unrewritable(AIContent content, bool serializeUnknown) =>
        serializeUnknown
            ? throw new NotSupportedException($"A {Describe(content)} inside a tool result cannot be sanitised; only text can.")
            : content;

    /// <summary>A content's type, with its media type for data, for messages that must not hold the content itself.</summary>
    internal static string Describe(AIContent content) => content switch
    {
        DataContent data => $"{nameof(DataContent)} ({data.MediaType})",
        UriContent uri => $"{nameof(UriContent)} ({uri.MediaType})",
        _ => content.GetType().Name,
    };

    private static JsonElement RewriteElement(JsonElement element, Func<string, string> rewrite, bool rewriteNames)
    {
        ArrayBufferWriter<byte> buffer = new();
        using (Utf8JsonWriter writer = new(buffer))
        {
            Write(element, writer, rewrite, rewriteNames);
        }

        using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(JsonElement element, Utf8JsonWriter writer, Func<string, string> rewrite, bool rewriteNames)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                writer.WriteStringValue(rewrite(element.GetString()!));
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    writer.WritePropertyName(rewriteNames ? rewrite(property.Name) : property.Name);
                    Write(property.Value, writer, rewrite, rewriteNames);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Write(item, writer, rewrite, rewriteNames);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
