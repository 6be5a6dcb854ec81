namespace Eaio.Routing;

/// <summary>The result of checking an audit log's hash chain.</summary>
/// <param name="IsValid"><see langword="true"/> when every record is intact and in place.</param>
/// <param name="RecordsChecked">How many records were read.</param>
/// <param name="FirstBadSequence">The sequence number of the first record that breaks the chain, or <see langword="null"/>.</param>
/// <param name="Problem">What is wrong there (edited, missing or out of order), or <see langword="null"/>.</param>
public sealed record AuditVerification(bool IsValid, long RecordsChecked, long? FirstBadSequence, string? Problem)
{
    /// <summary>Gets the last record that was found intact, or <see langword="null"/> when none was: keep it outside the
    /// log's store and verify against it later to find records deleted from the end or a rewritten end.</summary>
    public AuditCheckpoint? Head { get; init; }
}
