namespace Eaio.Routing;

/// <summary>An <see cref="AuditEntry"/> as stored: its place in the log and its link in the hash chain.</summary>
/// <param name="Sequence">The record's position, from 1, without gaps.</param>
/// <param name="Entry">What was recorded.</param>
/// <param name="PreviousHash">The hash of the record before (64 zeros for the first).</param>
/// <param name="Hash">The record's hash (64 hex digits) over the previous hash, the sequence and the entry's canonical JSON,
/// computed as <see cref="Algorithm"/> says.</param>
public sealed record AuditRecord(long Sequence, AuditEntry Entry, string PreviousHash, string Hash)
{
    /// <summary>Gets how <see cref="Hash"/> was computed: <see cref="AuditHashAlgorithm.HmacSha256"/> (keyed with
    /// <c>AUDIT_HMAC_KEY</c>) or <see cref="AuditHashAlgorithm.Sha256"/> (unkeyed: written without the key, or before keyed chains).</summary>
    public AuditHashAlgorithm Algorithm { get; init; } = AuditHashAlgorithm.Sha256;
}
