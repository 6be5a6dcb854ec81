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
