namespace Eaio.Routing;

/// <summary>What one write to the SQLite ledger does.</summary>
internal enum LedgerWriteKind
{
    /// <summary>Holds budget for a call, if it fits.</summary>
    Reserve,

    /// <summary>Removes a call's hold and counts its cost, once per reservation.</summary>
    Settle,

    /// <summary>Removes a call's hold and counts nothing.</summary>
    Release,
}
