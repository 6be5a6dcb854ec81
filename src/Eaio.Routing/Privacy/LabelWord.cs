namespace Eaio.Routing;

/// <summary>What one word written in front of a number says about it, for <see cref="LabelReader"/>.</summary>
/// <param name="Role">How the word labels the number.</param>
/// <param name="EntityType">The type of the number a label names; <see langword="null"/> for fillers and tails.</param>
/// <param name="MinDigits">The fewest digits the labelled value may have.</param>
/// <param name="ExactDigits">The digits the value must have, or 0 for any number from <paramref name="MinDigits"/>.</param>
internal readonly record struct LabelWord(LabelRole Role, string? EntityType = null, int MinDigits = 5, int ExactDigits = 0)
{
    /// <summary>A word that may stand between a label and its value ("no.", "is", "de").</summary>
    public static LabelWord Filler { get; } = new(LabelRole.Filler);

    /// <summary>"number", "id", "point": a filler, or the end of a label of two words.</summary>
    public static LabelWord Tail { get; } = new(LabelRole.Tail);

    /// <summary>"is", "ist", "es": a filler, which right before the value lets a phrase stand between it and the label.</summary>
    public static LabelWord Copula { get; } = new(LabelRole.Copula);

    /// <summary>Whether a value with this many digits fits the label.</summary>
    public bool Fits(int digits) => ExactDigits == 0 ? digits >= MinDigits : digits == ExactDigits;
}
