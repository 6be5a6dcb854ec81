using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Checks an outgoing payload once more before it leaves for an external provider: CRITICAL tags, a PRIVATE or CRITICAL
/// profile, or any detector hit block it with <see cref="PrivacyViolationException"/>.
/// </summary>
/// <remarks>
/// <para>It fails closed: a detector that throws, or a tag it cannot read, blocks the payload.</para>
/// <para>
/// It reads what an SDK adapter sends, not only the message text: only text, reasoning, tool calls, tool results (text
/// inside them only) and images may leave. Images are sent unscanned by policy, but their name and URL are scanned. Any
/// other content kind (a PDF, a hosted file, a non-image URL, an error) blocks the payload, and so does a message or
/// content that still carries a raw provider object, which the SDK would send in place of the checked text. Tags are read
/// at any depth of a tool result. From the options it scans the instructions, the end-user id, stop sequences, tool names, descriptions
/// and schemas, and the JSON response format; a caller's <see cref="ChatOptions.RawRepresentationFactory"/> blocks.
/// </para>
/// </remarks>
public sealed class EgressGuard
{
    private readonly SensitiveDataScanner _scanner;
    private readonly IDictionary<Microsoft.Extensions.Compliance.Classification.DataClassification, DataSensitivity>? _classifications;

    /// <summary>Initializes a new instance of the <see cref="EgressGuard"/> class.</summary>
    /// <param name="detectors">The detectors whose hits block a payload.</param>
    /// <param name="classifications">The EAIO class of data classifications used as tags; unmapped ones count as CRITICAL.</param>
    /// <exception cref="ArgumentNullException"><paramref name="detectors"/> is <see langword="null"/>.</exception>
    public EgressGuard(
        IEnumerable<ISensitiveDataDetector> detectors,
        IDictionary<Microsoft.Extensions.Compliance.Classification.DataClassification, DataSensitivity>? classifications = null)
    {
        ArgumentNullException.ThrowIfNull(detectors);

        // Scanned as the masking step scans (folding, span checks); what does not depend on the detectors finding a value
        // again is the leftover check of ThrowIfSensitive.
        _scanner = new SensitiveDataScanner(detectors);
        _classifications = classifications;
    }

