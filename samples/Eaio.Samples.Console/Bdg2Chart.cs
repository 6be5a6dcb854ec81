using Eaio.Routing;
using ScottPlot;

namespace Eaio.Samples.Console;

/// <summary>Draws a <see cref="LoadProfile"/> as a PNG with ScottPlot (SkiaSharp; renders without a display).</summary>
internal static class Bdg2Chart
{
    public static void SaveProfile(LoadProfile profile, string path)
    {
        Plot plot = new();
        double[] hours = [.. Enumerable.Range(0, 24).Select(h => (double)h)];
        Add(plot, hours, profile.AllDays, "All days");
        Add(plot, hours, profile.Weekdays, "Weekdays");
        Add(plot, hours, profile.Weekends, "Weekends");
        plot.Title($"{profile.BuildingId} {MeterTypes.Name(profile.Meter)}: mean by local hour");
        plot.XLabel("Hour of day (site local time)");
        plot.YLabel($"{profile.Unit} per hour");
        plot.ShowLegend();
        plot.SavePng(path, 900, 500);
    }

    private static void Add(Plot plot, double[] hours, IReadOnlyList<double?> means, string label)
    {
        // Hours without readings are left out rather than drawn as zero.
        double[] xs = [.. hours.Where((_, h) => means[h] is not null)];
        double[] ys = [.. means.Where(m => m is not null).Select(m => m!.Value)];
        if (xs.Length > 0)
        {
            plot.Add.Scatter(xs, ys).LegendText = label;
        }
    }
}
