using System.Security.Cryptography;

namespace Eaio.Routing;

/// <summary>Random version-4 GUIDs for request, reservation and scope ids, drawn from the cryptographic generator in batches.</summary>
/// <remarks>
/// <see cref="Guid.NewGuid"/> makes one system call per id on glibc before 2.41 (about 360 ns here), and
/// <see cref="RandomNumberGenerator.Fill(Span{byte})"/> costs about 740 ns a call however few bytes it fills; an external
/// call draws four ids (route, reservation, pseudonym scope, audit record), which was more than a tenth of the router's own
/// work for a short prompt (docs/benchmarks.md, issue 15). One fill of 256 bytes per thread serves sixteen ids, each as
/// unpredictable as <see cref="Guid.NewGuid"/>'s.
/// </remarks>
internal static class RandomIds
{
    private const int IdBytes = 16;
    private const int BatchBytes = 16 * IdBytes;

    [ThreadStatic]
    private static byte[]? t_batch;

    [ThreadStatic]
    private static int t_next;

    /// <summary>A new random GUID, with the version and variant bits <see cref="Guid.NewGuid"/> sets.</summary>
    public static Guid NewGuid()
    {
        byte[]? batch = t_batch;
        int next = t_next;
        if (batch is null || next == BatchBytes)
        {
            batch ??= t_batch = new byte[BatchBytes];
            RandomNumberGenerator.Fill(batch);
            next = 0;
        }

        Span<byte> bytes = batch.AsSpan(next, IdBytes);
        t_next = next + IdBytes;

        // The span is the GUID's little-endian layout: byte 7 holds the version nibble, byte 8 the variant (RFC 9562).
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>A new random GUID as 32 lower-case hexadecimal digits (the <c>"N"</c> format).</summary>
    public static string NewId() => NewGuid().ToString("N");
}
