using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// One call's masked payload: what leaves, what was replaced, and the snapshot of its scope its answer is restored from
/// (whole, streamed, reasoning, tool calls). A request-only scope goes with the call; a conversation's lives on in the
/// vault until it expires.
/// </summary>
/// <remarks>One instance serves one call and is not thread-safe (it holds the stream's restorer).</remarks>
internal sealed class MaskedCall
{
    private StreamingPlaceholderRestorer? _stream;
    private PlaceholderRestorer? _whole;

    public MaskedCall(PseudonymizedRequest masked, PseudonymScopeSnapshot snapshot, IReadOnlyList<string> originals)
    {
        Messages = masked.Messages;
        Instructions = masked.Instructions;
        Tools = masked.Tools;
        EntityCounts = masked.EntityCounts;
        Snapshot = snapshot;
        Originals = originals;
    }

    /// <summary>Gets the masked copies of the messages, as they leave.</summary>
    public IList<ChatMessage> Messages { get; }

    /// <summary>Gets the masked instructions, or <see langword="null"/> when there were none.</summary>
    public string? Instructions { get; }

    /// <summary>Gets the masked tools, or <see langword="null"/> when none were offered.</summary>
    public IList<AITool>? Tools { get; }

    public IReadOnlyDictionary<string, int> EntityCounts { get; }

    /// <summary>Gets the scope's mapping, read once after masking.</summary>
    public PseudonymScopeSnapshot Snapshot { get; }

    /// <summary>Gets this payload's originals and, for a conversation, those of its earlier turns: none may leave.</summary>
    public IReadOnlyList<string> Originals { get; }

    private PlaceholderRestorer Whole => _whole ??= new PlaceholderRestorer(Snapshot);

    /// <summary>Puts the masked options on a copy: instructions and tools as they leave.</summary>
    public void Apply(ChatOptions options)
    {
        if (Instructions is not null)
        {
            options.Instructions = Instructions;
        }

        if (Tools is not null)
        {
            options.Tools = Tools;
        }
    }

    /// <summary>Restores a whole response into a copy, or returns it when it has nothing to restore.</summary>
    /// <remarks>A response with nothing to restore is returned as it is: every placeholder has an underscore, so text
    /// without one holds none, and only tool calls carry ids and arguments to map back.</remarks>
    public ChatResponse Restore(ChatResponse response) => MayHoldPlaceholders(response) ? Whole.Restore(response) : response;

    /// <summary>Restores a streamed update in place: text through the stream's restorer, reasoning per chunk, tool calls whole.</summary>
    public ChatResponseUpdate Restore(ChatResponseUpdate update)
    {
        IList<AIContent> contents = update.Contents;
        for (int i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent text:
                    text.Text = (_stream ??= new StreamingPlaceholderRestorer(Snapshot)).Append(text.Text);
                    break;
                case TextReasoningContent reasoning:
                    // Reasoning is a stream of its own; whole placeholders in each chunk are restored, a split one is not.
                    reasoning.Text = Whole.Restore(reasoning.Text);
                    break;
                case FunctionCallContent call:
                    // Text held back before a tool call belongs before it: release it first, then restore the call whole.
                    if (_stream is { HeldLength: > 0 })
                    {
                        contents.Insert(i++, new TextContent(_stream.Flush()));
                    }

                    string callId = Whole.RestoreCallId(call.CallId);
                    if (call.Arguments is not null || !ReferenceEquals(callId, call.CallId))
                    {
                        contents[i] = new FunctionCallContent(callId, call.Name, Whole.RestoreArguments(call.Arguments))
                        {
                            Exception = call.Exception,
                            InformationalOnly = call.InformationalOnly,
                            AdditionalProperties = call.AdditionalProperties,
                        };
                    }

                    break;
            }
        }

        return update;
    }

    private static bool MayHoldPlaceholders(ChatResponse response)
    {
        IList<ChatMessage> messages = response.Messages;
        for (int m = 0; m < messages.Count; m++)
        {
            IList<AIContent> contents = messages[m].Contents;
            for (int c = 0; c < contents.Count; c++)
            {
                switch (contents[c])
                {
                    case TextContent text when text.Text.Contains('_', StringComparison.Ordinal):
                    case TextReasoningContent reasoning when reasoning.Text.Contains('_', StringComparison.Ordinal):
                    case FunctionCallContent:
                        return true;
                }
            }
        }

        return false;
    }

    /// <summary>Releases the text the stream's restorer still holds; empty when none.</summary>
    public string Flush() => _stream?.Flush() ?? string.Empty;
}
