using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>
/// Finds numbers written in groups of two digits (<c>12-34-56</c>, <c>AB 12 34 56 C</c>): a UK sort code, a national
/// insurance number in its printed form. They hold no run of three digits, from which the id detectors start.
/// </summary>
/// <remarks>
/// One vector pass marks where two digits start (not after a digit, '-', '.', '/' or ',') and a space or hyphen and two
/// more digits follow, sixteen characters at a time, and a third pair after the same separator is checked there; a block
/// without a digit is passed on one compare.
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
            ref ushort chars = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(text));
            for (; i <= text.Length - Vector256<ushort>.Count - 4; i += Vector256<ushort>.Count)
            {
                Vector256<ushort> first = Digits(Vector256.LoadUnsafe(ref chars, (nuint)i));
                if (first == Vector256<ushort>.Zero)
                {
                    continue;
                }

                Vector256<ushort> separator = Vector256.LoadUnsafe(ref chars, (nuint)(i + 2));
                Vector256<ushort> previous = Vector256.LoadUnsafe(ref chars, (nuint)(i - 1));
                uint bits = (Vector256.AndNot(first, Digits(previous) | LaterPartMark(previous))
                    & Digits(Vector256.LoadUnsafe(ref chars, (nuint)(i + 1)))
                    & (Vector256.Equals(separator, Vector256.Create((ushort)' ')) | Vector256.Equals(separator, Vector256.Create((ushort)'-')))
                    & Digits(Vector256.LoadUnsafe(ref chars, (nuint)(i + 3)))
                    & Digits(Vector256.LoadUnsafe(ref chars, (nuint)(i + 4)))).ExtractMostSignificantBits();
                while (bits != 0)
                {
                    int at = i + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    if (HasThirdPair(text, at))
                    {
                        return at;
                    }
                }
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

    private static bool IsStart(ReadOnlySpan<char> text, int i) =>
        i + 4 < text.Length && (i == 0 || !(char.IsAsciiDigit(text[i - 1]) || text[i - 1] is '-' or '.' or '/' or ','))
        && char.IsAsciiDigit(text[i]) && char.IsAsciiDigit(text[i + 1]) && text[i + 2] is ' ' or '-'
        && char.IsAsciiDigit(text[i + 3]) && char.IsAsciiDigit(text[i + 4]) && HasThirdPair(text, i);

    // Both forms have three pairs; two ("12 34", a score, a time) are too common to read each.
    private static bool HasThirdPair(ReadOnlySpan<char> text, int i) =>
        i + 7 < text.Length && text[i + 5] == text[i + 2] && char.IsAsciiDigit(text[i + 6]) && char.IsAsciiDigit(text[i + 7]);

    // A number after these is the later part of a date, a decimal, a list: no such id starts there.
    private static Vector256<ushort> LaterPartMark(Vector256<ushort> chars) =>
        Vector256.Equals(chars, Vector256.Create((ushort)'-')) | Vector256.Equals(chars, Vector256.Create((ushort)'.'))
        | Vector256.Equals(chars, Vector256.Create((ushort)'/')) | Vector256.Equals(chars, Vector256.Create((ushort)','));

    private static Vector256<ushort> Digits(Vector256<ushort> chars) =>
        Vector256.LessThanOrEqual(chars - Vector256.Create((ushort)'0'), Vector256.Create((ushort)9));
}
