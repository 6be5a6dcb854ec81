namespace Eaio.Routing;

/// <summary>An <see cref="AuditEntry"/> as stored: its place in the log and its link in the hash chain.</summary>
/// <param name="Sequence">The record's position, from 1, without gaps.</param>
/// <param name="Entry">What was recorded.</param>
/// <param name="PreviousHash">The hash of the record before (64 zeros for the first).</param>
/// <param name="Hash">SHA-256 (hex) over the previous hash, the sequence and the entry's canonical JSON.</param>
public sealed record AuditRecord(long Sequence, AuditEntry Entry, string PreviousHash, string Hash);
