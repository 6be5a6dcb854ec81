using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>
/// The texts a tokenizer counts as exactly one token, for a lookup per word that costs a few nanoseconds: short ASCII
/// words (most of English) are packed into a <see langword="ulong"/> and found in an open-addressed table; the rest are
/// in a hash set of strings.
/// </summary>
internal sealed class SingleTokenSet
{
    // Up to eight ASCII characters from 1 to 127, one per byte: unused bytes are zero, so the length needs no bits.
    private const int PackedLength = sizeof(ulong);

    private readonly ulong[] _packed;
    private readonly int _shift;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _others;

    /// <summary>Initializes a new instance of the <see cref="SingleTokenSet"/> class.</summary>
    /// <param name="texts">The texts, each counted as one token.</param>
    public SingleTokenSet(IReadOnlyCollection<string> texts)
    {
        // At most half full, so that a miss ends after a probe or two.
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(texts.Count * 2, 16));
        _packed = new ulong[size];
        _shift = 64 - BitOperations.Log2((uint)size);
        HashSet<string> others = new(StringComparer.Ordinal);
        foreach (string text in texts)
        {
            if (TryPack(text, out ulong key))
            {
                int slot = Slot(key);
                while (_packed[slot] != 0 && _packed[slot] != key)
                {
                    slot = (slot + 1) & (_packed.Length - 1);
                }

                _packed[slot] = key;
            }
            else
            {
                others.Add(text);
            }
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
        ulong key;
        if (length > PackedLength
            || !(text.Length - start >= Vector128<ushort>.Count ? TryPack(text, start, length, out key) : TryPack(text.Slice(start, length), out key)))
        {
            return _others.Contains(text.Slice(start, length));
        }

        for (int slot = Slot(key); ; slot = (slot + 1) & (_packed.Length - 1))
        {
            ulong found = _packed[slot];
            if (found == key)
            {
                return true;
            }

            if (found == 0)
            {
                return false;
            }
        }
    }

    // The same packing eight units at a time, when the text has eight units from the piece's start.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryPack(ReadOnlySpan<char> text, int start, int length, out ulong key)
    {
        Vector128<ushort> units = Vector128.LoadUnsafe(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text)), (nuint)start);
        uint outside = Vector128.GreaterThanOrEqual(units - Vector128<ushort>.One, Vector128.Create((ushort)127)).ExtractMostSignificantBits();
        uint used = (1u << length) - 1;
        ulong bytes = Vector128.Narrow(units, units).AsUInt64().ToScalar();
        key = bytes & (ulong.MaxValue >> (8 * (PackedLength - length)));
        return length > 0 && (outside & used) == 0;
    }

    private static bool TryPack(ReadOnlySpan<char> text, out ulong key)
    {
        key = 0;
        if (text.Length > PackedLength)
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            uint c = text[i];
            if (c - 1 >= 127)
            {
                return false;
            }

            key |= (ulong)c << (8 * i);
        }

        return key != 0;
    }

    // Fibonacci hashing: the key's bits, well mixed, to a slot.
    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
}