    /// <summary>Checks a payload and throws <see cref="PrivacyViolationException"/> when it may not leave.</summary>
    /// <param name="provider">The external provider the payload is for, for the message.</param>
    /// <param name="messages">The messages about to be sent.</param>
    /// <param name="options">The options about to be sent.</param>
    /// <exception cref="PrivacyViolationException">The payload holds sensitive data.</exception>
    public void ThrowIfSensitive(string provider, IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        ThrowIfSensitive(provider, messages, options, null);

    /// <summary>
    /// Checks a payload as <see cref="ThrowIfSensitive(string, IEnumerable{ChatMessage}, ChatOptions?)"/> does, and also
    /// that none of the values masking replaced is left anywhere in it: a second line that does not depend on the
    /// detectors finding the value again where masking missed it (a second mention in another form of the same text, a
    /// field masking does not reach); a value is found as a whole word, in any case.
    /// </summary>
    /// <param name="provider">The external provider the payload is for, for the message.</param>
    /// <param name="messages">The messages about to be sent.</param>
    /// <param name="options">The options about to be sent.</param>
    /// <param name="originals">The values masking replaced in this payload, or <see langword="null"/>.</param>
    /// <exception cref="PrivacyViolationException">The payload holds sensitive data.</exception>
    public void ThrowIfSensitive(string provider, IEnumerable<ChatMessage> messages, ChatOptions? options, IReadOnlyCollection<string>? originals)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(messages);
        LeftoverValues? leftovers = LeftoverValues.Create(originals);

        if (options.GetEaioProfile() is { } profile
            && (profile.Privacy == PrivacyLevel.Private || profile.Sensitivity == DataSensitivity.Critical))
        {
            throw new PrivacyViolationException(provider, "the request is PRIVATE or CRITICAL");
        }

        SortedDictionary<string, int> found = new(StringComparer.Ordinal);
        if (options is not null)
        {
            ScanOptions(options, found, leftovers);
        }

        // Only a message of several texts needs them joined; one text is not copied (8 KB of text was 16 KB of builder).
        System.Text.StringBuilder? joined = null;
        IReadOnlyList<ChatMessage> messageList = MessageLists.AsList(messages);
        for (int m = 0; m < messageList.Count; m++)
        {
            ChatMessage message = messageList[m];
            if (IsCritical(message.AdditionalProperties))
            {
                Count(found, "CRITICAL tag");
            }

            if (message.RawRepresentation is not null)
            {
                // An SDK sends a message's raw provider object instead of its contents, past the masking.
                Count(found, "message with a raw provider representation (remove it before the call)");
            }

            if (!string.IsNullOrEmpty(message.AuthorName))
            {
                Scan(message.AuthorName, found, leftovers);
            }

            // The message's texts are also scanned joined, so a value split across two contents is seen whole.
            joined?.Clear();
            string? firstText = null;
            int texts = 0;
            // Indexed: a foreach over the IList boxes its enumerator on every message of every call.
            IList<AIContent> contents = message.Contents;
            for (int c = 0; c < contents.Count; c++)
            {
                AIContent content = contents[c];
                if (IsCritical(content.AdditionalProperties)
                    || (content is FunctionResultContent tagged && IsCriticalResult(tagged.Result)))
                {
                    Count(found, "CRITICAL tag");
                }

                if (content.RawRepresentation is not null)
                {
                    // An SDK sends a content's raw part as is: the text checked here may not be what leaves.
                    Count(found, $"{content.GetType().Name} with a raw provider representation (remove it before the call)");
                    continue;
                }

                string? text;
                switch (content)
                {
                    case TextContent t:
                        text = t.Text;
                        break;
                    case TextReasoningContent r:
                        text = r.Text;
                        break;
                    case FunctionCallContent call:
                        ScanIfAny(call.Name, found, leftovers);
                        text = call.Arguments is null ? null : JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions);
                        break;
                    case FunctionResultContent result:
                        if (FindUncheckableResultContent(result.Result) is { } inner)
                        {
                            // A file inside a tool result is serialised as base64, which no detector reads.
                            Count(found, $"{ContentValueRewriter.Describe(inner)} inside a tool result that cannot be checked");
                            continue;
                        }

                        text = result.Result is null ? null : JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions);
                        break;
                    case DataContent data when data.HasTopLevelMediaType("image"):
                        // Images are sent unscanned by policy (design.md); only their name is text the SDK may send.
                        text = data.Name;
                        break;
                    case UriContent uri when uri.HasTopLevelMediaType("image"):
                        text = uri.Uri.ToString();
                        break;
                    case DataContent data when IsReadableText(data.MediaType):
                        // A text file cannot be pseudonymised in place; sending it unread would defeat the guard.
                        Count(found, $"unsanitised {data.MediaType} attachment");
                        continue;
                    case UsageContent:
                        // Token counts only; adapters do not send them.
                        continue;
                    default:
                        // Fail closed: a kind the guard cannot read (a PDF, a hosted file, a non-image URL, an error) may
                        // still be sent by the SDK.
                        Count(found, $"{ContentValueRewriter.Describe(content)} that cannot be checked");
                        continue;
                }

                if (!string.IsNullOrEmpty(text))
                {
                    Scan(text, found, leftovers);
                    if (content is TextContent)
                    {
                        if (++texts == 1)
                        {
                            firstText = text;
                        }
                        else
                        {
                            (texts == 2 ? (joined ??= new()).Append(firstText) : joined!).Append(text);
                        }
                    }
                }
            }

