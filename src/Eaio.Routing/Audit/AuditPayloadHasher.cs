using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>HMAC-SHA256 of a payload as it leaves, so the audit log can prove what was sent without holding it.</summary>
/// <remarks>A keyed hash rather than a plain one: a plain SHA-256 of a short prompt could be confirmed by guessing it.</remarks>
internal sealed class AuditPayloadHasher(byte[] key)
{
    public string Hash(string value) => Convert.ToHexStringLower(HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes(value)));

    public string Hash(IEnumerable<ChatMessage> messages)
    {
        byte[] payload = JsonSerializer.SerializeToUtf8Bytes(messages, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IEnumerable<ChatMessage>)));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, payload));
    }
}
