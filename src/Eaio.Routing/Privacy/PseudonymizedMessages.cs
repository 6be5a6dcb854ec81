using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Sanitised copies of chat messages, and how many values of each type were replaced.</summary>
public sealed class PseudonymizedMessages
{
    /// <summary>Initializes a new instance of the <see cref="PseudonymizedMessages"/> class.</summary>
    /// <param name="messages">The sanitised copies.</param>
    /// <param name="entityCounts">The number of values replaced per entity type.</param>
    public PseudonymizedMessages(IList<ChatMessage> messages, IReadOnlyDictionary<string, int> entityCounts)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(entityCounts);
        Messages = messages;
        EntityCounts = entityCounts;
    }

    /// <summary>Gets the sanitised copies, in the order of the originals.</summary>
    public IList<ChatMessage> Messages { get; }

    /// <summary>Gets the number of values replaced per entity type, over all messages.</summary>
    public IReadOnlyDictionary<string, int> EntityCounts { get; }

    /// <summary>Gets the values that were replaced, for a check that none of them is left anywhere in what leaves.</summary>
    internal IReadOnlyList<string> Originals { get; init; } = [];
}
