namespace Eaio.Routing;

/// <summary>One site's hourly air temperature from BDG2 <c>weather.csv</c>, in naive local time.</summary>
public sealed class WeatherSeries
{
    private readonly Dictionary<DateTime, double> _byHour;

    /// <summary>Initializes a new instance of the <see cref="WeatherSeries"/> class.</summary>
    /// <param name="siteId">The site id.</param>
    /// <param name="timestamps">The local hours, ascending, without duplicates.</param>
    /// <param name="airTemperature">The air temperature in °C per hour, <see cref="double.NaN"/> where missing.</param>
    /// <param name="duplicateHours">How many repeated hours the file had (the first was kept).</param>
    public WeatherSeries(string siteId, IReadOnlyList<DateTime> timestamps, IReadOnlyList<double> airTemperature, int duplicateHours = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(siteId);
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(airTemperature);
        if (timestamps.Count != airTemperature.Count)
        {
            throw new ArgumentException($"{timestamps.Count} timestamps but {airTemperature.Count} temperatures.", nameof(airTemperature));
        }

        SiteId = siteId;
        Timestamps = [.. timestamps];
        AirTemperature = [.. airTemperature];
        DuplicateHours = duplicateHours;
        _byHour = new(timestamps.Count);
        for (int i = 0; i < timestamps.Count; i++)
        {
            _byHour.TryAdd(timestamps[i], airTemperature[i]);
        }
    }

    /// <summary>Gets the site id.</summary>
    public string SiteId { get; }

    /// <summary>Gets the local hours.</summary>
    public IReadOnlyList<DateTime> Timestamps { get; }

    /// <summary>Gets the air temperature in °C, <see cref="double.NaN"/> where missing.</summary>
    public IReadOnlyList<double> AirTemperature { get; }

    /// <summary>Gets how many repeated hours the file had for this site (BDG2 weather has DST duplicates at some sites); the first was kept.</summary>
    public int DuplicateHours { get; }

    /// <summary>Gets the temperature at a local hour, or <see cref="double.NaN"/> when the hour is absent or missing.</summary>
    /// <param name="hour">The local hour.</param>
    /// <returns>The temperature in °C.</returns>
    public double TemperatureAt(DateTime hour) => _byHour.TryGetValue(hour, out double t) ? t : double.NaN;
}
