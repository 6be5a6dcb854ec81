using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>A request masked in one pass: its messages, instructions and tools, what was replaced, and the values replaced.</summary>
internal sealed record PseudonymizedRequest(
    IList<ChatMessage> Messages,
    string? Instructions,
    IList<AITool>? Tools,
    Dictionary<string, int> EntityCounts, // concrete, so walking it does not box an enumerator on every call
    IReadOnlyList<string> Originals);
