using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>
/// The texts a tokenizer counts as exactly one token, for a lookup per word that costs a few nanoseconds: words of up
/// to 16 ASCII characters (nearly all of English, leading space included) are packed into 16 bytes and found in an
/// open-addressed table; the rest are in a hash set of strings.
/// </summary>
internal sealed class SingleTokenSet
{
    // One byte per character, from 1 to 127; unused bytes are zero, so the length needs no bits of its own.
    private const int PackedLength = 16;

    private readonly Vector128<byte>[] _packed;
    private readonly int _shift;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _others;

    /// <summary>Initializes a new instance of the <see cref="SingleTokenSet"/> class.</summary>
    /// <param name="texts">The texts, each counted as one token.</param>
    public SingleTokenSet(IEnumerable<string> texts)
    {
        List<Vector128<byte>> packed = [];
        HashSet<string> others = new(StringComparer.Ordinal);
        foreach (string text in texts)
        {
            if (text.Length - 1 < PackedLength && TryPackNearEnd(text, out Vector128<byte> key))
            {
                packed.Add(key);
            }
            else
            {
                others.Add(text);
            }
        }

        // Between three eighths and three quarters full, so that a miss ends after a few probes.
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(packed.Count + (packed.Count / 2), 16));
        _packed = new Vector128<byte>[size];
        _shift = 64 - BitOperations.Log2((uint)size);
        foreach (Vector128<byte> key in packed)
        {
            int slot = Slot(key);
            while (_packed[slot] != Vector128<byte>.Zero && _packed[slot] != key)
            {
                slot = (slot + 1) & (_packed.Length - 1);
            }

            _packed[slot] = key;
        }

        _others = others.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Gets a value indicating whether a piece of a text is one of the set's.</summary>
    /// <param name="text">The text.</param>
    /// <param name="start">The piece's offset.</param>
    /// <param name="length">The piece's length.</param>
    /// <returns><see langword="true"/> when the piece is counted as one token.</returns>
    public bool Contains(ReadOnlySpan<char> text, int start, int length)
    {
        if (!TryPack(text, start, length, out Vector128<byte> key))
        {
            return _others.Contains(text.Slice(start, length));
        }

        for (int slot = Slot(key); ; slot = (slot + 1) & (_packed.Length - 1))
        {
            Vector128<byte> found = _packed[slot];
            if (found == key)
            {
                return true;
            }

            if (found == Vector128<byte>.Zero)
            {
                return false;
            }
        }
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

    // The same one unit at a time, for a piece less than sixteen units from the end of the text (and for the set's own texts).
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

    // Fibonacci hashing of the two halves, to a slot.
    private int Slot(Vector128<byte> key)
    {
        Vector128<ulong> halves = key.AsUInt64();
        return (int)(((halves.GetElement(0) ^ (halves.GetElement(1) * 0xC2B2AE3D27D4EB4FUL)) * 0x9E3779B97F4A7C15UL) >> _shift);
    }
}
