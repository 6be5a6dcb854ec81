using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

public sealed class InMemoryPseudonymVaultTests
{
    [Test]
    public async Task Same_value_gets_the_same_placeholder_and_types_are_numbered_separately()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conv-1");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "b@x.org"), Is.EqualTo("EMAIL_2"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Building, "Panther_office_Hannah"), Is.EqualTo("BUILDING_1"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            string? original = await vault.OriginalAsync(scope, "EMAIL_2");
            Assert.That(original, Is.Not.Null);
            Assert.That(original, Is.EqualTo("b@x.org"));
            Assert.That((await vault.OriginalAsync(scope, "EMAIL_3")) is not null, Is.False);
        });
    }

    [Test]
    public async Task Conversations_are_separate_and_requests_without_one_get_fresh_scopes()
    {
        InMemoryPseudonymVault vault = new();
        string first = await vault.OpenScopeAsync(null);
        string second = await vault.OpenScopeAsync(null);
        _ = await vault.GetOrAddPlaceholderAsync(first, EntityTypes.Email, "a@x.org");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first, Is.Not.EqualTo(second));
            Assert.That(await vault.GetOrAddPlaceholderAsync(second, EntityTypes.Email, "other@x.org"), Is.EqualTo("EMAIL_1"));
            string? original = await vault.OriginalAsync(second, "EMAIL_1");
            Assert.That(original, Is.Not.Null);
            Assert.That(original, Is.EqualTo("other@x.org"));
            Assert.That(await vault.OpenScopeAsync("conv-7"), Is.EqualTo("conv-7"));
        });
    }

    [Test]
    public async Task Scope_expires_after_the_sliding_expiry_and_is_swept()
    {
        FakeTimeProvider time = new();
        InMemoryPseudonymVault vault = new(TimeSpan.FromMinutes(10), time);
        string scope = await vault.OpenScopeAsync("conv");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Person, "Ada");

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.That((await vault.OriginalAsync(scope, "PERSON_1")) is not null, Is.True, "use within the expiry slides it");
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.That((await vault.OriginalAsync(scope, "PERSON_1")) is not null, Is.True);

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.That((await vault.OriginalAsync(scope, "PERSON_1")) is not null, Is.False);

        _ = await vault.OpenScopeAsync("other");
        _ = await vault.GetOrAddPlaceholderAsync("third", EntityTypes.Person, "Bo");
        time.Advance(TimeSpan.FromMinutes(11));
        _ = await vault.OpenScopeAsync("fourth");
        Assert.That(vault.ScopeCount, Is.EqualTo(1), "expired scopes are swept when scopes are opened");
    }

    [Test]
    public async Task Removed_scope_no_longer_restores()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync(null);
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Phone, "+44 20 7946 0000");
        await vault.RemoveScopeAsync(scope);
        Assert.That((await vault.OriginalAsync(scope, "PHONE_1")) is not null, Is.False);
    }

    [Test]
    public async Task Literal_placeholder_text_is_reserved_and_skipped_by_numbering()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conv");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await vault.ReserveLiteralAsync(scope, "EMAIL_1"), Is.EqualTo("EMAIL_1"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_2"));
            string? literal = await vault.OriginalAsync(scope, "EMAIL_1");
            Assert.That(literal, Is.Not.Null);
            Assert.That(literal, Is.EqualTo("EMAIL_1"), "a reserved literal restores to itself");

            // Later the user writes the issued placeholder itself: it must not come back as a@x.org.
            string escaped = await vault.ReserveLiteralAsync(scope, "EMAIL_2");
            Assert.That(escaped, Is.EqualTo("EMAIL_3"));
            string? back = await vault.OriginalAsync(scope, escaped);
            Assert.That(back, Is.Not.Null);
            Assert.That(back, Is.EqualTo("EMAIL_2"));
            Assert.That(await vault.ReserveLiteralAsync(scope, "not_a_placeholder"), Is.EqualTo("not_a_placeholder"));
        });
    }

    [Test]
    public async Task Odd_entity_types_become_valid_stems()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conv");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, "meter-id", "M-1"), Is.EqualTo("METER_ID_1"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, "9lives", "cat"), Is.EqualTo("X9LIVES_1"));
        });
    }

    [Test]
    public async Task Concurrent_adds_agree_on_one_placeholder_per_value()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conv");
        string[][] results = new string[8][];
        await Parallel.ForAsync(0, 8, async (worker, _) =>
        {
            List<string> issued = [];
            foreach (int i in Enumerable.Range(0, 200))
            {
                issued.Add(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, $"user{i}@x.org"));
            }

            results[worker] = [.. issued];
        });

        for (int worker = 1; worker < 8; worker++)
        {
            Assert.That(results[worker], Is.EqualTo(results[0]));
        }

        Assert.That(results[0].Distinct().Count(), Is.EqualTo(200));
        Assert.That(results[0].Order(StringComparer.Ordinal), Is.EquivalentTo(Enumerable.Range(1, 200).Select(i => $"EMAIL_{i}")));
    }
}
