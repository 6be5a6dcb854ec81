using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>HMAC-SHA256 of a payload as it leaves, so the audit log can prove what was sent without holding it.</summary>
/// <remarks>
/// <para>A keyed hash rather than a plain one: a plain SHA-256 of a short prompt could be confirmed by guessing it.</para>
/// <para>
/// The payload is hashed in a canonical form rather than as the JSON of its messages: each message's role and author, then
/// each content, text as its text and any other kind as its JSON, every field prefixed by its kind and byte length so two
/// payloads cannot hash alike by moving a boundary. Serialising the messages to JSON first cost more than the rest of the
/// audit record for a short prompt (docs/benchmarks.md, issue 15).
/// </para>
/// </remarks>
internal sealed class AuditPayloadHasher(byte[] key)
{
    public string Hash(string value) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)));

    public string Hash(IEnumerable<ChatMessage> messages)
    {
        using IncrementalHash hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        foreach (ChatMessage message in messages)
        {
            Append(hmac, 'r', message.Role.Value);
            if (message.AuthorName is { } author)
            {
                Append(hmac, 'a', author);
            }

            foreach (AIContent content in message.Contents)
            {
                if (content is TextContent text)
                {
                    Append(hmac, 't', text.Text);
                }
                else
                {
                    Append(hmac, 'j', JsonSerializer.Serialize(content, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(AIContent))));
                }
            }
        }

        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>Appends one field: its kind, its UTF-8 length, its UTF-8 bytes.</summary>
    private static void Append(IncrementalHash hmac, char kind, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        byte[]? rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length + 5) : null;
        Span<byte> buffer = rented ?? stackalloc byte[517];
        buffer[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(buffer[1..], length);
        int written = Encoding.UTF8.GetBytes(value, buffer[5..]);
        hmac.AppendData(buffer[..(5 + written)]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
