namespace Eaio.Routing;

/// <summary>Where one building's EUI stands among the buildings of the same primary use.</summary>
/// <param name="BuildingId">The building id.</param>
/// <param name="KilowattHoursPerSquareMetreYear">The building's EUI.</param>
/// <param name="Percentile">
/// The share of the peer group (the building included) with a lower EUI, ties counted half, in percent (0..100): 10
/// means among the most efficient tenth, 90 among the most intensive.
/// </param>
/// <param name="Group">The peer group's statistics.</param>
public sealed record EuiBenchmark(string BuildingId, double KilowattHoursPerSquareMetreYear, double Percentile, PeerGroupStatistics Group)
{
    /// <summary>Benchmarks a building against the buildings of its primary use.</summary>
    /// <param name="buildingId">The building id, which must be among <paramref name="buildings"/>.</param>
    /// <param name="meter">The meter type of the EUIs.</param>
    /// <param name="buildings">The EUIs of all buildings.</param>
    /// <returns>The benchmark.</returns>
    /// <exception cref="ArgumentException">The building has no EUI among <paramref name="buildings"/>.</exception>
    /// <exception cref="InvalidOperationException">Fewer than <see cref="PeerGroupStatistics.MinimumGroupSize"/> buildings share its primary use.</exception>
    public static EuiBenchmark Compute(string buildingId, MeterType meter, IEnumerable<BuildingEui> buildings)
    {
        ArgumentException.ThrowIfNullOrEmpty(buildingId);
        ArgumentNullException.ThrowIfNull(buildings);
        BuildingEui[] all = [.. buildings];
        BuildingEui self = all.FirstOrDefault(b => b.BuildingId == buildingId)
            ?? throw new ArgumentException($"The building '{buildingId}' has no {MeterTypes.Name(meter)} EUI (no readings, no floor area, or not in the meter file).", nameof(buildingId));
        if (self.PrimarySpaceUsage is null)
        {
            PeerGroupStatistics.EnsureGroupSize(0, null, meter, all);
        }

        PeerGroupStatistics group = PeerGroupStatistics.Compute(self.PrimarySpaceUsage!, meter, all);
        int below = 0, equal = 0;
        foreach (BuildingEui b in all)
        {
            if (!string.Equals(b.PrimarySpaceUsage, self.PrimarySpaceUsage, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            below += b.KilowattHoursPerSquareMetreYear < self.KilowattHoursPerSquareMetreYear ? 1 : 0;
            equal += b.KilowattHoursPerSquareMetreYear == self.KilowattHoursPerSquareMetreYear ? 1 : 0;
        }

        return new EuiBenchmark(buildingId, self.KilowattHoursPerSquareMetreYear, 100.0 * (below + (0.5 * equal)) / group.BuildingCount, group);
    }
}
