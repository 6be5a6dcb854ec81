using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>The result of <see cref="Pseudonymizer.PseudonymizeAsync(string, IEnumerable{AITool}, ISensitiveDataDetector, CancellationToken)"/>.</summary>
public sealed class PseudonymizedTools
{
    /// <summary>Initializes a new instance of the <see cref="PseudonymizedTools"/> class.</summary>
    /// <param name="tools">The sanitised declarations.</param>
    /// <param name="entityCounts">The number of values replaced per entity type.</param>
    public PseudonymizedTools(IList<AITool> tools, IReadOnlyDictionary<string, int> entityCounts)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(entityCounts);
        Tools = tools;
        EntityCounts = entityCounts;
    }

    /// <summary>Gets the sanitised declarations, in the order of the originals.</summary>
    public IList<AITool> Tools { get; }

    /// <summary>Gets the number of values replaced per entity type.</summary>
    public IReadOnlyDictionary<string, int> EntityCounts { get; }

    /// <summary>Gets the values that were replaced, for a check that none of them is left anywhere in what leaves.</summary>
    internal IReadOnlyList<string> Originals { get; init; } = [];
}
