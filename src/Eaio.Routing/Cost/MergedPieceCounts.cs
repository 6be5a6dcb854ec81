using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>
/// The counts of the last short ASCII pieces that were not one token, each merged once (thread-safe): the words of a
/// prompt that are not in the vocabulary (names, e-mail domains, numbers) come back in every turn of a conversation and
/// in many conversations.
/// </summary>
/// <remarks>
/// Direct-mapped: a new piece replaces the one in its slot. An entry is an immutable object swapped in whole, so a reader
/// racing a writer sees one entry or the other, never half of each; a miss costs the merge and one small allocation.
/// </remarks>
internal sealed class MergedPieceCounts
{
    private const int SlotBits = 12;

    private readonly Entry?[] _entries = new Entry?[1 << SlotBits];

    /// <summary>Gets the count of a packed piece, merging it on a miss.</summary>
    /// <param name="key">The piece, packed by <see cref="SingleTokenSet.Find"/>.</param>
    /// <param name="length">The piece's length in bytes.</param>
    /// <param name="ranks">The encoding to merge with.</param>
    /// <returns>The piece's token count.</returns>
    public int Count(Vector128<byte> key, int length, BytePairRanks ranks)
    {
        int slot = SingleTokenSet.Slot(key, 64 - SlotBits);
        Entry? entry = Volatile.Read(ref _entries[slot]);
        if (entry is not null && entry.Key == key)
        {
            return entry.Count;
        }

        Span<byte> bytes = stackalloc byte[Vector128<byte>.Count];
        key.CopyTo(bytes);
        int count = ranks.CountTokens(bytes[..length]);
        Volatile.Write(ref _entries[slot], new Entry(key, count));
        return count;
    }

    private sealed record Entry(Vector128<byte> Key, int Count);
}
