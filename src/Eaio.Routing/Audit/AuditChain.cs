using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Eaio.Routing;

/// <summary>The hash chain shared by every audit store: canonical JSON, the record hash (keyed or not), and verification.</summary>
/// <remarks>
/// <para>
/// With a key, a record's hash is HMAC-SHA256 under a key derived from <c>AUDIT_HMAC_KEY</c> rather than the key itself:
/// the audit client HMACs caller-chosen strings (conversation ids) with <c>AUDIT_HMAC_KEY</c> and stores the result, so
/// with the same key a caller could have a record's link computed for them.
/// </para>
/// <para>
/// Records keep the algorithm they were written with, so a log written before keyed chains still verifies: its unkeyed
/// records are accepted only as the chain's beginning, where the first keyed record's HMAC covers the hash of the last
/// of them. An unkeyed record after a keyed one, or a chain with no keyed record at all, fails a keyed verification:
/// either is what anyone without the key can write.
/// </para>
/// </remarks>
internal sealed class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    private const string CutDomain = "eaio audit retention cut";

    private const string Unkeyed = "the chain is unkeyed (no AUDIT_HMAC_KEY): it finds accidental damage, not forgery; anyone who can write the store can rewrite it with fresh hashes";

    private readonly ReusableHmac? _key;

    /// <param name="hmacKey">The bytes of <c>AUDIT_HMAC_KEY</c>, or <see langword="null"/> for an unkeyed (SHA-256) chain.</param>
    /// <exception cref="ArgumentException"><paramref name="hmacKey"/> is empty.</exception>
    public AuditChain(byte[]? hmacKey)
    {
        if (hmacKey is null)
        {
            return;
        }

        if (hmacKey.Length == 0)
        {
            throw new ArgumentException("The audit HMAC key is empty: pass the bytes of AUDIT_HMAC_KEY (at least 16 characters), or null for an unkeyed chain.", nameof(hmacKey));
        }

        _key = new ReusableHmac(HKDF.DeriveKey(HashAlgorithmName.SHA256, hmacKey, HMACSHA256.HashSizeInBytes, salt: [], info: "eaio audit chain v2"u8.ToArray()));
    }

    /// <summary>Gets the algorithm of the records this chain appends.</summary>
    public AuditHashAlgorithm Algorithm => _key is null ? AuditHashAlgorithm.Sha256 : AuditHashAlgorithm.HmacSha256;

    /// <summary>The entry's JSON: properties in declaration order and entity counts sorted, so the same entry always hashes the same.</summary>
    public static string Serialize(AuditEntry entry) =>
        JsonSerializer.Serialize(IsSorted(entry.EntityCounts) ? entry : entry with { EntityCounts = new SortedDictionary<string, int>(entry.EntityCounts.ToDictionary(), StringComparer.Ordinal) }, AuditEntryJsonContext.Default.AuditEntry);

    public static AuditEntry Deserialize(string json) =>
        JsonSerializer.Deserialize(json, AuditEntryJsonContext.Default.AuditEntry) ?? throw new InvalidDataException("An audit record holds no entry.");

    /// <summary>Whether the counts already enumerate in ordinal key order, as most do (a call masks one or two kinds).</summary>
    private static bool IsSorted(IReadOnlyDictionary<string, int> counts) =>
        counts.Count < 2 || (counts is Dictionary<string, int> dictionary ? InOrder(dictionary.GetEnumerator()) : InOrder(counts.GetEnumerator()));

    // Generic over the enumerator so a Dictionary's struct enumerator is not boxed.
    private static bool InOrder<TEnumerator>(TEnumerator counts)
        where TEnumerator : IEnumerator<KeyValuePair<string, int>>
    {
        using (counts)
        {
            string? previous = null;
            while (counts.MoveNext())
            {
                string key = counts.Current.Key;
                if (previous is not null && string.CompareOrdinal(previous, key) >= 0)
                {
                    return false;
                }

                previous = key;
            }
        }

        return true;
    }

    /// <summary>The unkeyed (<see cref="AuditHashAlgorithm.Sha256"/>) hash; its bytes never change, so old chains stay verifiable.</summary>
    public static string Hash(string previousHash, long sequence, string entryJson) => Compute(null, previousHash, sequence, entryJson);

    /// <summary>The hash of the next record this chain appends: keyed when the chain has a key.</summary>
    public string Link(string previousHash, long sequence, string entryJson) => Compute(_key, previousHash, sequence, entryJson);

    /// <summary>The seal of a retention cut: the chain's link function over the last removed record, in a domain of its own
    /// (an entry's JSON always starts with a brace), so a cut cannot be moved or forged without the key.</summary>
    public string Seal(long sequence, string hash) => Compute(_key, hash, sequence, CutDomain);

    /// <summary>Checks a stored retention cut's seal and gives the chain's start there, or names what is wrong with it.</summary>
    public (AuditChainStart? Start, string? Problem) OpenCut(long sequence, string hash, string seal, AuditHashAlgorithm algorithm)
    {
        if (algorithm == AuditHashAlgorithm.HmacSha256)
        {
            return _key is null
                ? (null, $"the retention cut after record {sequence} is keyed (HMAC-SHA256) and the log was opened without AUDIT_HMAC_KEY")
                : Compute(_key, hash, sequence, CutDomain) == seal
                    ? (new AuditChainStart(sequence, hash, Keyed: true), null)
                    : (null, $"the retention cut after record {sequence} was edited or forged: its seal is not the keyed hash of the record it names");
        }

        if (_key is not null)
        {
            return (null, $"the retention cut after record {sequence} is unkeyed: with AUDIT_HMAC_KEY it could have been written by anyone, to hide records deleted after it");
        }

        return Compute(null, hash, sequence, CutDomain) == seal
            ? (new AuditChainStart(sequence, hash, Keyed: false), null)
            : (null, $"the retention cut after record {sequence} was edited: its seal does not match the record it names");
    }

    /// <summary>Walks stored rows in the order they were inserted and names the first one that is not as it was written.</summary>
    /// <param name="rows">The rows, in insertion order.</param>
    /// <param name="start">Where the rows continue the chain (a retention cut, or an export's first record), or
    /// <see langword="null"/> when they start it.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    public async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditRow> rows, AuditChainStart? start, CancellationToken cancellationToken)
    {
        long first = start?.Sequence ?? 0; // the record before the rows
        string expectedPrevious = start?.Hash ?? Genesis;
        long position = first;
        long unkeyed = 0; // unkeyed records before the first keyed one
        bool keyedSeen = start?.Keyed ?? false;
        AuditCheckpoint? head = null;
        await foreach (AuditRow row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            position++;

            // The record's own hash first: a keyed record that passes was written by a holder of the key, exactly as it
            // is, at the number and after the hash it names, so any later mismatch is a genuine record out of its place.
            if (row.Algorithm == AuditHashAlgorithm.HmacSha256)
            {
                if (_key is null)
                {
                    return Fail(position, $"record {position} is keyed (HMAC-SHA256) and the log was opened without AUDIT_HMAC_KEY: a keyed record cannot be checked without the key");
                }

                if (Compute(_key, row.PreviousHash, row.Sequence, row.EntryJson) != row.Hash)
                {
                    return Fail(position, $"record {position} was edited or forged: its hash is not the keyed hash of its content");
                }

                if (!keyedSeen && unkeyed > 0 && (row.Sequence != position || row.PreviousHash != expectedPrevious))
                {
                    // The unkeyed beginning is vouched for only as a whole, by this record: it cannot say which of them changed.
                    return Fail(first + 1, $"records {first + 1} to {first + unkeyed} are unkeyed (written before the chain was keyed) and record {row.Sequence}, the first keyed one, does not follow them: they were changed, or records after them deleted, and an unkeyed record cannot be pinned down on its own");
                }

                keyedSeen = true;
            }
            else if (row.Algorithm == AuditHashAlgorithm.Sha256)
            {
                if (keyedSeen)
                {
                    return Fail(position, $"record {position} is unkeyed but follows keyed records: it was written without AUDIT_HMAC_KEY (forged, or appended by a host that lacks the key)");
                }

                if (Compute(null, row.PreviousHash, row.Sequence, row.EntryJson) != row.Hash)
                {
                    return Fail(position, $"record {position} was edited: its content does not match its hash");
                }

                unkeyed++;
            }
            else
            {
                return Fail(position, $"record {position} names an unknown hash algorithm ({(int)row.Algorithm}); expected {(int)AuditHashAlgorithm.Sha256} (SHA-256) or {(int)AuditHashAlgorithm.HmacSha256} (HMAC-SHA256)");
            }

            if (row.Sequence != position)
            {
                return Fail(position, row.Sequence > position
                    ? $"record {position} is missing: record {row.Sequence} is stored in its place (deleted, or moved)"
                    : $"record {position} is not in its place: record {row.Sequence} is stored there again (duplicated, or moved)");
            }

            if (row.PreviousHash != expectedPrevious)
            {
                return Fail(position, row.Algorithm == AuditHashAlgorithm.HmacSha256
                    ? $"record {position} does not follow record {position - 1}: both carry keyed hashes, so they come from two chains written with the same key (a copy spliced in)"
                    : $"record {position} does not follow record {position - 1}: its previous hash does not match, so one of them was replaced (an unkeyed chain cannot tell which)");
            }

            expectedPrevious = row.Hash;
            head = new AuditCheckpoint(row.Sequence, row.Hash);
        }

        if (_key is not null && position > first && !keyedSeen)
        {
            return Fail(first + 1, $"none of the {position - first} records is keyed: with AUDIT_HMAC_KEY a chain must hold keyed records, and this one could have been written by anyone (a log written before keyed chains is sealed by the first record this version appends to it; until then verify it without the key)");
        }

        return Result(true, null, null);

        AuditVerification Fail(long firstBad, string problem) => Result(false, firstBad, problem);

        AuditVerification Result(bool valid, long? firstBad, string? problem) => new(valid, position - first, firstBad, problem)
        {
            Head = head ?? (start is { } s ? new AuditCheckpoint(s.Sequence, s.Hash) : null),
            Start = start is { } cut ? new AuditCheckpoint(cut.Sequence, cut.Hash) : null,
            IsKeyed = _key is not null,
            Warning = _key is null
                ? Unkeyed
                : unkeyed > 0 && keyedSeen
                    ? $"records {first + 1} to {first + unkeyed} were written before the chain was keyed (SHA-256 only): record {first + unkeyed + 1}, the first keyed one, vouches for them as a whole, so a change among them is found but not pinned to one record"
                    : null,
        };
    }

    private static string Compute(ReusableHmac? key, string previousHash, long sequence, string entryJson)
    {
        // The bytes of "{previousHash}\n{sequence}\n{entryJson}" in UTF-8, written into a pooled buffer rather than built
        // as a string and then a byte array, and hashed in one call: every record of the chain is hashed on the request's path.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(previousHash.Length + entryJson.Length) + 22);
        try
        {
            int length = Encoding.UTF8.GetBytes(previousHash, buffer);
            buffer[length++] = (byte)'\n';
            _ = sequence.TryFormat(buffer.AsSpan(length), out int digits, default, CultureInfo.InvariantCulture);
            length += digits;
            buffer[length++] = (byte)'\n';
            length += Encoding.UTF8.GetBytes(entryJson, buffer.AsSpan(length));
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            if (key is null)
            {
                _ = SHA256.HashData(buffer.AsSpan(0, length), hash);
            }
            else
            {
                key.Hash(buffer.AsSpan(0, length), hash);
            }

            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
