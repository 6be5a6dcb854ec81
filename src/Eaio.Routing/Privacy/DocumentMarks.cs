using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>
/// Finds where the identity detector's document forms may be, in one vector pass: an upper-case ASCII letter touching a
/// digit (a document number such as <c>C2FFFYW70</c>, which often has no run of three digits, from which the id detectors
/// start), two fillers <c>&lt;&lt;</c> (a passport's machine-readable zone), and a MICR symbol (a cheque's MICR line).
/// </summary>
/// <remarks>
/// Windows of 64 characters give masks of digits, capitals, fillers and symbols from the same loads; a window with none of
/// the marks is passed after them. Ordinary prose has few ("CO2", "A4"). Three searches of their own cost three times as much
/// over 8 KB (1.1 against 0.4 µs, measured).
/// </remarks>
internal static class DocumentMarks
{
    /// <summary>The first of the MICR symbols (transit ⑆, amount ⑇, on-us ⑈, dash ⑉).</summary>
    public const char FirstMicrSymbol = '\u2446';

    /// <summary>The last of the MICR symbols.</summary>
    public const char LastMicrSymbol = '\u2449';

    /// <summary>
    /// The next mark at or after <paramref name="from"/>: the second character of a capital and a digit that touch, in
    /// either order; the second of two fillers; a MICR symbol. -1 when there is none.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="from">Where to start.</param>
    /// <returns>The position, or -1.</returns>
    public static int Next(ReadOnlySpan<char> text, int from)
    {
        if (from == 0 && text.Length > 0 && IsMicrSymbol(text[0]))
        {
            return 0;
        }

        int i = Math.Max(from, 1);
        if (Vector256.IsHardwareAccelerated)
        {
            // Windows start one before the first position they report, so that every pair lies inside one.
            ref ushort chars = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(text));
            for (; i - 1 + 64 <= text.Length; i += 63)
            {
                int window = i - 1;
                Vector256<ushort> v0 = Vector256.LoadUnsafe(ref chars, (nuint)window);
                Vector256<ushort> v1 = Vector256.LoadUnsafe(ref chars, (nuint)window + 16);
                Vector256<ushort> v2 = Vector256.LoadUnsafe(ref chars, (nuint)window + 32);
                Vector256<ushort> v3 = Vector256.LoadUnsafe(ref chars, (nuint)window + 48);
                ulong digits, upper, fillers, symbols;
                if (((v0 | v1 | v2 | v3) & Vector256.Create((ushort)0xFF80)) == Vector256<ushort>.Zero)
                {
                    // All ASCII, as most windows are: the classes are tested on bytes, 32 characters a compare, and no
                    // MICR symbol can be among them.
                    Vector256<byte> low = Vector256.Narrow(v0, v1);
                    Vector256<byte> high = Vector256.Narrow(v2, v3);
                    digits = Bits(InRange(low, '0', '9'), InRange(high, '0', '9'));
                    upper = Bits(InRange(low, 'A', 'Z'), InRange(high, 'A', 'Z'));
                    fillers = Bits(Vector256.Equals(low, Vector256.Create((byte)'<')), Vector256.Equals(high, Vector256.Create((byte)'<')));
                    symbols = 0;
                }
                else
                {
                    digits = Bits(AsciiVectors.IsDigit(v0), AsciiVectors.IsDigit(v1), AsciiVectors.IsDigit(v2), AsciiVectors.IsDigit(v3));
                    upper = Bits(InRange(v0, 'A', 'Z'), InRange(v1, 'A', 'Z'), InRange(v2, 'A', 'Z'), InRange(v3, 'A', 'Z'));
                    fillers = Bits(Vector256.Equals(v0, Vector256.Create((ushort)'<')), Vector256.Equals(v1, Vector256.Create((ushort)'<')),
                        Vector256.Equals(v2, Vector256.Create((ushort)'<')), Vector256.Equals(v3, Vector256.Create((ushort)'<')));
                    symbols = Bits(InRange(v0, FirstMicrSymbol, LastMicrSymbol), InRange(v1, FirstMicrSymbol, LastMicrSymbol),
                        InRange(v2, FirstMicrSymbol, LastMicrSymbol), InRange(v3, FirstMicrSymbol, LastMicrSymbol));
                }

                ulong marks = ((digits & (upper << 1)) | (upper & (digits << 1)) | (fillers & (fillers << 1)) | symbols) & ~1UL;
                if (marks != 0)
                {
                    return window + BitOperations.TrailingZeroCount(marks);
                }
            }
        }

        for (; i < text.Length; i++)
        {
            char c = text[i];
            char before = text[i - 1];
            if ((char.IsAsciiDigit(c) && char.IsAsciiLetterUpper(before)) || (char.IsAsciiLetterUpper(c) && char.IsAsciiDigit(before))
                || (c == '<' && before == '<') || IsMicrSymbol(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static Vector256<byte> InRange(Vector256<byte> chars, char low, char high) =>
        Vector256.LessThanOrEqual(chars - Vector256.Create((byte)low), Vector256.Create((byte)(high - low)));

    private static Vector256<ushort> InRange(Vector256<ushort> chars, char low, char high) =>
        Vector256.LessThanOrEqual(chars - Vector256.Create((ushort)low), Vector256.Create((ushort)(high - low)));

    private static ulong Bits(Vector256<byte> low, Vector256<byte> high) =>
        low.ExtractMostSignificantBits() | ((ulong)high.ExtractMostSignificantBits() << 32);

    private static ulong Bits(Vector256<ushort> a, Vector256<ushort> b, Vector256<ushort> c, Vector256<ushort> d) =>
        a.ExtractMostSignificantBits() | ((ulong)b.ExtractMostSignificantBits() << 16) | ((ulong)c.ExtractMostSignificantBits() << 32)
        | ((ulong)d.ExtractMostSignificantBits() << 48);

    /// <summary>Whether a character is one of the MICR symbols.</summary>
    /// <param name="c">The character.</param>
    /// <returns>Whether it is.</returns>
    public static bool IsMicrSymbol(char c) => c is >= FirstMicrSymbol and <= LastMicrSymbol;
}
