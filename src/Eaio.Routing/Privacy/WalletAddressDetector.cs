using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Eaio.Routing;

/// <summary>
/// Finds cryptocurrency wallet addresses, a tenant's or contractor's account for payments, as
/// <see cref="EntityTypes.BankAccount"/>: Bitcoin addresses in Base58Check (<c>1…</c>, <c>3…</c>) and in bech32 or bech32m
/// (<c>bc1…</c>), each only when its checksum holds, and Ethereum addresses (<c>0x</c> and 40 hexadecimal digits).
/// </summary>
/// <remarks>
/// <para>
/// The checksums make the Bitcoin forms self-evident: a random string of the right shape passes Base58Check's four bytes
/// once in four billion and bech32's six characters about once in a billion. An Ethereum address has no checksum
/// that the platform can compute (EIP-55 hashes with Keccak-256, which .NET does not ship), so its form alone decides:
/// <c>0x</c> and exactly 40 hexadecimal digits between word breaks; a 64-digit transaction hash or a 40-digit commit id
/// without <c>0x</c> is not one, nor the null address (one digit throughout).
/// </para>
/// <para>
/// Every address is a run of 26 to 74 ASCII letters and digits, not glued to '_' or a letter beyond ASCII: one vector pass
/// finds such runs, sixteen characters at a time, and only they are read (a first version that marked every <c>1</c>,
/// <c>3</c>, <c>0x</c> and <c>bc</c> cost 1.5 µs over 8 KB of prose).
/// </para>
/// </remarks>
public sealed class WalletAddressDetector : ISensitiveDataDetector
{
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Bech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    // Base58Check addresses of version 0 (pay to public key hash) and 5 (pay to script hash): 25 bytes, 26 to 35 characters.
    private const int MinBase58Length = 26;
    private const int MaxBase58Length = 35;

    // A segwit address: "bc1", a witness version, a program of 2 to 40 bytes and six checksum characters (BIP 173, BIP 350);
    // those in use hold 20 or 32 bytes (42 or 62 characters), so runs shorter than a Base58Check address are not read.
    private const int MinLength = MinBase58Length;
    private const int MaxBech32Length = 74;

    private const uint Bech32Constant = 1;
    private const uint Bech32mConstant = 0x2bc830a3;

