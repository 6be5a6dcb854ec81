using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>
/// The character classes the detectors' vector passes test, sixteen characters at a time, and a mask of up to 64
/// characters, one bit each. A character beyond ASCII is in none of the classes.
/// </summary>
internal static class AsciiVectors
{
    /// <summary>Each lane all ones where the character is an ASCII digit.</summary>
    public static Vector256<ushort> IsDigit(Vector256<ushort> chars) =>
        Vector256.LessThanOrEqual(chars - Vector256.Create((ushort)'0'), Vector256.Create((ushort)9));

    /// <summary>Each lane all ones where the character is an ASCII letter, either case.</summary>
    public static Vector256<ushort> IsLetter(Vector256<ushort> chars) =>
        Vector256.LessThanOrEqual((chars | Vector256.Create((ushort)0x20)) - Vector256.Create((ushort)'a'), Vector256.Create((ushort)25));

    /// <summary>Each lane all ones where the character is an ASCII letter or digit.</summary>
    public static Vector256<ushort> IsLetterOrDigit(Vector256<ushort> chars) => IsLetter(chars) | IsDigit(chars);

    /// <summary>
    /// Bit k is set when the character at <paramref name="start"/> + k is in [<paramref name="low"/>, <paramref name="high"/>],
    /// for k below <paramref name="length"/> (a multiple of 16, at most 64); the characters must be in the text.
    /// </summary>
    public static ulong Mask(ReadOnlySpan<char> text, int start, int length, char low, char high)
    {
        ref ushort chars = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(text));
        ulong mask = 0;
        for (int k = 0; k < length; k += Vector256<ushort>.Count)
        {
            Vector256<ushort> shifted = Vector256.LoadUnsafe(ref chars, (nuint)(start + k)) - Vector256.Create((ushort)low);
            mask |= (ulong)Vector256.LessThanOrEqual(shifted, Vector256.Create((ushort)(high - low))).ExtractMostSignificantBits() << k;
        }

        return mask;
    }
}
