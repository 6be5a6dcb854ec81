using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Replaces sensitive values in text and chat messages according to a per-entity <see cref="EntityPolicy"/>: stable
/// placeholders from an <see cref="IPseudonymVault"/> by default, coarser values, or redaction.
/// </summary>
/// <remarks>
/// <para>
/// Overlapping spans are merged into one replaced stretch covering all of them, typed after the longest span (then the
/// most confident, then the first): dropping or trimming the loser would send part of a value the detector flagged.
/// </para>
/// <para>
/// A placeholder that would touch a letter, digit or underscore gets a space on that side, because placeholders are
/// only recognised as whole words: glued to its neighbour, <c>EMAIL_1</c> followed by <c>0</c> would read as
/// <c>EMAIL_10</c>. Placeholder-shaped words already in the text are reserved through
/// <see cref="IPseudonymVault.ReserveLiteral"/>, so the restorer cannot be fooled by them.
/// </para>
/// </remarks>
public sealed class Pseudonymizer
{
    [ThreadStatic]
    private static StringBuilder? t_builder;

    private readonly IPseudonymVault _vault;
    private readonly PseudonymizerOptions _options;

    /// <summary>Initializes a new instance of the <see cref="Pseudonymizer"/> class.</summary>
    /// <param name="vault">Where placeholders are issued and kept.</param>
    /// <param name="options">The per-entity policies; by default every type is pseudonymised.</param>
    public Pseudonymizer(IPseudonymVault vault, PseudonymizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vault);
        _vault = vault;
        _options = options ?? new PseudonymizerOptions();
    }

    /// <summary>Replaces the given spans of a text.</summary>
    /// <param name="scopeId">The scope from <see cref="IPseudonymVault.OpenScope"/>.</param>
    /// <param name="text">The text.</param>
    /// <param name="spans">The sensitive spans found in <paramref name="text"/>, in any order, possibly overlapping.</param>
    /// <returns>The sanitised text and the number of values replaced per type.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A span lies outside the text.</exception>
    public PseudonymizedText Pseudonymize(string scopeId, string text, IReadOnlyList<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(spans);
        Dictionary<string, int> counts = new(StringComparer.Ordinal);
        string sanitized = Sanitize(scopeId, text, spans, counts, originals: null);
        return new PseudonymizedText(sanitized, counts);
    }

    /// <summary>
    /// Returns sanitised copies of chat messages: text, reasoning text, tool-call arguments and tool results are
    /// scanned with <paramref name="detector"/> and replaced. The caller's messages are not changed.
    /// </summary>
    /// <param name="scopeId">The scope from <see cref="IPseudonymVault.OpenScope"/>, shared by all messages of the request.</param>
    /// <param name="messages">The messages.</param>
    /// <param name="detector">Finds the sensitive values.</param>
    /// <returns>The copies and the number of values replaced per type.</returns>
    public PseudonymizedMessages Pseudonymize(string scopeId, IEnumerable<ChatMessage> messages, ISensitiveDataDetector detector)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(detector);

        Pass pass = new(this, scopeId, detector);
        Dictionary<string, int> counts = pass.Counts;
        List<string> originals = pass.Originals;

        // Tool-call ids are the caller's or a provider's text and may hold anything (an e-mail, a building id): they
        // leave as opaque ids of the conversation's scope, the same for a call and its result, and come back restored.
        string OpaqueCallId(string callId) => string.IsNullOrEmpty(callId) ? callId : _vault.GetOrAddPlaceholder(scopeId, PlaceholderSyntax.ToolCallIdStem, callId);

        List<ChatMessage> copies = [];
        foreach (ChatMessage message in messages)
        {
            ChatMessage copy = message.Clone();

            // The raw provider object still holds the original text, and some clients send it as is when present.
            copy.RawRepresentation = null;
            List<AIContent> contents = new(message.Contents.Count);
            foreach (AIContent content in message.Contents)
            {
                contents.Add(content switch
                {
                    TextContent text => new TextContent(pass.Sanitize(text.Text)) { AdditionalProperties = text.AdditionalProperties },
                    TextReasoningContent reasoning => new TextReasoningContent(pass.Sanitize(reasoning.Text)) { AdditionalProperties = reasoning.AdditionalProperties },
                    FunctionCallContent call => new FunctionCallContent(OpaqueCallId(call.CallId), call.Name,
                        ContentValueRewriter.RewriteArguments(call.Arguments, pass.Sanitize, serializeUnknown: true))
                    {
                        Exception = call.Exception,
                        AdditionalProperties = call.AdditionalProperties,
                    },
                    // A result's keys are data too (a dictionary keyed by building or by e-mail), unlike argument names.
                    FunctionResultContent result => new FunctionResultContent(OpaqueCallId(result.CallId),
                        ContentValueRewriter.RewriteValue(result.Result, pass.Sanitize, serializeUnknown: true, rewriteNames: true))
                    {
                        Exception = result.Exception,
                        AdditionalProperties = result.AdditionalProperties,
                    },
                    // Images leave unscanned by policy, as new copies: the raw object an SDK attached is sent as is and
                    // would bypass the masking. An image's name is text and masked like it.
                    DataContent data => new DataContent(data.Data, data.MediaType)
                    {
                        Name = data.Name is null ? null : pass.Sanitize(data.Name),
                        AdditionalProperties = data.AdditionalProperties,
                    },
                    UriContent uri => new UriContent(uri.Uri, uri.MediaType) { AdditionalProperties = uri.AdditionalProperties },
                    UsageContent usage => new UsageContent(usage.Details) { AdditionalProperties = usage.AdditionalProperties },

                    // Any other kind cannot be masked and is left to the egress guard, which blocks it.
                    _ => content,
                });
            }

            copy.Contents = contents;
            copies.Add(copy);
        }

        return new PseudonymizedMessages(copies, counts) { Originals = originals };
    }

    /// <summary>
    /// Returns copies of tool declarations whose descriptions and the strings of whose schemas (descriptions, enum values,
    /// defaults, examples) are scanned with <paramref name="detector"/> and replaced; names and schema keys are kept, since
    /// the model must call the tool by them. Tools that are not functions are kept as they are.
    /// </summary>
    /// <param name="scopeId">The scope from <see cref="IPseudonymVault.OpenScope"/>, shared with the request's messages.</param>
    /// <param name="tools">The tools.</param>
    /// <param name="detector">Finds the sensitive values.</param>
    /// <returns>The copies and the number of values replaced per type.</returns>
    public PseudonymizedTools Pseudonymize(string scopeId, IEnumerable<AITool> tools, ISensitiveDataDetector detector)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(detector);

        Pass pass = new(this, scopeId, detector);
        Dictionary<string, int> counts = pass.Counts;
        List<string> originals = pass.Originals;

        List<AITool> copies = [];
        foreach (AITool tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                copies.Add(tool);
                continue;
            }

            string description = pass.Sanitize(function.Description);
            JsonElement schema = function.JsonSchema.ValueKind == JsonValueKind.Undefined
                ? function.JsonSchema
                : (JsonElement)ContentValueRewriter.RewriteValue(function.JsonSchema, pass.Sanitize, serializeUnknown: false)!;
            copies.Add(ReferenceEquals(description, function.Description) && counts.Count == 0
                ? function
                : AIFunctionFactory.CreateDeclaration(function.Name, description, schema, function.ReturnJsonSchema));
        }

        return new PseudonymizedTools(copies, counts) { Originals = originals };
    }

    private string Sanitize(string scopeId, string text, IReadOnlyList<SensitiveSpan> spans, Dictionary<string, int> counts, List<string>? originals)
    {
        SensitiveSpan[] resolved = Resolve(text.Length, spans, out int resolvedCount);
        StringBuilder builder = t_builder ?? new StringBuilder(Math.Max(256, text.Length + 64));
        t_builder = null;
        builder.Clear();
        try
        {
            int position = 0;
            ReadOnlySpan<char> source = text;
            for (int i = 0; i < resolvedCount; i++)
            {
                SensitiveSpan span = resolved[i];
                AppendReservingLiterals(scopeId, source[position..span.Start], builder);
                string entityType = span.EntityType;
                counts[entityType] = counts.GetValueOrDefault(entityType) + 1;
                ReadOnlySpan<char> value = source.Slice(span.Start, span.Length);
                originals?.Add(value.ToString());

                EntityPolicy policy = _options.EntityPolicies.Count == 0 || !_options.EntityPolicies.TryGetValue(entityType, out EntityPolicy p)
                    ? _options.DefaultPolicy
                    : p;
                if (policy == EntityPolicy.Generalize && string.Equals(entityType, EntityTypes.Coordinates, StringComparison.OrdinalIgnoreCase))
                {
                    AppendRoundedCoordinates(value, builder);
                }
                else if (policy == EntityPolicy.Pseudonymize)
                {
                    string placeholder = _vault.GetOrAddPlaceholder(scopeId, entityType, value);
                    if (builder.Length > 0 && PlaceholderSyntax.IsWordChar(builder[^1]))
                    {
                        builder.Append(' ');
                    }

                    builder.Append(placeholder);
                    if (span.End < source.Length && PlaceholderSyntax.IsWordChar(source[span.End]))
                    {
                        builder.Append(' ');
                    }
                }
                else
                {
                    builder.Append("[REDACTED_").Append(PlaceholderSyntax.ToStem(entityType)).Append(']');
                }

                position = span.End;
            }

            if (position == 0 && resolvedCount == 0 && source.IndexOf('_') < 0)
            {
                // Nothing to replace and nothing placeholder-shaped: the text goes out as it is.
                return text;
            }

            AppendReservingLiterals(scopeId, source[position..], builder);
            return builder.ToString();
        }
        finally
        {
            if (builder.Capacity <= 64 * 1024)
            {
                t_builder = builder;
            }
        }
    }

    private void AppendReservingLiterals(string scopeId, ReadOnlySpan<char> segment, StringBuilder builder)
    {
        // Segment edges count as word boundaries: that may reserve a word that ends up glued to a placeholder (and so
        // separated by a space), which is harmless; reserving too little is what could fool the restorer.
        int position = 0;
        while (PlaceholderSyntax.FindNext(segment, position, precededByWord: false, out int start, out int end))
        {
            // The vault sees the word as the restorer will look it up (Markdown escapes removed); a word that stays as it
            // is keeps its escapes.
            string literal = PlaceholderSyntax.Unescape(segment[start..end]).ToString();
            string replacement = _vault.ReserveLiteral(scopeId, literal);
            builder.Append(segment[position..start]);
            if (replacement == literal)
            {
                builder.Append(segment[start..end]);
            }
            else
            {
                builder.Append(replacement);
            }

            position = end;
        }

        builder.Append(segment[position..]);
    }

    private static SensitiveSpan[] Resolve(int textLength, IReadOnlyList<SensitiveSpan> spans, out int count)
    {
        count = 0;
        if (spans.Count == 0)
        {
            return [];
        }

        SensitiveSpan[] sorted = new SensitiveSpan[spans.Count];
        bool ordered = true;
        int n = 0;
        for (int i = 0; i < spans.Count; i++)
        {
            SensitiveSpan span = spans[i];
            if (span.Start < 0 || span.Length < 0 || span.Start > textLength - span.Length)
            {
                // A span outside the text is a detector bug; guessing what it meant could leak.
                throw new ArgumentOutOfRangeException(nameof(spans), span, "A sensitive span lies outside the text.");
            }

            if (span.Length == 0)
            {
                continue;
            }

            ordered &= n == 0 || sorted[n - 1].Start <= span.Start;
            sorted[n++] = span;
        }

        if (!ordered)
        {
            Array.Sort(sorted, 0, n, Comparer<SensitiveSpan>.Create(static (a, b) => a.Start.CompareTo(b.Start)));
        }

        // Sweep clusters of transitively overlapping spans; each becomes one span over their union, typed by the winner.
        int i2 = 0;
        while (i2 < n)
        {
            SensitiveSpan winner = sorted[i2];
            int start = winner.Start;
            int end = winner.End;
            int j = i2 + 1;
            while (j < n && sorted[j].Start < end)
            {
                SensitiveSpan other = sorted[j];
                end = Math.Max(end, other.End);
                if (other.Length > winner.Length || (other.Length == winner.Length && other.Confidence > winner.Confidence))
                {
                    winner = other;
                }

                j++;
            }

            sorted[count++] = j == i2 + 1 ? winner : winner with { Start = start, Length = end - start };
            i2 = j;
        }

        return sorted;
    }

    private static void AppendRoundedCoordinates(ReadOnlySpan<char> value, StringBuilder builder)
    {
        // Degrees, minutes and seconds: rounding each number would keep the full precision (29.6" rounds to itself), so
        // only whole degrees and the hemisphere are kept, about 100 km: coarser than a city, never a building.
        if (value.IndexOfAny("'′\"″") >= 0)
        {
            AppendWholeDegrees(value, builder);
            return;
        }

        // Every decimal number in the value is rounded to one decimal; the rest (separators, N/S/E/W, degree signs) is
        // kept, so the model still reads a coordinate in the format it was written.
        int i = 0;
        while (i < value.Length)
        {
            int start = i;
            if ((value[i] == '-' || value[i] == '+') && i + 1 < value.Length && char.IsAsciiDigit(value[i + 1]))
            {
                i++;
            }

            if (i < value.Length && char.IsAsciiDigit(value[i]))
            {
                while (i < value.Length && char.IsAsciiDigit(value[i]))
                {
                    i++;
                }

                if (i + 1 < value.Length && value[i] == '.' && char.IsAsciiDigit(value[i + 1]))
                {
                    i++;
                    while (i < value.Length && char.IsAsciiDigit(value[i]))
                    {
                        i++;
                    }

                    double number = double.Parse(value[start..i], NumberStyles.Float, CultureInfo.InvariantCulture);
                    
                    // Adding 0.0 turns a rounded -0.0 into 0.0.
                    builder.Append((Math.Round(number, 1, MidpointRounding.AwayFromZero) + 0.0).ToString("0.0", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(value[start..i]);
                }

                continue;
            }

            builder.Append(value[start]);
            i = start + 1;
        }
    }

    private static void AppendWholeDegrees(ReadOnlySpan<char> value, StringBuilder builder)
    {
        bool first = true;
        int i = 0;
        while (i < value.Length)
        {
            int start = i;
            while (i < value.Length && char.IsAsciiDigit(value[i]))
            {
                i++;
            }

            if (i > start && i < value.Length && value[i] == '°')
            {
                ReadOnlySpan<char> degrees = value[start..i];

                // Skip the minutes and seconds up to the hemisphere letter, if any.
                int j = i + 1;
                while (j < value.Length && !char.IsAsciiLetter(value[j]) && value[j] != ',' && value[j] != ';')
                {
                    j++;
                }

                // Written out ("37 deg N") so the coarse value does not read as a coordinate pair to the detectors again.
                builder.Append(first ? string.Empty : ", ").Append(degrees).Append(" deg");
                if (j < value.Length && value[j] is 'N' or 'S' or 'E' or 'W' or 'n' or 's' or 'e' or 'w')
                {
                    builder.Append(' ').Append(char.ToUpperInvariant(value[j]));
                    j++;
                }

                first = false;
                i = j;
                continue;
            }

            i = Math.Max(i, start + 1);
        }
    }

    /// <summary>One pass of masking over a request's values: the spans buffer, and what was replaced, shared by every string.</summary>
    private sealed class Pass(Pseudonymizer owner, string scopeId, ISensitiveDataDetector detector)
    {
        private readonly List<SensitiveSpan> _spans = [];

        public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

        public List<string> Originals { get; } = [];

        public string Sanitize(string value)
        {
            _spans.Clear();
            detector.Detect(value, _spans);
            return owner.Sanitize(scopeId, value, _spans, Counts, Originals);
        }
    }
}
