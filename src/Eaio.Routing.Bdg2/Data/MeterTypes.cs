namespace Eaio.Routing;

/// <summary>Names and units of the BDG2 <see cref="MeterType"/>s.</summary>
public static class MeterTypes
{
    /// <summary>The unit of energy meters: kWh in each hour.</summary>
    public const string KilowattHours = "kWh";

    /// <summary>The unit of volume meters (water, irrigation): litres in each hour.</summary>
    public const string Litres = "L";

    /// <summary>Gets every meter type, in BDG2's order.</summary>
    public static IReadOnlyList<MeterType> All { get; } = Enum.GetValues<MeterType>();

    /// <summary>Gets the unit of a meter type's readings: <see cref="Litres"/> for water and irrigation, else <see cref="KilowattHours"/>.</summary>
    /// <param name="meter">The meter type.</param>
    /// <returns>The unit.</returns>
    public static string Unit(MeterType meter) => IsVolume(meter) ? Litres : KilowattHours;

    /// <summary>Tells whether a meter type measures volume (litres) rather than energy.</summary>
    /// <param name="meter">The meter type.</param>
    /// <returns><see langword="true"/> for water and irrigation.</returns>
    public static bool IsVolume(MeterType meter) => meter is MeterType.Water or MeterType.Irrigation;

    /// <summary>Gets BDG2's name of a meter type, as in file names and metadata columns (<c>chilledwater</c>).</summary>
    /// <param name="meter">The meter type.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="meter"/> is not a defined meter type.</exception>
    public static string Name(MeterType meter) => meter switch
    {
        MeterType.Electricity => "electricity",
        MeterType.ChilledWater => "chilledwater",
        MeterType.Steam => "steam",
        MeterType.HotWater => "hotwater",
        MeterType.Gas => "gas",
        MeterType.Water => "water",
        MeterType.Irrigation => "irrigation",
        MeterType.Solar => "solar",
        _ => throw new ArgumentOutOfRangeException(nameof(meter), meter, "Not a BDG2 meter type."),
    };

    /// <summary>Parses a BDG2 meter name (<c>chilledwater</c>, <c>chilled-water</c> or <c>ChilledWater</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The meter type.</returns>
    /// <exception cref="ArgumentException">The name is not one of the eight meter types; the message lists them.</exception>
    public static MeterType Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string normalized = name.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).Trim();
        foreach (MeterType meter in All)
        {
            if (string.Equals(Name(meter), normalized, StringComparison.OrdinalIgnoreCase))
            {
                return meter;
            }
        }

        throw new ArgumentException($"'{name}' is not a BDG2 meter type; expected one of {string.Join(", ", All.Select(Name))}.", nameof(name));
    }
}
