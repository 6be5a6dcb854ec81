using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>Visits every run of three or more ASCII digits in a text, for the detectors of ids that all hold one.</summary>
/// <remarks>
/// One vector pass marks where such runs start, sixteen characters at a time, so prose with short numbers ("78 %",
/// "3 floors") costs a compare per block, and a block without a digit one compare in all; a search per digit run cost
/// about 15 ns a run. The visitor is a struct, so each
/// detector's loop is compiled with its own visitor inlined.
/// </remarks>
internal static class LongDigitRuns
{
    /// <summary>Calls <paramref name="visitor"/> at each run start from where its previous call said the next value may start.</summary>
    /// <typeparam name="TVisitor">The detector's visitor.</typeparam>
    /// <param name="text">The text.</param>
    /// <param name="visitor">The visitor.</param>
    public static void Visit<TVisitor>(ReadOnlySpan<char> text, ref TVisitor visitor)
        where TVisitor : struct, ILongDigitRunVisitor
    {
        int resume = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && text.Length >= Vector256<ushort>.Count + 3)
        {
            ref ushort chars = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            if (IsStart(text, 0))
            {
                resume = visitor.AtRun(text, 0, resume);
            }

            for (i = 1; i <= text.Length - Vector256<ushort>.Count - 2; i += Vector256<ushort>.Count)
            {
                // A block without a digit holds no run's start: most blocks of prose are passed on one compare.
                Vector256<ushort> current = Digits(Vector256.LoadUnsafe(ref chars, (nuint)i));
                if (current == Vector256<ushort>.Zero)
                {
                    continue;
                }

                Vector256<ushort> before = Digits(Vector256.LoadUnsafe(ref chars, (nuint)(i - 1)));
                Vector256<ushort> next = Digits(Vector256.LoadUnsafe(ref chars, (nuint)(i + 1)));
                Vector256<ushort> afterNext = Digits(Vector256.LoadUnsafe(ref chars, (nuint)(i + 2)));
                uint bits = Vector256.AndNot(current & next & afterNext, before).ExtractMostSignificantBits();
                while (bits != 0)
                {
                    int at = i + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    if (at >= resume)
                    {
                        resume = visitor.AtRun(text, at, resume);
                    }
                }
            }
        }

        for (; i < text.Length; i++)
        {
            if (i >= resume && IsStart(text, i))
            {
                resume = visitor.AtRun(text, i, resume);
            }
        }
    }

    private static Vector256<ushort> Digits(Vector256<ushort> chars) => AsciiVectors.IsDigit(chars);

    private static bool IsStart(ReadOnlySpan<char> text, int i) =>
        i + 2 < text.Length && char.IsAsciiDigit(text[i]) && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2])
        && (i == 0 || !char.IsAsciiDigit(text[i - 1]));
}
