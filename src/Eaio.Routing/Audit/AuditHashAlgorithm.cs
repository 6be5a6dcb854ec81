namespace Eaio.Routing;

/// <summary>How an audit record's hash was computed, stored with the record so a chain written before keyed hashes still verifies.</summary>
public enum AuditHashAlgorithm
{
    /// <summary>
    /// Plain SHA-256 over the previous hash, the sequence number and the entry: what every record was before keyed chains,
    /// and what a log without <c>AUDIT_HMAC_KEY</c> writes. It finds accidental damage, not forgery: anyone who can write
    /// the store can compute it.
    /// </summary>
    Sha256 = 1,

    /// <summary>
    /// HMAC-SHA256 over the same bytes, keyed with a key derived from <c>AUDIT_HMAC_KEY</c>: a record cannot be forged,
    /// edited or inserted without the key.
    /// </summary>
    HmacSha256 = 2,
}
