namespace Eaio.Routing;

/// <summary>What <see cref="SingleTokenSet.Find"/> learnt of a piece.</summary>
internal enum PieceLookup
{
    /// <summary>The piece is not ASCII, or longer than 16 characters: it was not looked up.</summary>
    NotPacked,

    /// <summary>The piece is packed, and is not one token.</summary>
    Packed,

    /// <summary>The piece is one token.</summary>
    OneToken,
}