    private static readonly sbyte[] s_base58Values = Values(Base58Alphabet);
    private static readonly sbyte[] s_bech32Values = Values(Bech32Alphabet);

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        // Every address is a run of 26 or more ASCII letters and digits, which prose seldom has: one vector pass counts
        // the run ending at each block's end, and only a run long enough is read.
        int run = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref ushort chars = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(text));
            for (; i <= text.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                uint others = ~AsciiVectors.IsLetterOrDigit(Vector256.LoadUnsafe(ref chars, (nuint)i)).ExtractMostSignificantBits() & 0xFFFF;
                if (others == 0)
                {
                    run += Vector256<ushort>.Count;
                    continue;
                }

                // The run that ends inside this block ends at its first other character; a run wholly inside one block
                // is too short to matter.
                int first = BitOperations.TrailingZeroCount(others);
                if (run + first >= MinLength)
                {
                    AtRun(text, i - run, i + first, spans);
                }

                run = Vector256<ushort>.Count - 1 - (31 - BitOperations.LeadingZeroCount(others));
            }
        }

        for (; i < text.Length; i++)
        {
            if (char.IsAsciiLetterOrDigit(text[i]))
            {
                run++;
                continue;
            }

            if (run >= MinLength)
            {
                AtRun(text, i - run, i, spans);
            }

            run = 0;
        }

        if (run >= MinLength)
        {
            AtRun(text, text.Length - run, text.Length, spans);
        }
    }

    /// <summary>Reports the run of letters and digits [<paramref name="start"/>, <paramref name="end"/>) when it is an address.</summary>
    private static void AtRun(ReadOnlySpan<char> text, int start, int end, ICollection<SensitiveSpan> spans)
    {
        // A run glued to '_' or a letter beyond ASCII is part of a longer word (an identifier, a key).
        if (end - start > MaxBech32Length
            || (start > 0 && text[start - 1] is '_' or > '\u007f')
            || (end < text.Length && text[end] is '_' or > '\u007f'))
        {
            return;
        }

        ReadOnlySpan<char> token = text[start..end];
        bool found = token[0] switch
        {
            '0' => IsEthereumAddress(token),
            '1' or '3' => IsBase58CheckAddress(token),
            'b' or 'B' => IsBech32Address(token),
            _ => false,
        };
        if (found)
        {
            spans.Add(new SensitiveSpan(start, token.Length, EntityTypes.BankAccount, token[0] == '0' ? 0.85 : 0.95));
        }
    }

    private static bool IsEthereumAddress(ReadOnlySpan<char> token) =>
        token.Length == 42 && (token[1] == 'x' || token[1] == 'X') && !token[2..].ContainsAnyExcept(HexDigits)
        && token[2..].ContainsAnyExcept(token[2]);

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static bool IsBase58CheckAddress(ReadOnlySpan<char> token)
    {
        if (token.Length is < MinBase58Length or > MaxBase58Length)
        {
            return false;
        }

        // The number the characters spell, in base 256, big-endian: 25 bytes for a version, a 20-byte hash and a checksum.
        Span<byte> bytes = stackalloc byte[25];
        bytes.Clear();
        foreach (char c in token)
        {
            int carry = s_base58Values[c];
            if (carry < 0)
            {
                return false;
            }

            for (int k = bytes.Length - 1; k >= 0; k--)
            {
                carry += bytes[k] * 58;
                bytes[k] = (byte)carry;
                carry >>= 8;
            }

            if (carry != 0)
            {
                return false; // more than 25 bytes
            }
        }

        // A leading '1' stands for a zero byte; version 0 addresses start with it, version 5 with '3'.
        if (bytes[0] != (token[0] == '1' ? 0x00 : 0x05))
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes[..21], hash);
        SHA256.HashData(hash, hash);
        return hash[..4].SequenceEqual(bytes[21..]);
    }

    private static bool IsBech32Address(ReadOnlySpan<char> token)
    {
        // "bc1", then the data part in one case throughout.
        if (token.Length is < MinLength or > MaxBech32Length || (token[1] | 0x20) != 'c' || token[2] != '1'
            || (token.ContainsAnyInRange('a', 'z') && token.ContainsAnyInRange('A', 'Z')))
        {
            return false;
        }

        // The checksum over the human-readable part "bc", expanded as BIP 173 does, and the data part's 5-bit values.
        uint check = 1;
        foreach (char c in "bc")
        {
            check = Polymod(check, c >> 5);
        }

        check = Polymod(check, 0);
        foreach (char c in "bc")
        {
            check = Polymod(check, c & 31);
        }

        int version = -1;
        for (int k = 3; k < token.Length; k++)
        {
            int value = s_bech32Values[char.ToLowerInvariant(token[k])];
            if (value < 0)
            {
                return false;
            }

            version = version < 0 ? value : version;
            check = Polymod(check, value);
        }

        // Version 0 uses bech32's constant, versions 1 to 16 (taproot and later) bech32m's.
        return version is >= 0 and <= 16 && check == (version == 0 ? Bech32Constant : Bech32mConstant);
    }

    private static uint Polymod(uint check, int value)
    {
        uint top = check >> 25;
        check = ((check & 0x1ffffff) << 5) ^ (uint)value;
        for (int bit = 0; bit < 5; bit++)
        {
            if (((top >> bit) & 1) != 0)
            {
                check ^= bit switch { 0 => 0x3b6a57b2u, 1 => 0x26508e6du, 2 => 0x1ea119fau, 3 => 0x3d4233ddu, _ => 0x2a1462b3u };
            }
        }

        return check;
    }

    private static sbyte[] Values(string alphabet)
    {
        sbyte[] values = new sbyte[128];
        values.AsSpan().Fill(-1);
        for (int k = 0; k < alphabet.Length; k++)
        {
            values[alphabet[k]] = (sbyte)k;
        }

        return values;
    }
}
