namespace Eaio.Routing;

/// <summary>The buildings <c>bdg2_find_buildings</c> found.</summary>
/// <param name="Count">How many buildings matched.</param>
/// <param name="Buildings">The first of them (at most 50).</param>
public sealed record BuildingList(int Count, IReadOnlyList<BuildingListEntry> Buildings);
