using System.Numerics;
using System.Security.Cryptography;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Wallet addresses by their published forms: the examples of BIP 173, BIP 350, EIP-55 and Bitcoin's first addresses,
/// addresses generated here with their checksums, and the strings that look like them without being one.
/// </summary>
[TestFixture]
public sealed class WalletAddressDetectorTests
{
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Bech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    [TestCase("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")] // the genesis block's address
    [TestCase("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")] // pay to script hash
    [TestCase("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")] // BIP 173, upper case
    [TestCase("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")]
    [TestCase("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3")] // BIP 173, a script hash
    [TestCase("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")] // BIP 350, taproot
    [TestCase("0x52908400098527886E0F7030069857D2E4169EE7")] // EIP-55
    [TestCase("0xde709f2102306220921060314715629080e2fb77")]
    public void A_published_address_is_found_whole_in_prose(string address)
    {
        foreach (string text in new[] { address, $"Please send the refund to {address}.", $"wallet: {address}\n", $"(see https://example.org/address/{address})" })
        {
            Assert.That(Found(text), Is.EqualTo(new[] { address }), text);
        }
    }

    [Test]
    public void Generated_addresses_are_found_and_one_changed_character_is_not()
    {
        Random random = new(21);
        for (int n = 0; n < 2_000; n++)
        {
            string address = (n % 4) switch
            {
                0 => Base58Check(0x00, Bytes(random, 20)),
                1 => Base58Check(0x05, Bytes(random, 20)),
                2 => Bech32Address(0, Bytes(random, random.Next(2) == 0 ? 20 : 32), constant: 1),
                _ => Bech32Address(1, Bytes(random, 32), constant: 0x2bc830a3),
            };
            Assert.That(Found($"Pay {address} today"), Is.EqualTo(new[] { address }), address);

            // One character changed to another of the same alphabet breaks the checksum.
            int at = random.Next(4, address.Length);
            string alphabet = address.StartsWith("bc1", StringComparison.Ordinal) ? Bech32Alphabet : Base58Alphabet;
            char other = alphabet[(alphabet.IndexOf(address[at], StringComparison.Ordinal) + 1 + random.Next(alphabet.Length - 1)) % alphabet.Length];
            string broken = address[..at] + other + address[(at + 1)..];
            Assert.That(Found($"Pay {broken} today"), Is.Empty, broken);
        }
    }

    [TestCase("the transaction 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 settled")] // a 64-digit hash
    [TestCase("commit 2f1a9c3e8b7d6f5a4e3c2b1a0f9e8d7c6b5a4f3e fixed it")] // 40 digits without 0x
    [TestCase("burn address 0x0000000000000000000000000000000000000000")] // the null address
    [TestCase("0x52908400098527886E0F7030069857D2E4169EE7AB is too long")]
    [TestCase("the id x0x52908400098527886E0F7030069857D2E4169EE7 is glued to a word")]
    [TestCase("bcc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 and bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")] // wrong prefix, checksum
    [TestCase("Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")] // mixed case
    [TestCase("The 13 chillers used 1500 kWh; 3 pumps ran 1A and 3B at 12:00, order 1QWERTYUPASDFGHJKLZXCVBNM2345")]
    public void Look_alikes_are_not_addresses(string text) => Assert.That(Found(text), Is.Empty);

    [Test]
    public void Random_strings_of_the_alphabets_are_not_addresses()
    {
        Random random = new(5);
        int found = 0;
        for (int n = 0; n < 20_000; n++)
        {
            int length = random.Next(26, 36);
            string token = (n % 2 == 0 ? "1" : "3") + new string([.. Enumerable.Range(1, length - 1).Select(_ => Base58Alphabet[random.Next(58)])]);
            string bech = "bc1q" + new string([.. Enumerable.Range(0, 38).Select(_ => Bech32Alphabet[random.Next(32)])]);
            found += Found($"{token} {bech}").Count;
        }

        Assert.That(found, Is.Zero);
    }

    [Test]
    public void The_scanner_masks_an_address_as_a_bank_account()
    {
        SensitiveDataScanResult result = SensitiveDataScanner.CreateDefault().Scan("Refund to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 please.".AsSpan());
        Assert.That(result.Spans.Select(s => s.EntityType), Does.Contain(EntityTypes.BankAccount));
    }

    private static List<string> Found(string text)
    {
        List<SensitiveSpan> spans = [];
        new WalletAddressDetector().Detect(text, spans);
        return [.. spans.Select(s => text.Substring(s.Start, s.Length))];
    }

    private static byte[] Bytes(Random random, int count)
    {
        byte[] bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    // Base58Check as Bitcoin writes it: version, payload, the first four bytes of SHA-256 twice; a zero byte is a '1'.
    private static string Base58Check(byte version, byte[] payload)
    {
        byte[] data = [version, .. payload];
        byte[] check = SHA256.HashData(SHA256.HashData(data));
        byte[] all = [.. data, .. check[..4]];
        BigInteger value = new(all, isUnsigned: true, isBigEndian: true);
        string digits = string.Empty;
        while (value > 0)
        {
            digits = Base58Alphabet[(int)(value % 58)] + digits;
            value /= 58;
        }

        return new string('1', all.TakeWhile(b => b == 0).Count()) + digits;
    }

    // A segwit address by BIP 173 and BIP 350: the witness version, the program in 5-bit groups, six checksum characters.
    private static string Bech32Address(int witnessVersion, byte[] program, uint constant)
    {
        List<int> data = [witnessVersion];
        int accumulator = 0;
        int bits = 0;
        foreach (byte b in program)
        {
            accumulator = (accumulator << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                data.Add((accumulator >> bits) & 31);
            }
        }

        if (bits > 0)
        {
            data.Add((accumulator << (5 - bits)) & 31);
        }

        List<int> values = [3, 3, 0, 2, 3, .. data, 0, 0, 0, 0, 0, 0]; // "bc" expanded: high bits, 0, low bits
        uint polymod = Polymod(values) ^ constant;
        IEnumerable<int> checksum = Enumerable.Range(0, 6).Select(k => (int)((polymod >> (5 * (5 - k))) & 31));
        return "bc1" + new string([.. data.Concat(checksum).Select(v => Bech32Alphabet[v])]);
    }

    private static uint Polymod(IEnumerable<int> values)
    {
        uint[] generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
        uint check = 1;
        foreach (int value in values)
        {
            uint top = check >> 25;
            check = ((check & 0x1ffffff) << 5) ^ (uint)value;
            for (int k = 0; k < 5; k++)
            {
                check ^= ((top >> k) & 1) != 0 ? generators[k] : 0;
            }
        }

        return check;
    }
}
