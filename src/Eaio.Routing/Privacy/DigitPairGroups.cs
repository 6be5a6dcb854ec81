using System.Numerics;
using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>
/// Finds numbers written in groups of two digits (<c>12-34-56</c>, <c>AB 12 34 56 C</c>): a UK sort code, a national
/// insurance number in its printed form. They hold no run of three digits, from which the id detectors start.
/// </summary>
/// <remarks>
/// One vector pass makes masks of the digits and of the separators (space, hyphen) of 64 characters at a time, and the
/// pattern, three pairs of digits with a separator between, is a few shifts of the two; only where it holds is the rest
/// (not after a digit, '-', '.', '/' or ','; the same separator twice) read. A window with no digit-digit-?-digit is passed
/// after its digit mask.
/// </remarks>
internal static class DigitPairGroups
{
    /// <summary>The next such start at or after <paramref name="from"/>, or -1.</summary>
    /// <param name="text">The text.</param>
    /// <param name="from">Where to start.</param>
    /// <returns>The position of the first digit, or -1.</returns>
    public static int Next(ReadOnlySpan<char> text, int from)
    {
        int i = Math.Max(from, 1);
        if (from == 0 && IsStart(text, 0))
        {
            return 0;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            // Windows of 64 characters, one bit a character, so the pattern is a few shifts of two masks; a window
            // reads starts in its first 56 characters, where the whole pattern (eight characters) lies inside it.
            for (; i + 64 <= text.Length; i += 56)
            {
                if (InWindow(text, i, 0x00FF_FFFF_FFFF_FFFFUL) is int found and >= 0)
                {
                    return found;
                }
            }

            // The last characters in one more window that ends with the text, read from where the loop stopped: a
            // character-by-character reading of them cost more than the windows before (a 200-character prompt).
            if (text.Length >= 64 && i < text.Length)
            {
                int window = text.Length - 64;
                return InWindow(text, window, 0x01FF_FFFF_FFFF_FFFFUL & (ulong.MaxValue << (i - window)));
            }
        }

        for (; i < text.Length; i++)
        {
            if (IsStart(text, i))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The first start among the window's characters that <paramref name="reads"/> marks, or -1.</summary>
    private static int InWindow(ReadOnlySpan<char> text, int window, ulong reads)
    {
        ulong digits = AsciiVectors.Mask(text, window, 64, '0', '9');
        ulong starts = digits & (digits >> 1) & (digits >> 3) & reads;
        if (starts == 0)
        {
            return -1;
        }

        ulong separators = AsciiVectors.Mask(text, window, 64, ' ', ' ') | AsciiVectors.Mask(text, window, 64, '-', '-');
        starts &= (separators >> 2) & (digits >> 4) & (separators >> 5) & (digits >> 6) & (digits >> 7);
        while (starts != 0)
        {
            int at = window + BitOperations.TrailingZeroCount(starts);
            starts &= starts - 1;
            if (IsStart(text, at))
            {
                return at;
            }
        }

        return -1;
    }

    // Three pairs, the same separator twice; two ("12 34", a score, a time) are too common to read each.
    private static bool IsStart(ReadOnlySpan<char> text, int i) =>
        i + 7 < text.Length && char.IsAsciiDigit(text[i]) && (i == 0 || !(char.IsAsciiDigit(text[i - 1]) || text[i - 1] is '-' or '.' or '/' or ','))
        && char.IsAsciiDigit(text[i + 1]) && text[i + 2] is ' ' or '-' && char.IsAsciiDigit(text[i + 3]) && char.IsAsciiDigit(text[i + 4])
        && text[i + 5] == text[i + 2] && char.IsAsciiDigit(text[i + 6]) && char.IsAsciiDigit(text[i + 7]);
}
