namespace Eaio.Routing;

/// <summary>An id read around a run of digits (<see cref="IdTokens"/>): where it is, and how many digits and letters it has.</summary>
/// <param name="Start">Where it starts.</param>
/// <param name="End">Where it ends.</param>
/// <param name="Digits">How many digits it has.</param>
/// <param name="Letters">How many ASCII letters it has; 0 for a number, whole or in groups.</param>
internal readonly record struct IdToken(int Start, int End, int Digits, int Letters)
{
    /// <summary>Gets its length.</summary>
    public int Length => End - Start;
}
