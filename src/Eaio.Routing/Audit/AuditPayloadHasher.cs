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
    private readonly ReusableHmac _hmac = new(key);

    public string Hash(string value)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        _hmac.Hash(Encoding.UTF8.GetBytes(value), hash);
        return Convert.ToHexStringLower(hash);
    }

    public string Hash(IEnumerable<ChatMessage> messages)
    {
        // Written into one pooled buffer and hashed in one call: a fresh incremental HMAC object cost more than the hashing
        // (a reused one, ReusableHmac, costs less than the one-shot call).
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1024);
        int used = 0;
        try
        {
            IReadOnlyList<ChatMessage> messageList = MessageLists.AsList(messages);
            for (int m = 0; m < messageList.Count; m++)
            {
                ChatMessage message = messageList[m];
                Append(ref buffer, ref used, 'r', message.Role.Value);
                if (message.AuthorName is { } author)
                {
                    Append(ref buffer, ref used, 'a', author);
                }

                IList<AIContent> contents = message.Contents;
                for (int c = 0; c < contents.Count; c++)
                {
                    AIContent content = contents[c];
                    if (content is TextContent text)
                    {
                        Append(ref buffer, ref used, 't', text.Text);
                    }
                    else
                    {
                        Append(ref buffer, ref used, 'j', JsonSerializer.Serialize(content, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(AIContent))));
                    }
                }
            }

            Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
            _hmac.Hash(buffer.AsSpan(0, used), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Appends one field: its kind, its UTF-8 length, its UTF-8 bytes.</summary>
    private static void Append(ref byte[] buffer, ref int used, char kind, string value)
    {
        int needed = used + 5 + Encoding.UTF8.GetMaxByteCount(value.Length);
        if (needed > buffer.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
            buffer.AsSpan(0, used).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        Span<byte> field = buffer.AsSpan(used);
        int length = Encoding.UTF8.GetBytes(value, field[5..]);
        field[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(field[1..], length);
        used += 5 + length;
    }
}
