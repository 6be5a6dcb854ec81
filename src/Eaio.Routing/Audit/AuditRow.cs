namespace Eaio.Routing;

/// <summary>One stored audit record exactly as the store holds it: the entry's JSON as written, so an edit changes its hash.</summary>
internal readonly record struct AuditRow(long Sequence, string EntryJson, string PreviousHash, string Hash, AuditHashAlgorithm Algorithm);
