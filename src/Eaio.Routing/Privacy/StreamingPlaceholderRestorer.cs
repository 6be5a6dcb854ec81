namespace Eaio.Routing;

/// <summary>
/// Restores placeholders in a stream of text chunks without buffering the response: each chunk is released at once,
/// except a trailing fragment that could still become a placeholder.
/// </summary>
/// <remarks>
/// <para>
/// What is held back is at most the last word of the text so far, and only when it starts at a word boundary, is no
/// longer than the longest placeholder and either consists of <c>[A-Z0-9_]</c> starting with an upper-case letter
/// (<c>PERS</c> may become <c>PERSON_1</c>, <c>PERSON_1</c> may become <c>PERSON_10</c>) or, in any other case, can still
/// become a placeholder of a stem the scope uses (<c>pers</c>, <c>person_1</c>). Markdown-escaped underscores count
/// as underscores and a trailing backslash is held with the word (<c>BUILDING\</c> may become <c>BUILDING\_1</c>).
/// Any other character ends the word and releases it, restored. A chunk ending in the high half of a surrogate pair
/// keeps that half back, so no released string splits a pair.
/// </para>
/// <para>
/// The held text is only a placeholder fragment, never an original value, so <see cref="Flush"/> may release it as it
/// is at the end of the stream, on error or on cancellation. The concatenated output always equals
/// <see cref="PlaceholderRestorer.Restore(string)"/> of the concatenated input. An instance serves one stream (one
/// choice) and is not thread-safe.
/// </para>
/// </remarks>
public sealed class StreamingPlaceholderRestorer
{
    private readonly PseudonymScopeSnapshot _snapshot;
    private string _held = string.Empty;
    private bool _releasedEndsInWord;

    /// <summary>Initializes a new instance of the <see cref="StreamingPlaceholderRestorer"/> class.</summary>
    /// <param name="snapshot">
    /// The mapping of the scope the request was pseudonymised in, read once after it was masked: placeholders are issued
    /// before the response starts, so the stream needs no further vault calls.
    /// </param>
    public StreamingPlaceholderRestorer(PseudonymScopeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _snapshot = snapshot;
    }

    /// <summary>Gets the number of characters currently held back.</summary>
    public int HeldLength => _held.Length;

    /// <summary>Takes the next chunk and returns the text that can be released now, restored.</summary>
    /// <param name="chunk">The next chunk of the response text.</param>
    /// <returns>The text to pass on; empty when all of it is held back.</returns>
    public string Append(string? chunk)
    {
        if (string.IsNullOrEmpty(chunk))
        {
            return string.Empty;
        }

        string pending = _held.Length == 0 ? chunk : string.Concat(_held, chunk);
        int cut = pending.Length - HoldLength(pending);
        _held = cut == pending.Length ? string.Empty : pending[cut..];
        return Release(pending, cut);
    }

    /// <summary>
    /// Releases whatever is held back, restored; call it when the stream ends, fails or is cancelled. The restorer then
    /// starts afresh, as at the start of a text.
    /// </summary>
    /// <returns>The rest of the text.</returns>
    public string Flush()
    {
        string pending = _held;
        _held = string.Empty;
        string rest = Release(pending, pending.Length);
        _releasedEndsInWord = false;
        return rest;
    }

    private string Release(string pending, int length)
    {
        if (length == 0)
        {
            return string.Empty;
        }

        ReadOnlySpan<char> released = pending.AsSpan(0, length);
        string text = PlaceholderRestorer.Restore(_snapshot, released, _releasedEndsInWord)
            ?? (length == pending.Length ? pending : released.ToString());
        _releasedEndsInWord = PlaceholderSyntax.IsWordChar(released[^1]);
        return text;
    }

    private int HoldLength(string pending)
    {
        // The trailing word, with Markdown-escaped underscores ("BUILDING\_1") and a trailing backslash that may yet
        // escape one; escapes make the raw word up to twice as long as the placeholder.
        int start = pending.Length;
        if (pending[^1] == '\\')
        {
            start--;
        }

        int limit = Math.Max(0, pending.Length - (2 * PlaceholderSyntax.MaxLength) - 2);
        while (start > limit
            && (PlaceholderSyntax.IsWordChar(pending[start - 1])
                || (pending[start - 1] == '\\' && start < pending.Length && pending[start] == '_' && start > 1 && PlaceholderSyntax.IsWordChar(pending[start - 2]))))
        {
            start--;
        }

        if (start < pending.Length)
        {
            bool atBoundary = start > 0 ? !PlaceholderSyntax.IsWordChar(pending[start - 1]) : !_releasedEndsInWord;
            ReadOnlySpan<char> fragment = pending.AsSpan(start);
            if (fragment[^1] == '\\')
            {
                fragment = fragment[..^1];
            }

            fragment = PlaceholderSyntax.Unescape(fragment);
            return atBoundary && !fragment.IsEmpty && fragment.Length <= PlaceholderSyntax.MaxLength && CouldBecomePlaceholder(fragment)
                ? pending.Length - start
                : 0;
        }

        // Word characters are ASCII, so only a chunk that ends mid-pair needs this.
        return char.IsHighSurrogate(pending[^1]) ? 1 : 0;
    }

    private bool CouldBecomePlaceholder(ReadOnlySpan<char> fragment)
    {
        // Upper case is how placeholders are issued: any such fragment is held, without asking the vault. Another case is
        // held only when it can still become a placeholder of a stem the scope uses, so ordinary lower-case words pass at
        // once.
        if (PlaceholderSyntax.CouldBecomePlaceholder(fragment))
        {
            return true;
        }

        if (!char.IsAsciiLetter(fragment[0]))
        {
            return false;
        }

        return PlaceholderSyntax.CouldBecomePlaceholderOf(fragment, _snapshot.Stems);
    }
}
