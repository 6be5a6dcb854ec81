using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The audit record's payload hash: every part of what leaves changes it, and no two payloads hash alike by moving a boundary.</summary>
public sealed class AuditPayloadHasherTests
{
    private static readonly AuditPayloadHasher s_hasher = new(new byte[32]);

    private static string Hash(params ChatMessage[] messages) => s_hasher.Hash(messages);

    [Test]
    public void Text_role_author_boundaries_and_non_text_contents_all_count()
    {
        string plain = Hash(new ChatMessage(ChatRole.User, "Meter 3 reads the plant."));
        string[] variants =
        [
            Hash(new ChatMessage(ChatRole.User, "Meter 4 reads the plant.")),
            Hash(new ChatMessage(ChatRole.Assistant, "Meter 3 reads the plant.")),
            Hash(new ChatMessage(ChatRole.User, "Meter 3 reads the plant.") { AuthorName = "ops" }),
            Hash(new ChatMessage(ChatRole.User, [new TextContent("Meter 3 reads "), new TextContent("the plant.")])),
            Hash(new ChatMessage(ChatRole.User, "Meter 3 reads "), new ChatMessage(ChatRole.User, "the plant.")),
            Hash(new ChatMessage(ChatRole.User, [new TextContent("Meter 3 reads the plant."), new DataContent(new byte[] { 1, 2, 3 }, "image/png")])),
            Hash(new ChatMessage(ChatRole.User, [new TextContent("Meter 3 reads the plant."), new DataContent(new byte[] { 1, 2, 4 }, "image/png")])),
        ];

        Assert.That(variants.Prepend(plain), Is.Unique);
        Assert.That(Hash(new ChatMessage(ChatRole.User, "Meter 3 reads the plant.")), Is.EqualTo(plain), "and the same payload hashes the same");
        Assert.That(new AuditPayloadHasher(new byte[] { 1 }).Hash([new ChatMessage(ChatRole.User, "Meter 3 reads the plant.")]), Is.Not.EqualTo(plain), "keyed");
        Assert.That(plain, Has.Length.EqualTo(64));
    }

    [Test]
    public void A_long_text_is_hashed_whole()
    {
        string longText = new('x', 5000);
        Assert.That(Hash(new ChatMessage(ChatRole.User, longText)), Is.Not.EqualTo(Hash(new ChatMessage(ChatRole.User, longText + "y"))));
    }
}

/// <summary>The chain's record hash keeps its bytes, so chains written before stay verifiable.</summary>
public sealed class AuditChainHashTests
{
    [TestCase(1L, "{\"Outcome\":\"ok\"}")]
    [TestCase(123456789012L, "{\"Reasons\":[\"Gebäude-Daten → lokal\",\"😀\"]}")]
    public void A_record_hash_is_the_SHA_256_of_previous_sequence_and_entry_in_UTF_8(long sequence, string json)
    {
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{AuditChain.Genesis}\n{sequence}\n{json}")));

        Assert.That(AuditChain.Hash(AuditChain.Genesis, sequence, json), Is.EqualTo(expected));
    }

    [TestCase(1L, "{\"Outcome\":\"ok\"}")]
    [TestCase(123456789012L, "{\"Reasons\":[\"Gebäude-Daten → lokal\",\"😀\"]}")]
    public void A_keyed_record_hash_is_HMAC_SHA_256_under_a_key_derived_from_AUDIT_HMAC_KEY(long sequence, string json)
    {
        byte[] key = System.Text.Encoding.UTF8.GetBytes("the-operators-audit-key-2026");
        byte[] input = System.Text.Encoding.UTF8.GetBytes($"{AuditChain.Genesis}\n{sequence}\n{json}");
        byte[] derived = System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256, key, 32, [], "eaio audit chain v2"u8.ToArray());
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(derived, input));

        Assert.That(new AuditChain(key).Link(AuditChain.Genesis, sequence, json), Is.EqualTo(expected));
        Assert.That(new AuditChain(null).Link(AuditChain.Genesis, sequence, json), Is.EqualTo(AuditChain.Hash(AuditChain.Genesis, sequence, json)), "no key: the unkeyed hash");

        // Not AUDIT_HMAC_KEY itself: the audit client stores HMACs of caller-chosen strings (conversation ids) under it,
        // which with the same key would hand a caller the link of a record of their choosing.
        Assert.That(new AuditPayloadHasher(key).Hash($"{AuditChain.Genesis}\n{sequence}\n{json}"), Is.Not.EqualTo(expected));
    }
}
