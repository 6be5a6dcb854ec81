using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>
/// The tokens of an encoding that are up to 16 ASCII characters long (nearly all of English, leading space included),
/// for a lookup per word that costs a few nanoseconds: each is packed into 16 bytes and found in an open-addressed
/// table, without encoding the word to UTF-8 first.
/// </summary>
internal sealed class SingleTokenSet
{
    // One byte per character, from 1 to 127; unused bytes are zero, so the length needs no bits of its own.
    private const int PackedLength = 16;

    private readonly Vector128<byte>[] _packed;
    private readonly int _shift;
    private SingleTokenSet(List<Vector128<byte>> packed)
    {
        // Between three eighths and three quarters full, so that a miss ends after a few probes.
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(packed.Count + (packed.Count / 2), 16));
        _packed = new Vector128<byte>[size];
        _shift = 64 - BitOperations.Log2((uint)size);
        foreach (Vector128<byte> key in packed)
        {
            int slot = Slot(key, _shift);
            while (_packed[slot] != Vector128<byte>.Zero && _packed[slot] != key)
            {
                slot = (slot + 1) & (_packed.Length - 1);
            }

            _packed[slot] = key;
        }
    }

    /// <summary>Creates the set of an encoding's tokens of 1 to 16 bytes from 1 to 127 (ASCII without NUL).</summary>
    /// <param name="ranks">The encoding.</param>
    /// <returns>The set.</returns>
    public static SingleTokenSet FromAsciiTokens(BytePairRanks ranks)
    {
        List<Vector128<byte>> packed = new(ranks.Count);
        ranks.ForEachToken(token =>
        {
            if ((uint)(token.Length - 1) < PackedLength && !token.ContainsAnyExceptInRange((byte)1, (byte)127))
            {
                Span<byte> key = stackalloc byte[PackedLength];
                token.CopyTo(key);
                packed.Add(Vector128.Create<byte>(key));
            }
        });

        return new SingleTokenSet(packed);
    }

    /// <summary>Looks a piece of a text up in the set.</summary>
    /// <param name="text">The text.</param>
    /// <param name="start">The piece's offset.</param>
    /// <param name="length">The piece's length.</param>
    /// <param name="key">The piece packed into 16 bytes (its UTF-8 bytes, then zeros), when it could be packed.</param>
    /// <returns>
    /// <see cref="PieceLookup.OneToken"/> when the piece is a token; <see cref="PieceLookup.Packed"/> when it is not, and
    /// <paramref name="key"/> holds it; <see cref="PieceLookup.NotPacked"/> when it is not ASCII or longer than 16.
    /// </returns>
    public PieceLookup Find(ReadOnlySpan<char> text, int start, int length, out Vector128<byte> key)
    {
        if (!TryPack(text, start, length, out key))
        {
            return PieceLookup.NotPacked;
        }

        for (int slot = Slot(key, _shift); ; slot = (slot + 1) & (_packed.Length - 1))
        {
            Vector128<byte> found = _packed[slot];
            if (found == key)
            {
                return PieceLookup.OneToken;
            }

            if (found == Vector128<byte>.Zero)
            {
                return PieceLookup.Packed;
            }
        }
    }

    /// <summary>Fibonacci hashing of a packed piece's two halves, to one of 2^(64 - <paramref name="shift"/>) slots.</summary>
    /// <param name="key">The packed piece.</param>
    /// <param name="shift">64 less the bits of a slot number.</param>
    /// <returns>The slot.</returns>
    internal static int Slot(Vector128<byte> key, int shift)
    {
        Vector128<ulong> halves = key.AsUInt64();
        return (int)(((halves.GetElement(0) ^ (halves.GetElement(1) * 0xC2B2AE3D27D4EB4FUL)) * 0x9E3779B97F4A7C15UL) >> shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryPack(ReadOnlySpan<char> text, int start, int length, out Vector128<byte> key)
    {
        if ((uint)(length - 1) >= PackedLength)
        {
            key = default;
            return false;
        }

        if (text.Length - start < PackedLength)
        {
            return TryPackNearEnd(text.Slice(start, length), out key);
        }

        // Sixteen units straight from the text; those past the piece are masked off.
        ref ushort first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        Vector128<ushort> low = Vector128.LoadUnsafe(ref first, (nuint)start);
        Vector128<ushort> high = Vector128.LoadUnsafe(ref first, (nuint)start + 8);
        Vector128<ushort> limit = Vector128.Create((ushort)127);
        uint outside = Vector128.GreaterThanOrEqual(low - Vector128<ushort>.One, limit).ExtractMostSignificantBits()
            | (Vector128.GreaterThanOrEqual(high - Vector128<ushort>.One, limit).ExtractMostSignificantBits() << 8);
        key = Vector128.Narrow(low, high) & Vector128.LessThan(Vector128<byte>.Indices, Vector128.Create((byte)length));
        return (outside & ((1u << length) - 1)) == 0;
    }

    // The same one unit at a time, for a piece less than sixteen units from the end of the text.
    private static bool TryPackNearEnd(ReadOnlySpan<char> piece, out Vector128<byte> key)
    {
        UInt128 bytes = 0;
        for (int i = 0; i < piece.Length; i++)
        {
            uint c = piece[i];
            if (c - 1 >= 127)
            {
                key = default;
                return false;
            }

            bytes |= (UInt128)c << (8 * i);
        }

        key = Vector128.Create((ulong)bytes, (ulong)(bytes >> 64)).AsByte();
        return true;
    }
}