            if (texts > 1)
            {
                Scan(joined!.ToString(), found, leftovers);
            }
        }

        if (found.Count > 0)
        {
            throw new PrivacyViolationException(provider, "found " + string.Join(", ", found.Select(f => $"{f.Value} {f.Key}")));
        }
    }

    /// <summary>Scans what the SDK sends from the options besides the messages: instructions, stop sequences, tools and the response format.</summary>
    private void ScanOptions(ChatOptions options, SortedDictionary<string, int> found, LeftoverValues? leftovers)
    {
        if (options.RawRepresentationFactory is { } factory && !IsOwnFactory(factory))
        {
            // The factory's object becomes the SDK's request as it is; nothing of it can be seen here.
            Count(found, "caller's ChatOptions.RawRepresentationFactory whose request object cannot be checked (leave it unset or keep the request local)");
        }

        ScanIfAny(options.Instructions, found, leftovers);
        ScanIfAny(options.GetEndUserId(), found, leftovers);
        if (options.StopSequences is { } stops)
        {
            foreach (string stop in stops)
            {
                ScanIfAny(stop, found, leftovers);
            }
        }

        if (options.Tools is { } tools)
        {
            // Tool names, descriptions and schemas are sent with every request and are not masked.
            foreach (AITool tool in tools)
            {
                ScanIfAny(tool.Name, found, leftovers);
                ScanIfAny(tool.Description, found, leftovers);
                if (tool is AIFunctionDeclaration function)
                {
                    ScanIfAny(function.JsonSchema.ValueKind == JsonValueKind.Undefined ? null : function.JsonSchema.GetRawText(), found, leftovers);
                }
            }
        }

        if (options.ResponseFormat is ChatResponseFormatJson json)
        {
            ScanIfAny(json.Schema?.GetRawText(), found, leftovers);
            ScanIfAny(json.SchemaName, found, leftovers);
            ScanIfAny(json.SchemaDescription, found, leftovers);
        }
    }

    /// <summary>
    /// Whether every target of a factory is code of this library: the router itself sets one for providers that need a
    /// field the SDK has no option for (DeepSeek's <c>max_tokens</c>). A caller's own factory keeps the request local
    /// before any route is tried (the profiler makes it CRITICAL), so one found here on an external route is the router's.
    /// </summary>
    private static bool IsOwnFactory(Delegate factory)
    {
        foreach (Delegate target in factory.GetInvocationList())
        {
            if (target.Method.Module.Assembly != typeof(EgressGuard).Assembly)
            {
                return false;
            }
        }

        return true;
    }

    private bool IsCriticalResult(object? result)
    {
        try
        {
            return ToolResultSensitivity.Read(result, _classifications) == DataSensitivity.Critical;
        }
        catch (FormatException)
        {
            return true; // an unreadable tag is treated as the worst case
        }
    }

    /// <summary>The first content inside a tool result that is not text, at the top level or in a list; such content leaves as base64.</summary>
    private static AIContent? FindUncheckableResultContent(object? result) => result switch
    {
        TextContent => null,
        AIContent content => content,
        IEnumerable<AIContent> contents => contents.FirstOrDefault(c => c is not TextContent),
        _ => null,
    };

    private void ScanIfAny(string? text, SortedDictionary<string, int> found, LeftoverValues? leftovers)
    {
        if (!string.IsNullOrEmpty(text))
        {
            Scan(text, found, leftovers);
        }
    }

    private static bool IsReadableText(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("xml", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("csv", StringComparison.OrdinalIgnoreCase);

    private void Scan(string text, SortedDictionary<string, int> found, LeftoverValues? leftovers)
    {
        if (leftovers is not null && leftovers.Contains(text))
        {
            Count(found, "value that masking replaced elsewhere, left unmasked");
        }

        // Folded like the masking step's text: a zero-width character inside a value must not hide it here either.
        // As a span: the masked payload is scanned once, so nothing is gained by remembering its scan.
        SensitiveDataScanResult result = _scanner.Scan(text.AsSpan());
        foreach (SensitiveDataDetectorFailure failure in result.Failures)
        {
            // Fail closed: a detector that cannot say the text is clean blocks it.
            Count(found, $"detector failure ({failure.Detector.GetType().Name}: {failure.Exception.GetType().Name})");
        }

        foreach (SensitiveSpan span in result.Spans)
        {
            // A placeholder the masking step wrote is not a value: "Password=SECRET_1;" may leave.
            if (!PlaceholderSyntax.IsOwnPlaceholder(text, span))
            {
                Count(found, span.EntityType);
            }
        }
    }

    private static void Count(SortedDictionary<string, int> found, string what) =>
        found[what] = found.GetValueOrDefault(what) + 1;

    private bool IsCritical(AdditionalPropertiesDictionary? properties)
    {
        try
        {
            return SensitivityTag.Read(properties, _classifications) == DataSensitivity.Critical;
        }
        catch (FormatException)
        {
            return true; // an unreadable tag is treated as the worst case
        }
    }
}
