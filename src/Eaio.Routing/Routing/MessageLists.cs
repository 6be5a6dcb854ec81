using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Reads a call's messages by index: a <c>foreach</c> over <see cref="IEnumerable{T}"/> boxes the list's or the
/// array's enumerator, once per layer that reads them, on every call.</summary>
internal static class MessageLists
{
    /// <summary>The messages as a list: the caller's own when it is one (a <see cref="List{T}"/> or an array), else a copy.</summary>
    public static IReadOnlyList<ChatMessage> AsList(IEnumerable<ChatMessage> messages) =>
        messages as IReadOnlyList<ChatMessage> ?? [.. messages];
}
