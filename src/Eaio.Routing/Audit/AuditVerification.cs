namespace Eaio.Routing;

/// <summary>The result of checking an audit log's hash chain.</summary>
/// <param name="IsValid"><see langword="true"/> when every record is intact and in place.</param>
/// <param name="RecordsChecked">How many records were read.</param>
/// <param name="FirstBadSequence">
/// The number of the first record that is not as it was written: the position in the chain where the log first differs
/// from what was appended (an edited, forged or inserted record; for a deleted record, its own number; for records in the
/// wrong order, the first place that holds the wrong one). <see langword="null"/> when the log is valid.
/// </param>
/// <param name="Problem">What is wrong there (edited, forged, missing, out of order, or written without the key), or <see langword="null"/>.</param>
public sealed record AuditVerification(bool IsValid, long RecordsChecked, long? FirstBadSequence, string? Problem)
{
    /// <summary>Gets the last record that was found intact, or <see langword="null"/> when none was: keep it outside the
    /// log's store and verify against it later to find records deleted from the end or a rewritten end.</summary>
    public AuditCheckpoint? Head { get; init; }

    /// <summary>Gets the record the checked records continue from when older ones were removed by retention (exported, then
    /// deleted: <c>AUDIT_RETENTION_DAYS</c>), or <see langword="null"/> when the chain was checked from its first record.
    /// The removed records are in the export file, which verifies on its own and ends at this record's hash.</summary>
    public AuditCheckpoint? Start { get; init; }

    /// <summary>
    /// Gets a value indicating whether the chain was checked with its key (<c>AUDIT_HMAC_KEY</c>): every record from the
    /// first keyed one on carries an HMAC that only a holder of the key can compute, so a forged, edited or inserted record
    /// is found. When <see langword="false"/>, the chain is plain SHA-256: it finds accidental damage, not forgery
    /// (<see cref="Warning"/> says so).
    /// </summary>
    public bool IsKeyed { get; init; }

    /// <summary>Gets what this verification cannot show even when it passes (an unkeyed chain, or unkeyed records written
    /// before the chain was keyed), or <see langword="null"/> when there is nothing to add.</summary>
    public string? Warning { get; init; }
}
