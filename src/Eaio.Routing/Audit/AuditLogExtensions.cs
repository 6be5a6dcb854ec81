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
}
