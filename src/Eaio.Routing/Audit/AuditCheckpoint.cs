using System.Globalization;

namespace Eaio.Routing;

/// <summary>
/// A record of the audit log's hash chain as it was seen once: its sequence number and hash. Kept outside the log's
/// store (a ticket, another system, a printout), it lets <see cref="AuditLogExtensions.VerifyAsync(IAuditLog, AuditCheckpoint, CancellationToken)"/>
/// find what a chain alone cannot: records deleted from the end, or the end rewritten with fresh hashes.
/// </summary>
/// <param name="Sequence">The record's sequence number.</param>
/// <param name="Hash">The record's hash (64 hex digits).</param>
public sealed record AuditCheckpoint(long Sequence, string Hash)
{
    private static readonly System.Buffers.SearchValues<char> s_hexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Gets the checkpoint as <c>sequence:hash</c>, the form <see cref="Parse"/> reads.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Sequence}:{Hash}");

    /// <summary>Reads a checkpoint written as <c>sequence:hash</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="FormatException">The text is not a sequence number of 1 or more, a colon and 64 hex digits.</exception>
    public static AuditCheckpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1
            || !long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence)
            || sequence < 1
            || text.Length - colon - 1 != 64
            || text.AsSpan(colon + 1).ContainsAnyExcept(s_hexDigits))
        {
            throw new FormatException($"'{text}' is not an audit checkpoint: expected a sequence number of 1 or more, a colon and the record's 64 hex digit hash, as 'audit verify' prints it.");
        }

        return new AuditCheckpoint(sequence, text[(colon + 1)..].ToLowerInvariant());
    }
}
