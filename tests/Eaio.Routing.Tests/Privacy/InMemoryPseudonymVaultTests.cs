using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

public sealed class InMemoryPseudonymVaultTests
{
    [Test]
    public void Same_value_gets_the_same_placeholder_and_types_are_numbered_separately()
    {
        InMemoryPseudonymVault vault = new();
        string scope = vault.OpenScope("conv-1");

        Assert.Multiple(() =>
        {
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "b@x.org"), Is.EqualTo("EMAIL_2"));
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Building, "Panther_office_Hannah"), Is.EqualTo("BUILDING_1"));
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(vault.TryGetOriginal(scope, "EMAIL_2", out string? original), Is.True);
            Assert.That(original, Is.EqualTo("b@x.org"));
            Assert.That(vault.TryGetOriginal(scope, "EMAIL_3", out _), Is.False);
        });
    }

    [Test]
    public void Conversations_are_separate_and_requests_without_one_get_fresh_scopes()
    {
        InMemoryPseudonymVault vault = new();
        string first = vault.OpenScope(null);
        string second = vault.OpenScope(null);
        _ = vault.GetOrAddPlaceholder(first, EntityTypes.Email, "a@x.org");

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Not.EqualTo(second));
            Assert.That(vault.GetOrAddPlaceholder(second, EntityTypes.Email, "other@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(vault.TryGetOriginal(second, "EMAIL_1", out string? original), Is.True);
            Assert.That(original, Is.EqualTo("other@x.org"));
            Assert.That(vault.OpenScope("conv-7"), Is.EqualTo("conv-7"));
        });
    }

    [Test]
    public void Scope_expires_after_the_sliding_expiry_and_is_swept()
    {
        FakeTimeProvider time = new();
        InMemoryPseudonymVault vault = new(TimeSpan.FromMinutes(10), time);
        string scope = vault.OpenScope("conv");
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.Person, "Ada");

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.That(vault.TryGetOriginal(scope, "PERSON_1", out _), Is.True, "use within the expiry slides it");
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.That(vault.TryGetOriginal(scope, "PERSON_1", out _), Is.True);

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.That(vault.TryGetOriginal(scope, "PERSON_1", out _), Is.False);

        _ = vault.OpenScope("other");
        _ = vault.GetOrAddPlaceholder("third", EntityTypes.Person, "Bo");
        time.Advance(TimeSpan.FromMinutes(11));
        _ = vault.OpenScope("fourth");
        Assert.That(vault.ScopeCount, Is.EqualTo(1), "expired scopes are swept when scopes are opened");
    }

    [Test]
    public void Removed_scope_no_longer_restores()
    {
        InMemoryPseudonymVault vault = new();
        string scope = vault.OpenScope(null);
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.Phone, "+44 20 7946 0000");
        vault.RemoveScope(scope);
        Assert.That(vault.TryGetOriginal(scope, "PHONE_1", out _), Is.False);
    }

    [Test]
    public void Literal_placeholder_text_is_reserved_and_skipped_by_numbering()
    {
        InMemoryPseudonymVault vault = new();
        string scope = vault.OpenScope("conv");

        Assert.Multiple(() =>
        {
            Assert.That(vault.ReserveLiteral(scope, "EMAIL_1"), Is.EqualTo("EMAIL_1"));
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_2"));
            Assert.That(vault.TryGetOriginal(scope, "EMAIL_1", out string? literal), Is.True);
            Assert.That(literal, Is.EqualTo("EMAIL_1"), "a reserved literal restores to itself");

            // Later the user writes the issued placeholder itself: it must not come back as a@x.org.
            string escaped = vault.ReserveLiteral(scope, "EMAIL_2");
            Assert.That(escaped, Is.EqualTo("EMAIL_3"));
            Assert.That(vault.TryGetOriginal(scope, escaped, out string? back), Is.True);
            Assert.That(back, Is.EqualTo("EMAIL_2"));
            Assert.That(vault.ReserveLiteral(scope, "not_a_placeholder"), Is.EqualTo("not_a_placeholder"));
        });
    }

    [Test]
    public void Odd_entity_types_become_valid_stems()
    {
        InMemoryPseudonymVault vault = new();
        string scope = vault.OpenScope("conv");
        Assert.Multiple(() =>
        {
            Assert.That(vault.GetOrAddPlaceholder(scope, "meter-id", "M-1"), Is.EqualTo("METER_ID_1"));
            Assert.That(vault.GetOrAddPlaceholder(scope, "9lives", "cat"), Is.EqualTo("X9LIVES_1"));
        });
    }

    [Test]
    public void Concurrent_adds_agree_on_one_placeholder_per_value()
    {
        InMemoryPseudonymVault vault = new();
        string scope = vault.OpenScope("conv");
        string[][] results = new string[8][];
        Parallel.For(0, 8, worker =>
        {
            results[worker] = [.. Enumerable.Range(0, 200).Select(i => vault.GetOrAddPlaceholder(scope, EntityTypes.Email, $"user{i}@x.org"))];
        });

        for (int worker = 1; worker < 8; worker++)
        {
            Assert.That(results[worker], Is.EqualTo(results[0]));
        }

        Assert.That(results[0].Distinct().Count(), Is.EqualTo(200));
        Assert.That(results[0].Order(StringComparer.Ordinal), Is.EquivalentTo(Enumerable.Range(1, 200).Select(i => $"EMAIL_{i}")));
    }
}
