namespace Eaio.Routing;

/// <summary>What a detector does at each run of three or more digits that <see cref="LongDigitRuns"/> finds.</summary>
internal interface ILongDigitRunVisitor
{
    /// <summary>Reads the value around a run and reports it; returns where the next value may start.</summary>
    /// <param name="text">The text.</param>
    /// <param name="run">Where the run starts (after no digit).</param>
    /// <param name="resume">Where the value read last ended: the value may not start before it.</param>
    /// <returns>Where the next value may start; runs before it are not visited.</returns>
    int AtRun(ReadOnlySpan<char> text, int run, int resume);
}
