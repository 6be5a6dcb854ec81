namespace Eaio.Routing;

/// <summary>Where a run of stored records continues the chain: the record before them, already vouched for.</summary>
/// <param name="Sequence">The number of the record before the run.</param>
/// <param name="Hash">Its hash, which the run's first record must name as its previous hash.</param>
/// <param name="Keyed">Whether it is vouched for with the key (a keyed retention cut), so unkeyed records after it are forged.</param>
internal readonly record struct AuditChainStart(long Sequence, string Hash, bool Keyed);
