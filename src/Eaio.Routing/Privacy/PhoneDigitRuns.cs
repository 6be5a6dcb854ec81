using System.Numerics;
using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>
/// Finds the digit runs where a phone number can start: runs with enough digits close behind them to make a number.
/// </summary>
/// <remarks>
/// <para>
/// A joint between digit groups is at most three characters (<c> - </c>), so the first eight digits of a stretch of groups
/// lie within 8 + 7 × 3 = 29 characters of its first digit. A run with fewer than the minimum number of digits in the
/// 32 characters from its start cannot start a stretch long enough to be a phone number, and is passed over. Most runs in
/// prose are (<c>at 78 % of</c>, <c>1.5 degrees</c>, <c>742 Evergreen</c>): 220 of the 266 digit runs of the 8 KB benchmark
/// prompt.
/// </para>
/// <para>
/// The text is classified 64 characters at a time into a bit mask of digits, and run starts and their digit counts are
/// read from the masks with shifts and pop counts. Stopping at each run with a vectorised search
/// (<see cref="MemoryExtensions.IndexOfAnyInRange{T}(ReadOnlySpan{T}, T, T)"/>) and reading it cost about 8 ns a run
/// (measured: 2 µs per 8 KB, mostly set-up and mispredicted branches at short distances, and 5 µs when each run's end was
/// also found with a vectorised search); the masks cost well under 1 µs.
/// </para>
/// <para>
/// Searching on from inside a stretch that was passed over is safe: what is read from there is part of a stretch with too
/// few digits, so it has too few as well, and it ends where that stretch ends.
/// </para>
/// </remarks>
internal static class PhoneDigitRuns
{
    /// <summary>The characters after a run's first digit that are counted.</summary>
    private const int Window = 32;

    private const int Block = 64;

    /// <summary>
    /// Returns the first digit run starting at or after <paramref name="from"/> that is followed by at least
    /// <paramref name="minDigits"/> digits (its own included) within 32 characters, or whose 32 characters run past the
    /// end of the text; -1 when there is none.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="from">Where to search from; not inside a digit run.</param>
    /// <param name="minDigits">The fewest digits a stretch needs, at most 8.</param>
    public static int IndexOfCandidateRun(ReadOnlySpan<char> text, int from, int minDigits)
    {
        if (from >= text.Length)
        {
            return -1;
        }

        int pos = Math.Max(from, 0);
        if (Vector256.IsHardwareAccelerated)
        {
            ulong carry = pos > 0 && char.IsAsciiDigit(text[pos - 1]) ? 1UL : 0UL;
            for (; pos + Block + Window <= text.Length; pos += Block)
            {
                ulong digits = DigitMask(text, pos, Block);
                ulong starts = digits & ~((digits << 1) | carry);
                carry = digits >> (Block - 1);
                if (starts == 0)
                {
                    continue;
                }

                ulong after = DigitMask(text, pos + Block, Window);
                do
                {
                    int offset = BitOperations.TrailingZeroCount(starts);
                    ulong window = (digits >> offset) | (offset == 0 ? 0 : after << (Block - offset));
                    if (BitOperations.PopCount((uint)window) >= minDigits)
                    {
                        return pos + offset;
                    }

                    starts &= starts - 1;
                }
                while (starts != 0);
            }
        }

        return IndexOfCandidateRunScalar(text, pos, minDigits);
    }

    /// <summary>The same search one character at a time, for the last characters and where vectors are not accelerated.</summary>
    internal static int IndexOfCandidateRunScalar(ReadOnlySpan<char> text, int from, int minDigits)
    {
        for (int pos = from; pos < text.Length; pos++)
        {
            if (!char.IsAsciiDigit(text[pos]) || (pos > 0 && char.IsAsciiDigit(text[pos - 1])))
            {
                continue;
            }

            if (pos + Window > text.Length)
            {
                return pos;
            }

            int digits = 0;
            foreach (char c in text.Slice(pos, Window))
            {
                digits += char.IsAsciiDigit(c) ? 1 : 0;
            }

            if (digits >= minDigits)
            {
                return pos;
            }
        }

        return -1;
    }

    /// <summary>Bit i is set when the character at <paramref name="start"/> + i is an ASCII digit.</summary>
    private static ulong DigitMask(ReadOnlySpan<char> text, int start, int length) => AsciiVectors.Mask(text, start, length, '0', '9');
}
