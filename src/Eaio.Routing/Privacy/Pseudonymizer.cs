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
/// <c>EMAIL_10</c>. Placeholder-shaped words already in the text are reserved as
/// <see cref="PseudonymRequest.Literal"/>, so the restorer cannot be fooled by them.
/// </para>
/// <para>
/// Each call costs one vault round trip: every span of every string is found first, then all placeholders and literal
/// reservations are asked for in one <see cref="IPseudonymVault.PseudonymizeAsync"/> batch, in the order the payload
/// holds them (messages, then instructions, then tools), and the sanitised copies are built from the answers. When the
/// vault completes synchronously, so does the call.
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
    /// <param name="scopeId">The scope from <see cref="IPseudonymVault.OpenScopeAsync"/>.</param>
    /// <param name="text">The text.</param>
    /// <param name="spans">The sensitive spans found in <paramref name="text"/>, in any order, possibly overlapping.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The sanitised text and the number of values replaced per type.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A span lies outside the text.</exception>
    public ValueTask<PseudonymizedText> PseudonymizeAsync(string scopeId, string text, IReadOnlyList<SensitiveSpan> spans, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(spans);
        Pass pass = new(this, detector: null, keepOriginals: false);
        pass.Plan(text, spans);
        ValueTask<IReadOnlyList<string>> answers = pass.AskAsync(_vault, scopeId, cancellationToken);
        return answers.IsCompletedSuccessfully
            ? new ValueTask<PseudonymizedText>(BuildText(pass, text, answers.Result))
            : AwaitText(pass, text, answers);

        static PseudonymizedText BuildText(Pass pass, string text, IReadOnlyList<string> answers)
        {
            pass.StartBuilding(answers);
            return new PseudonymizedText(pass.Sanitize(text), pass.Counts);
        }

        static async ValueTask<PseudonymizedText> AwaitText(Pass pass, string text, ValueTask<IReadOnlyList<string>> answers) =>
            BuildText(pass, text, await answers.ConfigureAwait(false));
    }

    /// <summary>
    /// Returns sanitised copies of chat messages: text, reasoning text, tool-call arguments and tool results are
    /// scanned with <paramref name="detector"/> and replaced. The caller's messages are not changed.
    /// </summary>
    /// <param name="scopeId">The scope from <see cref="IPseudonymVault.OpenScopeAsync"/>, shared by all messages of the request.</param>
    /// <param name="messages">The messages.</param>
    /// <param name="detector">Finds the sensitive values.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The copies and the number of values replaced per type.</returns>
    public async ValueTask<PseudonymizedMessages> PseudonymizeAsync(string scopeId, IEnumerable<ChatMessage> messages, ISensitiveDataDetector detector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        PseudonymizedRequest request = await PseudonymizeRequestAsync(_vault, scopeId, messages, null, null, detector, cancellationToken).ConfigureAwait(false);
        return new PseudonymizedMessages(request.Messages, request.EntityCounts) { Originals = request.Originals };
    }

    /// <summary>
    /// Returns copies of tool declarations whose descriptions and the strings of whose schemas (descriptions, enum values,
    /// defaults, examples) are scanned with <paramref name="detector"/> and replaced; names and schema keys are kept, since
    /// the model must call the tool by them. Tools that are not functions are kept as they are.
    /// </summary>
    /// <param name="scopeId">The scope from <see cref="IPseudonymVault.OpenScopeAsync"/>, shared with the request's messages.</param>
    /// <param name="tools">The tools.</param>
    /// <param name="detector">Finds the sensitive values.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The copies and the number of values replaced per type.</returns>
    public async ValueTask<PseudonymizedTools> PseudonymizeAsync(string scopeId, IEnumerable<AITool> tools, ISensitiveDataDetector detector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tools);
        PseudonymizedRequest request = await PseudonymizeRequestAsync(_vault, scopeId, [], null, tools, detector, cancellationToken).ConfigureAwait(false);
        return new PseudonymizedTools(request.Tools!, request.EntityCounts) { Originals = request.Originals };
    }

    /// <summary>
    /// Masks a whole request in one vault round trip: its messages, then its instructions, then its tools, in one scope of
    /// <paramref name="vault"/> (the pseudonymiser's own, or a call's request-only scope).
    /// </summary>
    internal ValueTask<PseudonymizedRequest> PseudonymizeRequestAsync(
        IPseudonymVault vault, string scopeId, IEnumerable<ChatMessage> messages, string? instructions, IEnumerable<AITool>? tools, ISensitiveDataDetector detector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(detector);

        // Walked twice, once to find what to ask the vault and once to build the copies from its answers.
        IReadOnlyList<ChatMessage> messageList = MessageLists.AsList(messages);
        IReadOnlyList<AITool>? toolList = tools is null ? null : tools as IReadOnlyList<AITool> ?? [.. tools];
        Pass pass = new(this, detector, keepOriginals: true);

        // One plan per text: a plain call has one message of one text, and a list grown from four left an array of four.
        pass.Plans.Capacity = messageList.Count + (instructions is { Length: > 0 } ? 1 : 0);
        _ = Walk(pass, messageList, instructions, toolList);
        ValueTask<IReadOnlyList<string>> answers = pass.AskAsync(vault, scopeId, cancellationToken);
        return answers.IsCompletedSuccessfully
            ? new ValueTask<PseudonymizedRequest>(Build(pass, messageList, instructions, toolList, answers.Result))
            : AwaitRequest(pass, messageList, instructions, toolList, answers);

        static PseudonymizedRequest Build(Pass pass, IReadOnlyList<ChatMessage> messages, string? instructions, IReadOnlyList<AITool>? tools, IReadOnlyList<string> answers)
        {
            pass.StartBuilding(answers);
            return Walk(pass, messages, instructions, tools)!; // the building walk, which always returns one
        }

        static async ValueTask<PseudonymizedRequest> AwaitRequest(
            Pass pass, IReadOnlyList<ChatMessage> messages, string? instructions, IReadOnlyList<AITool>? tools, ValueTask<IReadOnlyList<string>> answers) =>
            Build(pass, messages, instructions, tools, await answers.ConfigureAwait(false));
    }

    /// <summary>One walk over a request: while planning it only finds what to ask; while building it makes the copies.</summary>
    private static PseudonymizedRequest? Walk(Pass pass, IReadOnlyList<ChatMessage> messages, string? instructions, IReadOnlyList<AITool>? tools)
    {
        List<ChatMessage>? maskedMessages = MaskMessages(pass, messages);
        string? maskedInstructions = instructions is { Length: > 0 } ? pass.Sanitize(instructions) : instructions;
        IList<AITool>? maskedTools = tools is null ? null : MaskTools(pass, tools);

        // The planning walk keeps no copies, and so has no request to return.
        return maskedMessages is null ? null : new PseudonymizedRequest(maskedMessages, maskedInstructions, maskedTools, pass.Counts, pass.Originals);
    }

    /// <returns>The masked copies; <see langword="null"/> on the planning walk, which keeps none.</returns>
    private static List<ChatMessage>? MaskMessages(Pass pass, IReadOnlyList<ChatMessage> messages)
    {
        // The planning walk only finds what to ask the vault: it visits every content as building does, in the same
        // order, but keeps no copies of the messages.
        bool planning = pass.Planning;
        List<ChatMessage>? copies = planning ? null : new(messages.Count);
        for (int m = 0; m < messages.Count; m++)
        {
            ChatMessage message = messages[m];
            List<AIContent>? contents = planning ? null : new(message.Contents.Count);
            // Indexed: a foreach over the IList boxes its enumerator on every message of every call.
            IList<AIContent> sources = message.Contents;
            for (int c = 0; c < sources.Count; c++)
            {
                AIContent content = sources[c];
                AIContent masked = content switch
                {
                    // Planning only asks what a text holds; the copy is made when building (most contents are text).
                    TextContent text when planning => Planned(pass.Sanitize(text.Text), content),
                    TextContent text => new TextContent(pass.Sanitize(text.Text)) { AdditionalProperties = text.AdditionalProperties },
                    TextReasoningContent reasoning => new TextReasoningContent(pass.Sanitize(reasoning.Text)) { AdditionalProperties = reasoning.AdditionalProperties },

                    // Tool-call ids are the caller's or a provider's text and may hold anything (an e-mail, a building id):
                    // they leave as opaque ids of the conversation's scope, the same for a call and its result, and come
                    // back restored.
                    FunctionCallContent call => new FunctionCallContent(pass.OpaqueCallId(call.CallId), call.Name,
                        ContentValueRewriter.RewriteArguments(call.Arguments, pass.Sanitize, serializeUnknown: true))
                    {
                        Exception = call.Exception,
                        AdditionalProperties = call.AdditionalProperties,
                    },
                    // A result's keys are data too (a dictionary keyed by building or by e-mail), unlike argument names.
                    FunctionResultContent result => new FunctionResultContent(pass.OpaqueCallId(result.CallId),
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
                };
                contents?.Add(masked);
            }

            if (contents is not null)
            {
                ChatMessage copy = message.Clone();

                // The raw provider object still holds the original text, and some clients send it as is when present.
                copy.RawRepresentation = null;
                copy.Contents = contents;
                copies!.Add(copy);
            }
        }

        return copies;
    }

    /// <summary>The content as it is, once planning has read its text.</summary>
    private static AIContent Planned(string planned, AIContent content) => content;

    private static List<AITool> MaskTools(Pass pass, IReadOnlyList<AITool> tools)
    {
        List<AITool> copies = new(tools.Count);
        foreach (AITool tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                copies.Add(tool);
                continue;
            }

            int changes = pass.Changes;
            string description = pass.Sanitize(function.Description);
            JsonElement schema = function.JsonSchema.ValueKind == JsonValueKind.Undefined
                ? function.JsonSchema
                : (JsonElement)ContentValueRewriter.RewriteValue(function.JsonSchema, pass.Sanitize, serializeUnknown: false)!;
            copies.Add(pass.Changes == changes
                ? function
                : AIFunctionFactory.CreateDeclaration(function.Name, description, schema, function.ReturnJsonSchema));
        }

        return copies;
    }

    /// <summary>Finds what a text needs from the vault: its resolved spans, and a request per value and per literal, in order.</summary>
    private void PlanText(string text, IReadOnlyList<SensitiveSpan> spans, Pass pass)
    {
        SensitiveSpan[] resolved = Resolve(text.Length, spans, out int resolvedCount);
        int underscore = text.IndexOf('_');
        if (resolvedCount == 0 && underscore < 0)
        {
            // Nothing to replace and nothing placeholder-shaped: the text goes out as it is.
            pass.Plans.Add(new TextPlan(text, [], 0));
            return;
        }

        // Sized once for this text's values: grown by doubling, the lists of an 8 KB payload's 82 values left twice
        // their size behind.
        pass.Requests.EnsureCapacity(pass.Requests.Count + resolvedCount);
        if (pass.KeepOriginals)
        {
            pass.Originals.EnsureCapacity(pass.Originals.Count + resolvedCount);
        }

        int position = 0;
        ReadOnlySpan<char> source = text;
        for (int i = 0; i < resolvedCount; i++)
        {
            SensitiveSpan span = resolved[i];
            if (underscore >= 0 && underscore < span.Start)
            {
                PlanLiterals(source[position..span.Start], pass.Requests);
            }

            string entityType = span.EntityType;
            pass.Counts[entityType] = pass.Counts.GetValueOrDefault(entityType) + 1;
            string value = text.Substring(span.Start, span.Length);
            if (pass.KeepOriginals)
            {
                pass.Originals.Add(value);
            }

            if (PolicyOf(entityType) == EntityPolicy.Pseudonymize)
            {
                pass.Requests.Add(PseudonymRequest.Value(entityType, value));
            }

            position = span.End;
            underscore = NextUnderscore(text, position, underscore);
        }

        if (underscore >= 0)
        {
            PlanLiterals(source[position..], pass.Requests);
        }

        pass.Plans.Add(new TextPlan(text, resolved, resolvedCount));
    }

    // The next underscore at or after from, or -1. Every placeholder-shaped word has one, so the literals of a segment
    // before it need no search: one search per text, not one per segment between values (125 on the sanitiser's prompt).
    private static int NextUnderscore(string text, int from, int current)
    {
        if (current < 0 || current >= from)
        {
            return current;
        }

        int found = text.AsSpan(from).IndexOf('_');
        return found < 0 ? -1 : from + found;
    }

    private static void PlanLiterals(ReadOnlySpan<char> segment, List<PseudonymRequest> requests)
    {
        // Segment edges count as word boundaries: that may reserve a word that ends up glued to a placeholder (and so
        // separated by a space), which is harmless; reserving too little is what could fool the restorer. The vault sees
        // the word as the restorer will look it up (Markdown escapes removed).
        int position = 0;
        while (PlaceholderSyntax.FindNext(segment, position, precededByWord: false, out int start, out int end))
        {
            requests.Add(PseudonymRequest.Literal(PlaceholderSyntax.Unescape(segment[start..end]).ToString()));
            position = end;
        }
    }

    private EntityPolicy PolicyOf(string entityType) =>
        _options.EntityPolicies.Count == 0 || !_options.EntityPolicies.TryGetValue(entityType, out EntityPolicy p) ? _options.DefaultPolicy : p;

    /// <summary>Builds a planned text from the vault's answers, taking them in the order they were asked.</summary>
    private string BuildText(TextPlan plan, IReadOnlyList<string> answers, ref int answer)
    {
        string text = plan.Text;
        int underscore = text.IndexOf('_');
        if (plan.Count == 0 && underscore < 0)
        {
            return text;
        }

        StringBuilder builder = t_builder ?? new StringBuilder(Math.Max(256, text.Length + 64));
        t_builder = null;
        builder.Clear();
        try
        {
            int position = 0;
            ReadOnlySpan<char> source = text;
            for (int i = 0; i < plan.Count; i++)
            {
                SensitiveSpan span = plan.Resolved[i];
                if (underscore >= 0 && underscore < span.Start)
                {
                    AppendLiterals(source[position..span.Start], answers, ref answer, builder);
                }
                else
                {
                    builder.Append(source[position..span.Start]);
                }

                string entityType = span.EntityType;
                ReadOnlySpan<char> value = source.Slice(span.Start, span.Length);
                EntityPolicy policy = PolicyOf(entityType);
                if (policy == EntityPolicy.Generalize && string.Equals(entityType, EntityTypes.Coordinates, StringComparison.OrdinalIgnoreCase))
                {
                    AppendRoundedCoordinates(value, builder);
                }
                else if (policy == EntityPolicy.Pseudonymize)
                {
                    string placeholder = answers[answer++];
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
                underscore = NextUnderscore(text, position, underscore);
            }

            if (underscore >= 0)
            {
                AppendLiterals(source[position..], answers, ref answer, builder);
            }
            else
            {
                builder.Append(source[position..]);
            }

            return plan.Count == 0 && builder.Equals(source) ? text : builder.ToString();
        }
        finally
        {
            if (builder.Capacity <= 64 * 1024)
            {
                t_builder = builder;
            }
        }
    }

    private static void AppendLiterals(ReadOnlySpan<char> segment, IReadOnlyList<string> answers, ref int answer, StringBuilder builder)
    {
        // The same words PlanLiterals asked about, in the same order; a word that stays as it is keeps its escapes.
        int position = 0;
        while (PlaceholderSyntax.FindNext(segment, position, precededByWord: false, out int start, out int end))
        {
            string replacement = answers[answer++];
            builder.Append(segment[position..start]);
            if (replacement.AsSpan().SequenceEqual(PlaceholderSyntax.Unescape(segment[start..end])))
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

            sorted[n++] = span;
        }

        // Returns at once when the spans are already in order, as a scan's are.
        SensitiveSpanSort.ByStart(sorted.AsSpan(0, n));

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

    /// <summary>What one text needs: the text and its resolved spans.</summary>
    private readonly record struct TextPlan(string Text, SensitiveSpan[] Resolved, int Count);

    /// <summary>
    /// One pass of masking over a request. It first plans (finds every span and records what to ask the vault), then, with
    /// the vault's answers, builds: the same strings are met in the same order both times.
    /// </summary>
    private sealed class Pass(Pseudonymizer owner, ISensitiveDataDetector? detector, bool keepOriginals)
    {
        private readonly List<SensitiveSpan> _spans = [];
        private IReadOnlyList<string>? _answers;
        private int _plan;
        private int _answer;

        public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

        public List<string> Originals { get; } = [];

        public bool KeepOriginals => keepOriginals;

        public List<PseudonymRequest> Requests { get; } = [];

        public List<TextPlan> Plans { get; } = [];

        /// <summary>Gets how many strings building has changed so far.</summary>
        public int Changes { get; private set; }

        /// <summary>Gets a value indicating whether this is the walk that finds what to ask the vault, before its answers.</summary>
        public bool Planning => _answers is null;

        public void Plan(string text, IReadOnlyList<SensitiveSpan> spans) => owner.PlanText(text, spans, this);

        public ValueTask<IReadOnlyList<string>> AskAsync(IPseudonymVault vault, string scopeId, CancellationToken cancellationToken) =>
            Requests.Count == 0 ? new ValueTask<IReadOnlyList<string>>(Array.Empty<string>()) : vault.PseudonymizeAsync(scopeId, Requests, cancellationToken);

        public void StartBuilding(IReadOnlyList<string> answers)
        {
            if (answers.Count != Requests.Count)
            {
                throw new InvalidOperationException($"The vault answered {answers.Count} of {Requests.Count} requests.");
            }

            _answers = answers;
        }

        public string Sanitize(string value)
        {
            if (_answers is null)
            {
                _spans.Clear();
                if (detector is CompositeDetector composite)
                {
                    composite.Detect(value, _spans);
                }
                else
                {
                    detector!.Detect(value, _spans);
                }
                owner.PlanText(value, _spans, this);
                return value;
            }

            TextPlan plan = Plans[_plan++];
            if (!string.Equals(plan.Text, value, StringComparison.Ordinal))
            {
                // Building met another string than planning did: a copy built from the wrong answers could leak.
                throw new InvalidOperationException("The payload changed while it was masked.");
            }

            string built = owner.BuildText(plan, _answers, ref _answer);
            if (!ReferenceEquals(built, value))
            {
                Changes++;
            }

            return built;
        }

        public string OpaqueCallId(string callId)
        {
            if (string.IsNullOrEmpty(callId))
            {
                return callId;
            }

            if (_answers is null)
            {
                Requests.Add(PseudonymRequest.Value(PlaceholderSyntax.ToolCallIdStem, callId));
                return callId;
            }

            return _answers[_answer++];
        }
    }
}
