using System.Globalization;
using System.Runtime.CompilerServices;

namespace Eaio.Routing;

/// <summary>
/// The character classes the <c>cl100k_base</c> and <c>o200k_base</c> split patterns are written in, as bit flags, with
/// the same Unicode data <see cref="System.Text.RegularExpressions.Regex"/> uses (one UTF-16 unit at a time, so each half
/// of a surrogate pair is neither a letter, a number nor a space).
/// </summary>
internal static class TiktokenCharClass
{
    /// <summary><c>\p{L}</c>.</summary>
    public const int Letter = 1;

    /// <summary><c>\p{N}</c>.</summary>
    public const int Number = 2;

    /// <summary><c>\s</c>.</summary>
    public const int Space = 4;

    /// <summary><c>[\r\n]</c>.</summary>
    public const int LineBreak = 8;

    /// <summary>o200k's leading class <c>[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]</c>.</summary>
    public const int Upper = 16;

    /// <summary>o200k's trailing class <c>[\p{Ll}\p{Lm}\p{Lo}\p{M}]</c>.</summary>
    public const int Lower = 32;

    // Prose is mostly ASCII: a table lookup there, the Unicode category elsewhere. The table is computed with the same
    // function as the rest, so the two cannot disagree.
    private static readonly byte[] s_ascii = BuildAsciiTable();

    /// <summary>Gets the classes of a UTF-16 unit.</summary>
    /// <param name="c">The unit.</param>
    /// <returns>The <see cref="Letter"/>, <see cref="Number"/>, <see cref="Space"/>, <see cref="LineBreak"/>,
    /// <see cref="Upper"/> and <see cref="Lower"/> flags that apply.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(char c) => c < 128 ? s_ascii[c] : Compute(c);

    /// <summary>Gets a value indicating whether a unit is ASCII <paramref name="lower"/> in either case.</summary>
    /// <remarks>
    /// The contractions are matched case-insensitively; the library's generated regex treats only the ASCII case pairs
    /// as equal for these letters (no Kelvin sign or long s), which the differential tests check.
    /// </remarks>
    /// <param name="c">The unit.</param>
    /// <param name="lower">The lower-case ASCII letter.</param>
    /// <returns><see langword="true"/> for <paramref name="lower"/> and its upper case.</returns>
    public static bool IsAsciiLetterIgnoreCase(char c, char lower) => (c | 0x20) == lower && char.IsAsciiLetter(c);

    private static int Compute(char c)
    {
        if (char.IsWhiteSpace(c))
        {
            // \s is [\f\n\r\t\v\x85\p{Z}], which is exactly char.IsWhiteSpace.
            return c is '\r' or '\n' ? Space | LineBreak : Space;
        }

        return char.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter => Letter | Upper,
            UnicodeCategory.LowercaseLetter => Letter | Lower,
            UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Letter | Upper | Lower,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => Upper | Lower,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
            _ => 0,
        };
    }

    private static byte[] BuildAsciiTable()
    {
        byte[] table = new byte[128];
        for (int c = 0; c < table.Length; c++)
        {
            table[c] = (byte)Compute((char)c);
        }

        return table;
    }
}
