using System.Runtime.CompilerServices;
using static Eaio.Routing.TiktokenCharClass;

namespace Eaio.Routing;

/// <summary>The runs both encodings' split patterns are built from, each returning where the run ends.</summary>
internal static class TiktokenScan
{
    /// <summary>Gets the end of the run of units that have any of <paramref name="classes"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="from">Where to look from.</param>
    /// <param name="classes">The <see cref="TiktokenCharClass"/> flags.</param>
    /// <returns>The first index at or after <paramref name="from"/> without any of the classes, or the text's length.</returns>
    public static int RunEnd(ReadOnlySpan<char> text, int from, int classes)
    {
        while (from < text.Length && (Of(text[from]) & classes) != 0)
        {
            from++;
        }

        return from;
    }

    /// <summary>Gets the end of the run of letters (<c>\p{L}</c>) from <paramref name="from"/>, looking at ASCII letters first.</summary>
    /// <param name="text">The text.</param>
    /// <param name="from">Where to look from.</param>
    /// <returns>The first index at or after <paramref name="from"/> that is not a letter, or the text's length.</returns>
    public static int LettersEnd(ReadOnlySpan<char> text, int from)
    {
        while (from < text.Length && char.IsAsciiLetter(text[from]))
        {
            from++;
        }

        return from < text.Length && !char.IsAscii(text[from]) ? RunEnd(text, from, Letter) : from;
    }

    /// <summary>Gets a value indicating whether a unit is in <c>[^\s\p{L}\p{N}]</c>: punctuation, symbols, marks, controls, surrogates.</summary>
    /// <param name="c">The unit.</param>
    /// <returns><see langword="true"/> when it is none of a space, a letter and a number.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSymbol(char c) => (Of(c) & (Space | Letter | Number)) == 0;

    /// <summary>Gets the end of <c> ?[^\s\p{L}\p{N}]+</c> followed by <paramref name="tail"/>, or -1 when it does not match.</summary>
    /// <param name="text">The text.</param>
    /// <param name="start">Where the match starts.</param>
    /// <param name="tail">The units allowed to trail the symbols: <c>\r\n</c>, and <c>/</c> for o200k.</param>
    /// <returns>The end of the match, or -1.</returns>
    public static int SymbolsEnd(ReadOnlySpan<char> text, int start, ReadOnlySpan<char> tail)
    {
        // The optional space is only kept when symbols follow it: a space is not a symbol itself.
        int end = text[start] == ' ' && start + 1 < text.Length && IsSymbol(text[start + 1]) ? start + 1 : start;
        if (!IsSymbol(text[end]))
        {
            return -1;
        }

        do
        {
            end++;
        }
        while (end < text.Length && IsSymbol(text[end]));

        while (end < text.Length && tail.Contains(text[end]))
        {
            end++;
        }

        return end;
    }

    /// <summary>Gets the end of <c>\p{N}{1,3}</c>, or -1 when <paramref name="start"/> is not a number.</summary>
    /// <param name="text">The text.</param>
    /// <param name="start">Where the match starts.</param>
    /// <returns>The end of the match, or -1.</returns>
    public static int DigitsEnd(ReadOnlySpan<char> text, int start)
    {
        int end = start;
        while (end < text.Length && end < start + 3 && (Of(text[end]) & Number) != 0)
        {
            end++;
        }

        return end > start ? end : -1;
    }

    /// <summary>
    /// Gets the end of an English contraction at <paramref name="start"/>: <c>'(?i:s|t|re|ve|m|ll|d)</c>, or -1. The two
    /// encodings list the endings in different orders, but no ending is a prefix of another, so the match is the same.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="start">Where the apostrophe would be.</param>
    /// <returns>The end of the contraction, or -1.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ContractionEnd(ReadOnlySpan<char> text, int start)
    {
        if (start + 1 >= text.Length || text[start] != '\'')
        {
            return -1;
        }

        char first = text[start + 1];
        if (IsAsciiLetterIgnoreCase(first, 's') || IsAsciiLetterIgnoreCase(first, 't') || IsAsciiLetterIgnoreCase(first, 'm') || IsAsciiLetterIgnoreCase(first, 'd'))
        {
            return start + 2;
        }

        if (start + 2 < text.Length)
        {
            char second = text[start + 2];
            if ((IsAsciiLetterIgnoreCase(first, 'r') && IsAsciiLetterIgnoreCase(second, 'e'))
                || (IsAsciiLetterIgnoreCase(first, 'v') && IsAsciiLetterIgnoreCase(second, 'e'))
                || (IsAsciiLetterIgnoreCase(first, 'l') && IsAsciiLetterIgnoreCase(second, 'l')))
            {
                return start + 3;
            }
        }

        return -1;
    }

    /// <summary>Gets the index of the last line break (<c>\r</c> or <c>\n</c>) in <c>text[start..end]</c>, or -1.</summary>
    /// <param name="text">The text.</param>
    /// <param name="start">The start of the run of spaces.</param>
    /// <param name="end">The end of the run.</param>
    /// <returns>The index in <paramref name="text"/>, or -1.</returns>
    public static int LastLineBreak(ReadOnlySpan<char> text, int start, int end)
    {
        int index = text[start..end].LastIndexOfAny('\r', '\n');
        return index < 0 ? -1 : start + index;
    }
}
