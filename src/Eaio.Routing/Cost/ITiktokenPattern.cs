namespace Eaio.Routing;

/// <summary>An encoding's pre-tokenisation regex, written out by hand: where each piece of text ends.</summary>
/// <remarks>
/// Implemented by structs so that the splitter and counter, generic over the pattern, are compiled once per encoding
/// with the match inlined, rather than calling through an interface for every word.
/// </remarks>
internal interface ITiktokenPattern
{
    /// <summary>Gets where the regex's match at <paramref name="start"/> ends.</summary>
    /// <param name="text">The text, ending where the regex's input ends (the end of the text or the next special token).</param>
    /// <param name="start">Where the match starts; less than the length of <paramref name="text"/>.</param>
    /// <returns>The index after the match; greater than <paramref name="start"/>, since every character starts a match.</returns>
    static abstract int MatchEnd(ReadOnlySpan<char> text, int start);
}
