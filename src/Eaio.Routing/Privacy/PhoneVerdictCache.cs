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
/// <para>
/// A table of immutable entries: a reader sees either an old entry or a new one, never a torn one, because replacing a
/// reference is atomic.
/// </para>
/// <para>
/// Each candidate may sit in any of four ways of its set. The table was direct-mapped, and two of the 41 numbers of the
/// 8 KB external-route benchmark prompt could share a slot (the string hash is seeded per process): they evicted each
/// other on every scan, so each scan parsed both again, about 1.2 KB and 1.5 µs a parse (measured). Four ways keep such neighbours;
/// with more than four in one set, the way replaced rotates, so no fixed cycle of them keeps missing.
/// </para>
/// </remarks>
internal sealed class PhoneVerdictCache
{
    private const int Ways = 4;
    private const int Sets = 128;

    private readonly Entry?[] _entries = new Entry?[Sets * Ways];

    // Which way of a full set is replaced next; a lost update under a race only repeats a way, which is harmless.
    private int _nextVictim;

    /// <summary>Returns the cached verdict for <paramref name="candidate"/>, if any.</summary>
    public bool TryGet(ReadOnlySpan<char> candidate, out PhoneVerdict verdict)
    {
        int first = FirstWay(candidate);
        for (int way = first; way < first + Ways; way++)
        {
            Entry? entry = Volatile.Read(ref _entries[way]);
            if (entry is not null && candidate.SequenceEqual(entry.Key))
            {
                verdict = entry.Verdict;
                return true;
            }
        }

        verdict = PhoneVerdict.None;
        return false;
    }

    /// <summary>Stores the verdict for <paramref name="candidate"/>, the string that was given to the library.</summary>
    public void Set(string candidate, PhoneVerdict verdict)
    {
        int first = FirstWay(candidate);
        int way = first;
        while (way < first + Ways && Volatile.Read(ref _entries[way]) is not null)
        {
            way++;
        }

        if (way == first + Ways)
        {
            way = first + (_nextVictim++ & (Ways - 1));
        }

        Volatile.Write(ref _entries[way], new Entry(candidate, verdict));
    }

    private static int FirstWay(ReadOnlySpan<char> candidate) => (string.GetHashCode(candidate) & (Sets - 1)) * Ways;

    private sealed record Entry(string Key, PhoneVerdict Verdict);
}
