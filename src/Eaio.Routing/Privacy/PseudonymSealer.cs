using System.Security.Cryptography;
using System.Text;

namespace Eaio.Routing;

/// <summary>
/// The cryptography of persistent pseudonym vaults: keyed hashes for conversation ids and value look-ups, and
/// AES-256-GCM for the original values, bound to their scope and placeholder. Keys are derived with HKDF-SHA256 from the
/// host's secret, so every store that shares data with another needs the same secret.
/// </summary>
internal sealed class PseudonymSealer
{
    /// <summary>The least secret length accepted, in bytes.</summary>
    public const int MinimumKeyLength = 32;

    private const int NonceLength = 12;
    private const int TagLength = 16;

    private readonly byte[] _encryptionKey;
    private readonly byte[] _macKey;

    /// <exception cref="ArgumentException"><paramref name="key"/> is shorter than <see cref="MinimumKeyLength"/>.</exception>
    public PseudonymSealer(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"The key must have at least {MinimumKeyLength} bytes.", nameof(key));
        }

        _encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key.ToArray(), 32, info: "eaio-pseudonym-vault/aes-gcm"u8.ToArray());
        _macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key.ToArray(), 32, info: "eaio-pseudonym-vault/hmac"u8.ToArray());
    }

    /// <summary>Gets the stored form of a scope id: its keyed hash.</summary>
    public byte[] ScopeKey(string scopeId) => HMACSHA256.HashData(_macKey, Encoding.UTF8.GetBytes("scope\0" + scopeId));

    /// <summary>Gets the keyed hash a value is found by without decrypting every row.</summary>
    public byte[] ValueMac(byte[] scope, string stem, string value) =>
        HMACSHA256.HashData(_macKey, (byte[])[.. scope, .. Encoding.UTF8.GetBytes(stem + "\0" + value)]);

    /// <summary>Encrypts a value under a random nonce, bound to its scope and placeholder.</summary>
    public byte[] Seal(byte[] scope, string placeholder, string value)
    {
        byte[] plain = Encoding.UTF8.GetBytes(value);
        byte[] sealedValue = new byte[NonceLength + plain.Length + TagLength];
        Span<byte> nonce = sealedValue.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using AesGcm aes = new(_encryptionKey, TagLength);
        aes.Encrypt(nonce, plain, sealedValue.AsSpan(NonceLength, plain.Length), sealedValue.AsSpan(NonceLength + plain.Length), AssociatedData(scope, placeholder));
        CryptographicOperations.ZeroMemory(plain);
        return sealedValue;
    }

    /// <summary>Decrypts a value; <see langword="null"/> when it was sealed under another key, for another placeholder, or changed.</summary>
    public string? Open(byte[] scope, string placeholder, byte[] sealedValue)
    {
        if (sealedValue.Length < NonceLength + TagLength)
        {
            return null;
        }

        int length = sealedValue.Length - NonceLength - TagLength;
        byte[] plain = new byte[length];
        try
        {
            using AesGcm aes = new(_encryptionKey, TagLength);
            aes.Decrypt(sealedValue.AsSpan(0, NonceLength), sealedValue.AsSpan(NonceLength, length), sealedValue.AsSpan(NonceLength + length), plain, AssociatedData(scope, placeholder));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    // The placeholder is bound in upper case, the spelling it is issued in; rows are found ignoring case.
    private static byte[] AssociatedData(byte[] scope, string placeholder) =>
        [.. scope, .. Encoding.UTF8.GetBytes(placeholder.ToUpperInvariant())];
}
