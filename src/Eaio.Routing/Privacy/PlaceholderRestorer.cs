using System.Text;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Puts the original values back in place of placeholders in whole responses: text and tool-call arguments.</summary>
/// <remarks>
/// It restores from a <see cref="PseudonymScopeSnapshot"/> read once (<see cref="IPseudonymVault.GetSnapshotAsync"/>), so
/// it calls no vault and runs synchronously. Only placeholders issued (or reserved) in the scope are replaced, and only as whole ASCII words; anything else that
/// looks like one (<c>EMAIL_99</c> never issued, <c>PERSON_1</c> inside <c>PERSON_10</c>) passes through unchanged.
/// A placeholder the model wrote in another case (<c>building_1</c>) or with its underscores escaped for Markdown
/// (<c>BUILDING\_1</c>) is restored too (see <see cref="PlaceholderSyntax"/>).
/// </remarks>
public sealed class PlaceholderRestorer
{
    private readonly PseudonymScopeSnapshot _snapshot;

    /// <summary>Initializes a new instance of the <see cref="PlaceholderRestorer"/> class.</summary>
    /// <param name="snapshot">The mapping of the scope the request was pseudonymised in, read after it was masked.</param>
    public PlaceholderRestorer(PseudonymScopeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _snapshot = snapshot;
    }

    /// <summary>Restores the placeholders in a text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text with originals in place of placeholders; the same instance when there were none.</returns>
    public string Restore(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Restore(_snapshot, text, precededByWord: false) ?? text;
    }

    /// <summary>Restores the placeholders in every string of tool-call arguments, recursively, into a new dictionary.</summary>
    /// <param name="arguments">The arguments; strings, JSON values, nested dictionaries and lists are restored.</param>
    /// <returns>A restored copy, or <see langword="null"/> when <paramref name="arguments"/> is.</returns>
    public IDictionary<string, object?>? RestoreArguments(IDictionary<string, object?>? arguments) =>
        ContentValueRewriter.RewriteArguments(arguments, Restore, serializeUnknown: false);

    /// <summary>Maps an opaque tool-call id sent out (<c>CALL_1</c>) back to the caller's id; any other id is returned as is.</summary>
    /// <param name="callId">The id in the response.</param>
    /// <returns>The caller's id, or <paramref name="callId"/>.</returns>
    public string RestoreCallId(string callId)
    {
        ArgumentNullException.ThrowIfNull(callId);
        // Only an id of the form this library sends (CALL_n, as issued): a provider's own "call_1" is not one of ours.
        return callId.StartsWith(PlaceholderSyntax.ToolCallIdStem + "_", StringComparison.Ordinal) && PlaceholderSyntax.IsPlaceholderShaped(callId)
            && _snapshot.TryGetOriginal(callId, out string? original) ? original : callId;
    }

    /// <summary>Returns copies of messages with placeholders restored in text, reasoning text and tool-call arguments.</summary>
    /// <param name="messages">The messages; they are not changed.</param>
    /// <returns>The restored copies.</returns>
    public IList<ChatMessage> Restore(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        IReadOnlyList<ChatMessage> messageList = MessageLists.AsList(messages);
        List<ChatMessage> copies = new(messageList.Count);
        for (int m = 0; m < messageList.Count; m++)
        {
            ChatMessage message = messageList[m];
            ChatMessage copy = message.Clone();
            List<AIContent> contents = new(message.Contents.Count);
            // Indexed: a foreach over the IList boxes its enumerator on every message of every call.
            IList<AIContent> sources = message.Contents;
            for (int c = 0; c < sources.Count; c++)
            {
                AIContent content = sources[c];
                contents.Add(content switch
                {
                    TextContent text => new TextContent(Restore(text.Text))
                    {
                        AdditionalProperties = text.AdditionalProperties,
                        RawRepresentation = text.RawRepresentation,
                    },
                    TextReasoningContent reasoning => new TextReasoningContent(Restore(reasoning.Text))
                    {
                        AdditionalProperties = reasoning.AdditionalProperties,
                        RawRepresentation = reasoning.RawRepresentation,
                    },
                    FunctionCallContent call => new FunctionCallContent(RestoreCallId(call.CallId), call.Name, RestoreArguments(call.Arguments))
                    {
                        Exception = call.Exception,
                        AdditionalProperties = call.AdditionalProperties,
                        RawRepresentation = call.RawRepresentation,
                    },
                    _ => content,
                });
            }

            copy.Contents = contents;
            copies.Add(copy);
        }

        return copies;
    }

    /// <summary>Returns a copy of a response with its messages restored; the other properties are copied.</summary>
    /// <param name="response">The response; it is not changed.</param>
    /// <returns>The restored copy.</returns>
    public ChatResponse Restore(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new ChatResponse(Restore(response.Messages))
        {
            AdditionalProperties = response.AdditionalProperties,
            ConversationId = response.ConversationId,
            CreatedAt = response.CreatedAt,
            FinishReason = response.FinishReason,
            ModelId = response.ModelId,
            RawRepresentation = response.RawRepresentation,
            ResponseId = response.ResponseId,
            Usage = response.Usage,
        };
    }

    /// <summary>Restores placeholders in <paramref name="text"/>; returns <see langword="null"/> when nothing was replaced.</summary>
    /// <param name="snapshot">The scope's mapping.</param>
    /// <param name="text">The text.</param>
    /// <param name="precededByWord">Whether the character before <paramref name="text"/> (already emitted) is a word character.</param>
    internal static string? Restore(PseudonymScopeSnapshot snapshot, ReadOnlySpan<char> text, bool precededByWord)
    {
        StringBuilder? builder = null;
        int position = 0;
        int from = 0;
        while (PlaceholderSyntax.FindNext(text, from, precededByWord, out int start, out int end))
        {
            // Looked up without Markdown escapes and, by the snapshot, ignoring case. A word reserved as itself is left as
            // written rather than rewritten to the reserved spelling.
            ReadOnlySpan<char> token = PlaceholderSyntax.Unescape(text[start..end]);
            if (snapshot.TryGetOriginal(token, out string? original) && !token.SequenceEqual(original))
            {
                builder ??= new StringBuilder(text.Length + (text.Length / 2) + 32);
                builder.Append(text[position..start]).Append(original);
                position = end;
            }

            from = end;
        }

        return builder?.Append(text[position..]).ToString();
    }
}
