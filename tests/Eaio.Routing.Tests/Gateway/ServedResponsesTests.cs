using Eaio.Routing.Gateway;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The gateway's memory of served responses for feedback: a tenant finds its own, for the lifetime, within the capacity.</summary>
public sealed class ServedResponsesTests
{
    private static readonly RoutingFeedbackTicket s_ticket = new("provider-id", "meter-summary", ProviderTier.Local);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Test]
    public void A_response_is_found_by_its_tenant_only_and_until_its_lifetime_ends()
    {
        ServedResponses served = new(TimeSpan.FromHours(24), 10, _time);
        served.Add("chatcmpl-eaio-1", "web", s_ticket);

        Assert.That(served.Find("chatcmpl-eaio-1", "web"), Is.SameAs(s_ticket));
        Assert.That(served.Find("chatcmpl-eaio-1", "plant"), Is.Null, "another tenant's");
        Assert.That(served.Find("chatcmpl-eaio-2", "web"), Is.Null, "never served");

        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.That(served.Find("chatcmpl-eaio-1", "web"), Is.SameAs(s_ticket));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(served.Find("chatcmpl-eaio-1", "web"), Is.Null, "a day old");
        Assert.That(served.Count, Is.Zero, "and dropped, not only hidden");
    }

    [Test]
    public void Beyond_its_capacity_the_oldest_go_first()
    {
        ServedResponses served = new(TimeSpan.FromHours(24), 3, _time);
        for (int i = 1; i <= 5; i++)
        {
            served.Add($"id-{i}", "web", s_ticket with { ResponseId = $"p-{i}" });
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Multiple(() =>
        {
            Assert.That(served.Count, Is.EqualTo(3));
            Assert.That(served.Find("id-1", "web"), Is.Null);
            Assert.That(served.Find("id-2", "web"), Is.Null);
            Assert.That(new[] { "id-3", "id-4", "id-5" }.Select(id => served.Find(id, "web")?.ResponseId), Is.EqualTo(new[] { "p-3", "p-4", "p-5" }));
        });
    }

    [Test]
    public void An_id_served_again_keeps_its_newer_entry_when_the_older_one_leaves()
    {
        ServedResponses served = new(TimeSpan.FromMinutes(10), 100, _time);
        served.Add("same", "web", s_ticket with { ResponseId = "first" });
        _time.Advance(TimeSpan.FromMinutes(6));
        served.Add("same", "web", s_ticket with { ResponseId = "second" });
        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.That(served.Find("same", "web")?.ResponseId, Is.EqualTo("second"), "the first entry expired; the second has not");
    }

    [Test]
    public void Bounds_that_keep_nothing_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ServedResponses(TimeSpan.Zero, 10, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ServedResponses(TimeSpan.FromHours(1), 0, _time));
    }
}
