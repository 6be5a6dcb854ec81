namespace Eaio.Routing;

/// <summary>
/// The EUI distribution of the buildings of one primary use: quartiles and mean only, never a single building's value
/// (no minimum or maximum), and only over at least <see cref="MinimumGroupSize"/> buildings, so that it is an aggregate
/// from which no building can be read back.
/// </summary>
/// <param name="PrimarySpaceUsage">The primary use.</param>
/// <param name="Meter">The meter type the EUIs are of.</param>
/// <param name="BuildingCount">The buildings in the group.</param>
/// <param name="Median">The median EUI in kWh/m²/year.</param>
/// <param name="LowerQuartile">The 25th percentile.</param>
/// <param name="UpperQuartile">The 75th percentile.</param>
/// <param name="Mean">The mean EUI.</param>
public sealed record PeerGroupStatistics(string PrimarySpaceUsage, MeterType Meter, int BuildingCount, double Median, double LowerQuartile, double UpperQuartile, double Mean)
{
    /// <summary>The fewest buildings a group may have (a k-anonymity threshold).</summary>
    public const int MinimumGroupSize = 5;

    /// <summary>Computes the statistics of one primary use.</summary>
    /// <param name="primarySpaceUsage">The primary use, compared case-insensitively.</param>
    /// <param name="meter">The meter type of the EUIs.</param>
    /// <param name="buildings">The EUIs of all buildings; those of other uses are ignored.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="InvalidOperationException">Fewer than <see cref="MinimumGroupSize"/> buildings have that use; the message lists the uses that qualify.</exception>
    public static PeerGroupStatistics Compute(string primarySpaceUsage, MeterType meter, IEnumerable<BuildingEui> buildings)
    {
        ArgumentException.ThrowIfNullOrEmpty(primarySpaceUsage);
        ArgumentNullException.ThrowIfNull(buildings);
        BuildingEui[] all = [.. buildings];
        double[] group = [.. all.Where(b => string.Equals(b.PrimarySpaceUsage, primarySpaceUsage, StringComparison.OrdinalIgnoreCase)).Select(b => b.KilowattHoursPerSquareMetreYear).Order()];
        EnsureGroupSize(group.Length, primarySpaceUsage, meter, all);
        return new PeerGroupStatistics(
            all.First(b => string.Equals(b.PrimarySpaceUsage, primarySpaceUsage, StringComparison.OrdinalIgnoreCase)).PrimarySpaceUsage!,
            meter,
            group.Length,
            Statistics.PercentileOfSorted(group, 0.5),
            Statistics.PercentileOfSorted(group, 0.25),
            Statistics.PercentileOfSorted(group, 0.75),
            group.Average());
    }

    internal static void EnsureGroupSize(int size, string? primarySpaceUsage, MeterType meter, IEnumerable<BuildingEui> all)
    {
        if (size >= MinimumGroupSize)
        {
            return;
        }

        string[] qualifying = [.. all.Where(b => b.PrimarySpaceUsage is not null)
            .GroupBy(b => b.PrimarySpaceUsage!, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() >= MinimumGroupSize)
            .Select(g => g.Key)
            .Order(StringComparer.Ordinal)];
        string uses = qualifying.Length == 0 ? "none" : string.Join(", ", qualifying);
        throw new InvalidOperationException(
            $"Only {size} building(s) of primary use '{primarySpaceUsage ?? "(blank)"}' have a {MeterTypes.Name(meter)} EUI; benchmarking needs a group of at least {MinimumGroupSize}. Uses with enough buildings: {uses}.");
    }
}
