using System.Security.Cryptography;
using System.Text;
using Eaio.Routing;

namespace Eaio.Routing.Gateway;

/// <summary>
/// Turns a request's <c>user</c> (often an e-mail) into the opaque id a provider gets instead: an HMAC-SHA256 of the
/// tenant and the user, so one end user keeps one id per tenant and the id tells the provider nothing about them.
/// </summary>
/// <remarks>
/// The key is derived with HKDF from <c>AUDIT_HMAC_KEY</c> under a label of its own, so it is stable across restarts and
/// hosts that share that key and is never the audit chain's key. Without <c>AUDIT_HMAC_KEY</c> it is random per process:
/// ids stay opaque but change at every restart. The id is written with the letters a to p only (one per four bits), so the
/// egress guard's detectors, which scan it like any text that leaves, never mistake a run of digits for a phone number.
/// </remarks>
internal sealed class EndUserPseudonyms
{
    /// <summary>The HKDF label of the key; a new label gives every end user a new id.</summary>
    private static readonly byte[] s_label = "eaio gateway end-user id v1"u8.ToArray();

    private readonly byte[] _key;

    /// <summary>Initializes a new instance of the <see cref="EndUserPseudonyms"/> class.</summary>
    /// <param name="options">The router's options, for <see cref="EaioHybridChatOptions.AuditHmacKey"/>.</param>
    public EndUserPseudonyms(EaioHybridChatOptions options)
    {
        byte[] secret = options.AuditHmacKey is { } configured ? Encoding.UTF8.GetBytes(configured) : RandomNumberGenerator.GetBytes(32);
        IsStable = options.AuditHmacKey is not null;
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, HMACSHA256.HashSizeInBytes, salt: [], info: s_label);
    }

    /// <summary>Gets a value indicating whether ids survive a restart (<c>AUDIT_HMAC_KEY</c> is set).</summary>
    public bool IsStable { get; }

    /// <summary>The opaque id of one end user of one tenant.</summary>
    /// <param name="tenant">The key's tenant.</param>
    /// <param name="user">The <c>user</c> as the client sent it.</param>
    /// <returns><c>eaio-</c> and 32 letters (128 bits of the HMAC).</returns>
    public string For(string tenant, string user)
    {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        byte[] tenantBytes = Encoding.UTF8.GetBytes(tenant);
        byte[] userBytes = Encoding.UTF8.GetBytes(user);
        byte[] input = new byte[4 + tenantBytes.Length + userBytes.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input, tenantBytes.Length);
        tenantBytes.CopyTo(input, 4);
        userBytes.CopyTo(input, 4 + tenantBytes.Length);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, input, mac);

        const int Bytes = 16;
        return string.Create(5 + (Bytes * 2), mac[..Bytes].ToArray(), static (chars, bytes) =>
        {
            "eaio-".CopyTo(chars);
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[5 + (2 * i)] = (char)('a' + (bytes[i] >> 4));
                chars[6 + (2 * i)] = (char)('a' + (bytes[i] & 0xF));
            }
        });
    }
}
