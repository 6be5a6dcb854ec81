namespace Eaio.Routing;

/// <summary>A stretch of text that a detector found to hold a sensitive value.</summary>
/// <param name="Start">The index of the first character.</param>
/// <param name="Length">The number of characters.</param>
/// <param name="EntityType">What was found, one of <see cref="EntityTypes"/> or a host's own type.</param>
/// <param name="Confidence">How sure the detector is, from 0 to 1.</param>
public readonly record struct SensitiveSpan(int Start, int Length, string EntityType, double Confidence)
{
    /// <summary>Gets the index just past the last character.</summary>
    public int End => Start + Length;
}
