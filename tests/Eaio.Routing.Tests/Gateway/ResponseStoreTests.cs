using System.Text;
using Eaio.Routing.Gateway;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The bounds of <see cref="ResponseStore"/>: per key, in total bytes, by age; and a key sees only its own.</summary>
public sealed class ResponseStoreTests
{
    private static readonly GatewayKey s_alice = new(0, "web", PrivacyLevel.Public, null);
    private static readonly GatewayKey s_bob = new(1, "plant", PrivacyLevel.Private, null);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Test]
    public void A_key_keeps_at_most_its_bound_and_loses_its_least_recently_used_first()
    {
        ResponseStore store = new(TimeSpan.FromHours(1), _time, maxPerKey: 3);
        Remember(store, s_bob, "resp_bob", 10);
        foreach (string id in (string[])["resp_1", "resp_2", "resp_3"])
        {
            Remember(store, s_alice, id, 10);
        }

        Assert.That(store.FindConversation(s_alice, "resp_1"), Is.Not.Null, "used: now the most recent");
        Remember(store, s_alice, "resp_4", 10);

        Assert.That(store.FindConversation(s_alice, "resp_2"), Is.Null, "the least recently used of the key went");
        Assert.That(store.FindItem(s_alice, "resp_2_item"), Is.Null, "with its items");
        Assert.That(new[] { "resp_1", "resp_3", "resp_4" }.Select(id => store.FindConversation(s_alice, id)), Has.None.Null);
        Assert.That(store.FindConversation(s_bob, "resp_bob"), Is.Not.Null, "another key's entries do not count");
        Assert.That(store.Count, Is.EqualTo(4));
    }

    [Test]
    public void The_store_keeps_at_most_its_bytes_across_keys()
    {
        ResponseStore store = new(TimeSpan.FromHours(1), _time, maxBytes: 1_000);
        Remember(store, s_alice, "resp_a", 400);
        Remember(store, s_bob, "resp_b", 400);
        Assert.That(store.FindItem(s_alice, "resp_a_item"), Is.Not.Null);

        Remember(store, s_bob, "resp_c", 400);

        Assert.That(store.FindConversation(s_bob, "resp_b"), Is.Null, "the least recently used of all went");
        Assert.That(store.FindConversation(s_alice, "resp_a"), Is.Not.Null);
        Assert.That(store.FindConversation(s_bob, "resp_c"), Is.Not.Null);
        Assert.That(store.Remember(s_alice, "resp_huge", [new byte[1_001]], []), Is.False, "one response larger than the whole store is not kept");
        Assert.That(store.Count, Is.EqualTo(2));
    }

    [Test]
    public void An_entry_expires_its_lifetime_after_its_last_use_and_expired_ones_are_purged()
    {
        ResponseStore store = new(TimeSpan.FromMinutes(60), _time);
        Remember(store, s_alice, "resp_old", 10);
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.That(store.FindItem(s_alice, "resp_old_item"), Is.Not.Null);
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.That(store.FindConversation(s_alice, "resp_old"), Is.Not.Null, "the last use renewed it");

        _time.Advance(TimeSpan.FromMinutes(60));
        Remember(store, s_bob, "resp_new", 10);

        Assert.That(store.Count, Is.EqualTo(1), "the expired entry was purged when the next was kept");
        Assert.That(store.FindConversation(s_alice, "resp_old"), Is.Null);
    }

    [Test]
    public void A_key_finds_only_its_own_entries_and_a_conversation_is_its_input_then_its_output()
    {
        ResponseStore store = new(TimeSpan.FromMinutes(60), _time);
        byte[] input = Encoding.UTF8.GetBytes("""{"role":"user","content":"hi"}""");
        byte[] output = Encoding.UTF8.GetBytes("""{"type":"message","role":"assistant","content":[{"type":"output_text","text":"hello"}]}""");
        store.Remember(s_alice, "resp_1", [input], [("msg_1", output)]);

        Assert.That(store.FindConversation(s_alice, "resp_1"), Is.EqualTo(new[] { input, output }));
        Assert.That(store.FindItem(s_alice, "msg_1"), Is.SameAs(output));
        Assert.That(store.FindConversation(s_bob, "resp_1"), Is.Null);
        Assert.That(store.FindItem(s_bob, "msg_1"), Is.Null);
        Assert.That(store.FindItem(new GatewayKey(2, "web", PrivacyLevel.Public, null), "msg_1"), Is.Null, "same tenant, another key");
    }

    [Test]
    public void A_store_of_zero_minutes_keeps_nothing()
    {
        ResponseStore store = new(TimeSpan.Zero, _time);

        Assert.That(store.Enabled, Is.False);
        Assert.That(store.Remember(s_alice, "resp_1", [[1]], []), Is.False);
        Assert.That(store.Count, Is.Zero);
    }

    private static void Remember(ResponseStore store, GatewayKey key, string id, int bytes) =>
        Assert.That(store.Remember(key, id, [new byte[bytes / 2]], [(id + "_item", new byte[bytes - (bytes / 2)])]), Is.True);
}
