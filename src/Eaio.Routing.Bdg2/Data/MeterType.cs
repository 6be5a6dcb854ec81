namespace Eaio.Routing;

/// <summary>The eight BDG2 meter types; each has its own wide file (<c>electricity.csv</c>, <c>electricity_cleaned.csv</c>, …).</summary>
/// <remarks>Readings of different meter types are never summed together: the thermal kWh of steam or chilled water is not delivered electricity, and water is in litres.</remarks>
public enum MeterType
{
    /// <summary>Whole-building electricity, kWh per hour.</summary>
    Electricity,

    /// <summary>Chilled water (thermal energy), kWh per hour.</summary>
    ChilledWater,

    /// <summary>Steam (thermal energy), kWh per hour.</summary>
    Steam,

    /// <summary>Hot water (thermal energy), kWh per hour.</summary>
    HotWater,

    /// <summary>Natural gas, kWh per hour.</summary>
    Gas,

    /// <summary>Water, litres per hour.</summary>
    Water,

    /// <summary>Irrigation water, litres per hour.</summary>
    Irrigation,

    /// <summary>Solar generation, kWh per hour.</summary>
    Solar,
}
