using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Checks an outgoing payload once more before it leaves for an external provider: CRITICAL tags, a PRIVATE or CRITICAL
/// profile, or any detector hit block it with <see cref="PrivacyViolationException"/>.
/// </summary>
/// <remarks>It fails closed: a detector that throws, or a tag it cannot read, blocks the payload.</remarks>
public sealed class EgressGuard
{
    private readonly ISensitiveDataDetector[] _detectors;
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
        _detectors = [.. detectors];
        _classifications = classifications;
    }

    /// <summary>Checks a payload and throws <see cref="PrivacyViolationException"/> when it may not leave.</summary>
    /// <param name="provider">The external provider the payload is for, for the message.</param>
    /// <param name="messages">The messages about to be sent.</param>
    /// <param name="options">The options about to be sent.</param>
    /// <exception cref="PrivacyViolationException">The payload holds sensitive data.</exception>
    public void ThrowIfSensitive(string provider, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(messages);

        if (options.GetEaioProfile() is { } profile
            && (profile.Privacy == PrivacyLevel.Private || profile.Sensitivity == DataSensitivity.Critical))
        {
            throw new PrivacyViolationException(provider, "the request is PRIVATE or CRITICAL");
        }

        SortedDictionary<string, int> found = new(StringComparer.Ordinal);
        List<SensitiveSpan> spans = [];
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            Scan(options.Instructions, spans, found);
        }

        System.Text.StringBuilder joined = new();
        foreach (ChatMessage message in messages)
        {
            if (IsCritical(message.AdditionalProperties))
            {
                Count(found, "CRITICAL tag");
            }

            if (!string.IsNullOrEmpty(message.AuthorName))
            {
                Scan(message.AuthorName, spans, found);
            }

            // The message's texts are also scanned joined, so a value split across two contents is seen whole.
            joined.Clear();
            int texts = 0;
            foreach (AIContent content in message.Contents)
            {
                if (IsCritical(content.AdditionalProperties))
                {
                    Count(found, "CRITICAL tag");
                }

                if (content is DataContent data && IsReadableText(data.MediaType))
                {
                    // A text file cannot be pseudonymised in place; sending it unread would defeat the guard.
                    Count(found, $"unsanitised {data.MediaType} attachment");
                    continue;
                }

                string? text = content switch
                {
                    TextContent t => t.Text,
                    TextReasoningContent r => r.Text,
                    FunctionCallContent call when call.Arguments is not null => JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions),
                    FunctionResultContent result => result.Result is null ? null : JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions),
                    _ => null,
                };
                if (!string.IsNullOrEmpty(text))
                {
                    Scan(text, spans, found);
                    if (content is TextContent)
                    {
                        joined.Append(text);
                        texts++;
                    }
                }
            }

            if (texts > 1)
            {
                Scan(joined.ToString(), spans, found);
            }
        }

        if (found.Count > 0)
        {
            throw new PrivacyViolationException(provider, "found " + string.Join(", ", found.Select(f => $"{f.Value} {f.Key}")));
        }
    }

    private static bool IsReadableText(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("xml", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("csv", StringComparison.OrdinalIgnoreCase);

    private void Scan(string text, List<SensitiveSpan> spans, SortedDictionary<string, int> found)
    {
        foreach (ISensitiveDataDetector detector in _detectors)
        {
            spans.Clear();
            try
            {
                detector.Detect(text, spans);
            }
#pragma warning disable CA1031 // Fail closed: a detector that cannot say the text is clean blocks it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Count(found, $"detector failure ({detector.GetType().Name}: {ex.GetType().Name})");
                continue;
            }

            foreach (SensitiveSpan span in spans)
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
