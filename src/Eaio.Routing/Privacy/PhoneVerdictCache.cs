namespace Eaio.Routing;

/// <summary>What libphonenumber said about one candidate.</summary>
internal enum PhoneVerdict : byte
{
    /// <summary>No number in any region tried.</summary>
    None,

    /// <summary>A possible number (its length fits a region) but not a valid one (its range is not assigned).</summary>
    Possible,

    /// <summary>A valid number of a region tried.</summary>
    Valid,
}

/// <summary>
/// A small, lock-free cache of libphonenumber verdicts keyed by the candidate text, so a number seen again (a chat resends
/// its whole history with every turn) costs a hash and a compare instead of a parse.
/// </summary>
/// <remarks>
/// A direct-mapped table of immutable entries: a reader sees either an old entry or a new one, never a torn one, because
/// replacing a reference is atomic. Collisions simply evict.
/// </remarks>
internal sealed class PhoneVerdictCache
{
    private const int Size = 512;

    private readonly Entry?[] _entries = new Entry?[Size];

    /// <summary>Returns the cached verdict for <paramref name="candidate"/>, if any.</summary>
    public bool TryGet(ReadOnlySpan<char> candidate, out PhoneVerdict verdict)
    {
        Entry? entry = Volatile.Read(ref _entries[Slot(candidate)]);
        if (entry is not null && candidate.SequenceEqual(entry.Key))
        {
            verdict = entry.Verdict;
            return true;
        }

        verdict = PhoneVerdict.None;
        return false;
    }

    /// <summary>Stores the verdict for <paramref name="candidate"/>.</summary>
    public void Set(ReadOnlySpan<char> candidate, PhoneVerdict verdict)
        => Volatile.Write(ref _entries[Slot(candidate)], new Entry(candidate.ToString(), verdict));

    private static int Slot(ReadOnlySpan<char> candidate) => string.GetHashCode(candidate) & (Size - 1);

    private sealed record Entry(string Key, PhoneVerdict Verdict);
}
