using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Eaio.Routing;

/// <summary>The hash chain shared by every audit store: canonical JSON, hashing, and verification.</summary>
internal static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    private static readonly JsonSerializerOptions s_json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };

    /// <summary>The entry's JSON: properties in declaration order and entity counts sorted, so the same entry always hashes the same.</summary>
    public static string Serialize(AuditEntry entry) =>
        JsonSerializer.Serialize(entry with { EntityCounts = new SortedDictionary<string, int>(entry.EntityCounts.ToDictionary(), StringComparer.Ordinal) }, s_json);

    public static AuditEntry Deserialize(string json) =>
        JsonSerializer.Deserialize<AuditEntry>(json, s_json) ?? throw new InvalidDataException("An audit record holds no entry.");

    public static string Hash(string previousHash, long sequence, string entryJson)
    {
        // The bytes of "{previousHash}\n{sequence}\n{entryJson}" in UTF-8, written into a pooled buffer rather than built
        // as a string and then a byte array: every record of the chain is hashed on the request's path.
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
            _ = SHA256.HashData(buffer.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Walks stored rows in order; the rows carry the JSON exactly as stored, so an edited entry changes the hash.</summary>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<(long Sequence, string EntryJson, string PreviousHash, string Hash)> rows, CancellationToken cancellationToken)
    {
        string expectedPrevious = Genesis;
        long expectedSequence = 1;
        long checkedCount = 0;
        AuditCheckpoint? head = null;
        await foreach ((long sequence, string json, string previous, string hash) in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            checkedCount++;
            if (sequence != expectedSequence)
            {
                return new(false, checkedCount, sequence, sequence > expectedSequence
                    ? $"record {expectedSequence} is missing (found {sequence} next)"
                    : $"record {sequence} is out of order (expected {expectedSequence})") { Head = head };
            }

            if (previous != expectedPrevious)
            {
                return new(false, checkedCount, sequence, $"record {sequence} does not follow record {sequence - 1}: its previous hash does not match (moved or replaced)") { Head = head };
            }

            if (Hash(previous, sequence, json) != hash)
            {
                return new(false, checkedCount, sequence, $"record {sequence} was edited: its content does not match its hash") { Head = head };
            }

            expectedPrevious = hash;
            expectedSequence++;
            head = new AuditCheckpoint(sequence, hash);
        }

        return new(true, checkedCount, null, null) { Head = head };
    }
}
