using System.Text.Json;
using System.Text.Json.Serialization;

namespace Eaio.Routing;

/// <summary>Exports an audit log.</summary>
public static class AuditLogExtensions
{
    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Writes every record as one line of JSON (JSON Lines), in sequence order.</summary>
    /// <param name="log">The audit log.</param>
    /// <param name="writer">Where to write.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>How many records were written.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static async Task<long> ExportJsonLinesAsync(this IAuditLog log, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(writer);

        long count = 0;
        await foreach (AuditRecord record in log.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await writer.WriteAsync(JsonSerializer.Serialize(record, s_json).AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
            count++;
        }

        return count;
    }

    /// <summary>
    /// Checks the hash chain and, beyond it, that the record a checkpoint names is still there with the same hash: a
    /// chain alone cannot tell that records were deleted from its end, or that its end was rewritten with fresh hashes.
    /// </summary>
    /// <param name="log">The audit log.</param>
    /// <param name="checkpoint">A head reported by an earlier verification (<see cref="AuditVerification.Head"/>), kept outside the log's store.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The verification; invalid when the chain is broken, ends before the checkpoint, or differs at it.</returns>
    public static async Task<AuditVerification> VerifyAsync(this IAuditLog log, AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(checkpoint);

        AuditVerification chain = await log.VerifyAsync(cancellationToken).ConfigureAwait(false);
        if (!chain.IsValid)
        {
            return chain;
        }

        long last = chain.Head?.Sequence ?? 0;
        if (last < checkpoint.Sequence)
        {
            return chain with
            {
                IsValid = false,
                FirstBadSequence = last + 1,
                Problem = $"the log ends at record {last}, but record {checkpoint.Sequence} was there before: records {last + 1} to {checkpoint.Sequence} at least were deleted",
            };
        }

        await foreach (AuditRecord record in log.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.Sequence == checkpoint.Sequence)
            {
                return string.Equals(record.Hash, checkpoint.Hash, StringComparison.OrdinalIgnoreCase)
                    ? chain
                    : chain with
                    {
                        IsValid = false,
                        FirstBadSequence = checkpoint.Sequence,
                        Problem = $"record {checkpoint.Sequence} is not the one the checkpoint saw: the chain was rewritten from there or before",
                    };
            }
        }

        // The chain was intact up to at least the checkpoint's sequence a moment ago: only a concurrent deletion gets here.
        return chain with { IsValid = false, FirstBadSequence = checkpoint.Sequence, Problem = $"record {checkpoint.Sequence} disappeared while it was being checked" };
    }
}
