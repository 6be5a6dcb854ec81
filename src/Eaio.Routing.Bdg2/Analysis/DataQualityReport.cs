namespace Eaio.Routing;

/// <summary>
/// Data-quality screening of one meter, after BDG2's own screening (notebooks 06 and 10): missing hours, runs of zeros,
/// flat lines (a stuck meter repeating one non-zero value) and outliers (robust z-score against the whole series).
/// </summary>
/// <param name="BuildingId">The building id.</param>
/// <param name="Meter">The meter type.</param>
/// <param name="Hours">The hours in the series.</param>
/// <param name="MissingHours">The hours without a reading.</param>
/// <param name="ZeroHours">The hours reading exactly zero.</param>
/// <param name="LongZeroRuns">The runs of zeros at least <paramref name="MinimumRunHours"/> long (BDG2 cleaning blanks those longer than 24 h).</param>
/// <param name="LongestZeroRunHours">The longest run of zeros.</param>
/// <param name="FlatLineRuns">The runs of one repeated non-zero value at least <paramref name="MinimumRunHours"/> long.</param>
/// <param name="LongestFlatLineHours">The longest run of one repeated non-zero value.</param>
/// <param name="OutlierHours">The readings whose robust z-score exceeds <paramref name="OutlierThreshold"/>; zero when more than half the readings are equal (no spread to judge by, as with a solar meter's nights).</param>
/// <param name="MinimumRunHours">The run length that counts as a long zero run or flat line.</param>
/// <param name="OutlierThreshold">The robust z-score above which a reading is an outlier.</param>
public sealed record DataQualityReport(
    string BuildingId,
    MeterType Meter,
    int Hours,
    int MissingHours,
    int ZeroHours,
    int LongZeroRuns,
    int LongestZeroRunHours,
    int FlatLineRuns,
    int LongestFlatLineHours,
    int OutlierHours,
    int MinimumRunHours,
    double OutlierThreshold)
{
    /// <summary>Gets the share of hours without a reading (0..1).</summary>
    public double MissingShare => Hours == 0 ? 0 : (double)MissingHours / Hours;

    /// <summary>Screens a meter.</summary>
    /// <param name="series">The readings.</param>
    /// <param name="minimumRunHours">How long a run of zeros or of one repeated value must be to count (default 24 h, BDG2's cleaning rule).</param>
    /// <param name="outlierThreshold">The robust z-score (0.6745 × |x − median| / MAD) above which a reading is an outlier (default 5).</param>
    /// <returns>The report.</returns>
    public static DataQualityReport Compute(MeterSeries series, int minimumRunHours = 24, double outlierThreshold = 5)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumRunHours, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outlierThreshold);
        ReadOnlySpan<double> values = series.ValueSpan;
        int missing = 0, zeros = 0, zeroRuns = 0, longestZero = 0, flatRuns = 0, longestFlat = 0;
        int zeroRun = 0, flatRun = 0;
        double previous = double.NaN;
        List<double> present = new(values.Length);
        for (int i = 0; i <= values.Length; i++)
        {
            double v = i < values.Length ? values[i] : double.NaN;
            bool isZero = v == 0;
            bool continuesFlat = !double.IsNaN(v) && !isZero && v == previous;

            // A run ends at the first reading that does not continue it (a missing hour ends every run).
            if (!isZero && zeroRun > 0)
            {
                zeroRuns += zeroRun >= minimumRunHours ? 1 : 0;
                longestZero = Math.Max(longestZero, zeroRun);
                zeroRun = 0;
            }

            if (!continuesFlat && flatRun > 0)
            {
                flatRuns += flatRun >= minimumRunHours ? 1 : 0;
                longestFlat = Math.Max(longestFlat, flatRun);
                flatRun = 0;
            }

            if (i == values.Length)
            {
                break;
            }

            if (double.IsNaN(v))
            {
                missing++;
            }
            else
            {
                present.Add(v);
                if (isZero)
                {
                    zeros++;
                    zeroRun++;
                }
                else
                {
                    flatRun = continuesFlat ? flatRun + 1 : 1;
                }
            }

            previous = v;
        }

        return new DataQualityReport(
            series.BuildingId, series.Meter, values.Length, missing, zeros, zeroRuns, longestZero,
            flatRuns, longestFlat, CountOutliers(present, outlierThreshold), minimumRunHours, outlierThreshold);
    }

    private static int CountOutliers(List<double> present, double threshold)
    {
        double[] sorted = [.. present];
        double median = Statistics.MedianInPlace(sorted);
        double mad = Statistics.MedianAbsoluteDeviation(sorted, median);
        if (!(mad > 0))
        {
            return 0;
        }

        int outliers = 0;
        foreach (double v in present)
        {
            if (Statistics.MadToSigma * Math.Abs(v - median) / mad > threshold)
            {
                outliers++;
            }
        }

        return outliers;
    }
}
