using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Eaio.Routing;

/// <summary>
/// The files audit retention writes before it deletes records (<c>eaio-audit-&lt;first&gt;-&lt;last&gt;.jsonl</c>): one record
/// a line, <c>{"seq":…,"prev":"…","hash":"…","alg":…,"entry":{…}}</c>, the entry exactly as it was hashed.
/// </summary>
public static class AuditExport
{
    private static readonly JsonWriterOptions s_writer = new() { Indented = false, SkipValidation = false };

    /// <summary>
    /// Checks an export file on its own: every record's hash, and that each follows the one before. Its first record is
    /// taken as it is (it continues the chain of the export before it, or starts the chain at record 1); the database's
    /// retention cut names this file's last record, so <see cref="AuditVerification.Head"/> must equal the cut the log reports
    /// as <see cref="AuditVerification.Start"/>.
    /// </summary>
    /// <param name="path">The export file.</param>
    /// <param name="hmacKey">The bytes of <c>AUDIT_HMAC_KEY</c> the records were written with, or <see langword="null"/> for an unkeyed chain.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The verification; <see cref="AuditVerification.Head"/> is the file's last record.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> or <paramref name="hmacKey"/> is empty.</exception>
    /// <exception cref="InvalidDataException">A line is not an exported audit record.</exception>
    public static async Task<AuditVerification> VerifyAsync(string path, byte[]? hmacKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AuditChain chain = new(hmacKey);
        AuditRow? first = await ReadAsync(path, cancellationToken).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

        // A file that begins mid-chain continues from the record its first line names; one that begins at 1 starts from the genesis.
        AuditChainStart? start = first is { Sequence: > 1 } row ? new AuditChainStart(row.Sequence - 1, row.PreviousHash, Keyed: false) : null;
        return await chain.VerifyAsync(ReadAsync(path, cancellationToken), start, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the rows to a new file, flushed to disk before it takes its name, so a cut never refers to half a file.</summary>
    internal static async Task WriteAsync(string path, IEnumerable<AuditRow> rows, CancellationToken cancellationToken)
    {
        // Its own temporary name: another process may be exporting the same records at the same moment (only one cut is kept).
        string partial = $"{path}.{Guid.NewGuid():N}.partial";
        await using (FileStream stream = new(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await using (Utf8JsonWriter writer = new(stream, s_writer))
            {
                foreach (AuditRow row in rows)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("seq", row.Sequence);
                    writer.WriteString("prev", row.PreviousHash);
                    writer.WriteString("hash", row.Hash);
                    writer.WriteNumber("alg", (int)row.Algorithm);

                    // Raw: the entry's bytes stay exactly those hashed, so the file verifies without the database.
                    writer.WritePropertyName("entry");
                    writer.WriteRawValue(row.EntryJson);
                    writer.WriteEndObject();
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    writer.Reset();
                    stream.WriteByte((byte)'\n');
                }
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(partial, path, overwrite: true);
    }

    private static async IAsyncEnumerable<AuditRow> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using StreamReader reader = new(path, Encoding.UTF8);
        long line = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            AuditRow row;
            try
            {
                using JsonDocument document = JsonDocument.Parse(text);
                JsonElement root = document.RootElement;
                row = new AuditRow(
                    root.GetProperty("seq").GetInt64(),
                    root.GetProperty("entry").GetRawText(),
                    root.GetProperty("prev").GetString()!,
                    root.GetProperty("hash").GetString()!,
                    (AuditHashAlgorithm)root.GetProperty("alg").GetInt32());
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"Line {line} of {path} is not an exported audit record: expected {{\"seq\":…,\"prev\":\"…\",\"hash\":\"…\",\"alg\":…,\"entry\":{{…}}}}.", ex);
            }

            yield return row;
        }
    }
}
