using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

/// <summary>What every <see cref="IPseudonymVault"/> must do; each implementation's fixture derives from this.</summary>
public abstract class PseudonymVaultContract
{
    /// <summary>Creates the vault under test.</summary>
    protected abstract IPseudonymVault CreateVault(TimeProvider timeProvider, TimeSpan expiry);

    [Test]
    public async Task Values_keep_their_placeholder_types_are_numbered_separately_and_case_does_not_matter()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string scope = await vault.OpenScopeAsync("conv-1");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "b@x.org"), Is.EqualTo("EMAIL_2"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Building, "Panther_office_Hannah"), Is.EqualTo("BUILDING_1"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, "email", "a@x.org"), Is.EqualTo("EMAIL_1"), "a type with the same stem shares numbering");
            string? original = await vault.OriginalAsync(scope, "EMAIL_2");
            Assert.That(original, Is.Not.Null);
            Assert.That(original, Is.EqualTo("b@x.org"));
            string? lower = await vault.OriginalAsync(scope, "email_2");
            Assert.That(lower, Is.Not.Null);
            Assert.That(lower, Is.EqualTo("b@x.org"));
            Assert.That((await vault.OriginalAsync(scope, "EMAIL_3")) is not null, Is.False);
            Assert.That((await vault.OriginalAsync(await vault.OpenScopeAsync("conv-2"), "EMAIL_1")) is not null, Is.False, "scopes are separate");
            Assert.That(await vault.GetStemsAsync(scope), Is.EquivalentTo(new[] { "EMAIL", "BUILDING" }));
        });
    }

    [Test]
    public async Task Originals_of_a_scope_are_its_issued_values_without_the_reserved_literals()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string scope = await vault.OpenScopeAsync("conv-originals");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Building, "Panther_office_Hannah");
        _ = await vault.ReserveLiteralAsync(scope, "PERSON_7");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await vault.GetOriginalsAsync(scope), Is.EquivalentTo(new[] { "a@x.org", "Panther_office_Hannah" }));
            Assert.That(await vault.GetOriginalsAsync(await vault.OpenScopeAsync("conv-other")), Is.Empty);
            Assert.That(await vault.GetOriginalsAsync("never-opened"), Is.Empty);
        });
    }

    [Test]
    public async Task Requests_without_a_conversation_get_fresh_scopes()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string first = await vault.OpenScopeAsync(null);
        string second = await vault.OpenScopeAsync(null);
        _ = await vault.GetOrAddPlaceholderAsync(first, EntityTypes.Email, "a@x.org");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first, Is.Not.EqualTo(second));
            Assert.That(await vault.GetOrAddPlaceholderAsync(second, EntityTypes.Email, "other@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(await vault.OpenScopeAsync("conv-7"), Is.EqualTo("conv-7"));
        });
    }

    [Test]
    public async Task Literals_are_reserved_in_every_case_and_skipped_by_numbering()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string scope = await vault.OpenScopeAsync("conv");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await vault.ReserveLiteralAsync(scope, "EMAIL_1"), Is.EqualTo("EMAIL_1"));
            Assert.That(await vault.ReserveLiteralAsync(scope, "email_2"), Is.EqualTo("email_2"));
            Assert.That(await vault.ReserveLiteralAsync(scope, "not a placeholder"), Is.EqualTo("not a placeholder"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_3"));
            string? literal = await vault.OriginalAsync(scope, "EMAIL_1");
            Assert.That(literal, Is.Not.Null);
            Assert.That(literal, Is.EqualTo("EMAIL_1"), "a reserved literal restores to itself");

            // EMAIL_3 now stands for a value, so the literal EMAIL_3 in a later message gets a placeholder of its own.
            string other = await vault.ReserveLiteralAsync(scope, "EMAIL_3");
            Assert.That(other, Is.EqualTo("EMAIL_4"));
            string? restored = await vault.OriginalAsync(scope, other);
            Assert.That(restored, Is.Not.Null);
            Assert.That(restored, Is.EqualTo("EMAIL_3"));
            Assert.That(await vault.ReserveLiteralAsync(scope, "EMAIL_1"), Is.EqualTo("EMAIL_1"), "reserving again changes nothing");
        });
    }

    [Test]
    public async Task Scopes_expire_after_the_sliding_expiry()
    {
        FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        IPseudonymVault vault = CreateVault(time, TimeSpan.FromMinutes(10));
        string scope = await vault.OpenScopeAsync("conv");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org");

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.That((await vault.OriginalAsync(scope, "EMAIL_1")) is not null, Is.True, "used within the expiry");
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.That((await vault.OriginalAsync(scope, "EMAIL_1")) is not null, Is.True, "the previous use renewed it");
        time.Advance(TimeSpan.FromMinutes(10));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await vault.OriginalAsync(scope, "EMAIL_1")) is not null, Is.False, "expired");
            Assert.That(await vault.GetStemsAsync(scope), Is.Empty);
            Assert.That(await vault.OpenScopeAsync("conv"), Is.EqualTo("conv"));
            Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "b@x.org"), Is.EqualTo("EMAIL_1"), "numbering starts afresh");
            string? original = await vault.OriginalAsync(scope, "EMAIL_1");
            Assert.That(original, Is.Not.Null);
            Assert.That(original, Is.EqualTo("b@x.org"));
        });
    }

    [Test]
    public async Task Removed_scope_no_longer_restores()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string scope = await vault.OpenScopeAsync("conv");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org");
        await vault.RemoveScopeAsync(scope);
        Assert.That((await vault.OriginalAsync(scope, "EMAIL_1")) is not null, Is.False);
    }

    [Test]
    public async Task Concurrent_adds_agree_on_one_placeholder_per_value()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string scope = await vault.OpenScopeAsync("conv");
        string[] values = [.. Enumerable.Range(0, 20).Select(i => $"user{i}@x.org")];

        string[][] results = await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            List<string> issued = [];
            for (int i = 0; i < values.Length; i++)
            {
                issued.Add(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, values[(i + (worker * 5)) % values.Length]));
            }

            return issued.ToArray();
        })));

        Dictionary<string, string> byValue = [];
        for (int worker = 0; worker < results.Length; worker++)
        {
            for (int i = 0; i < values.Length; i++)
            {
                string value = values[(i + (worker * 5)) % values.Length];
                string placeholder = results[worker][i];
                Assert.That(byValue.TryAdd(value, placeholder) || byValue[value] == placeholder, Is.True, value);
            }
        }

        Assert.That(byValue.Values.Distinct().Count(), Is.EqualTo(values.Length));
        Assert.That(byValue.Values, Is.EquivalentTo(Enumerable.Range(1, values.Length).Select(n => $"EMAIL_{n}")));
    }
}
