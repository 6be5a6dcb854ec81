using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

/// <summary>What every <see cref="IPseudonymVault"/> must do; each implementation's fixture derives from this.</summary>
public abstract class PseudonymVaultContract
{
    /// <summary>Creates the vault under test.</summary>
    protected abstract IPseudonymVault CreateVault(TimeProvider timeProvider, TimeSpan expiry);

    [Test]
    public void Values_keep_their_placeholder_types_are_numbered_separately_and_case_does_not_matter()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string scope = vault.OpenScope("conv-1");

        Assert.Multiple(() =>
        {
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "b@x.org"), Is.EqualTo("EMAIL_2"));
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Building, "Panther_office_Hannah"), Is.EqualTo("BUILDING_1"));
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(vault.GetOrAddPlaceholder(scope, "email", "a@x.org"), Is.EqualTo("EMAIL_1"), "a type with the same stem shares numbering");
            Assert.That(vault.TryGetOriginal(scope, "EMAIL_2", out string? original), Is.True);
            Assert.That(original, Is.EqualTo("b@x.org"));
            Assert.That(vault.TryGetOriginal(scope, "email_2", out string? lower), Is.True);
            Assert.That(lower, Is.EqualTo("b@x.org"));
            Assert.That(vault.TryGetOriginal(scope, "EMAIL_3", out _), Is.False);
            Assert.That(vault.TryGetOriginal(vault.OpenScope("conv-2"), "EMAIL_1", out _), Is.False, "scopes are separate");
            Assert.That(vault.GetStems(scope), Is.EquivalentTo(new[] { "EMAIL", "BUILDING" }));
        });
    }

    [Test]
    public void Originals_of_a_scope_are_its_issued_values_without_the_reserved_literals()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string scope = vault.OpenScope("conv-originals");
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org");
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.Building, "Panther_office_Hannah");
        _ = vault.ReserveLiteral(scope, "PERSON_7");

        Assert.Multiple(() =>
        {
            Assert.That(vault.GetOriginals(scope), Is.EquivalentTo(new[] { "a@x.org", "Panther_office_Hannah" }));
            Assert.That(vault.GetOriginals(vault.OpenScope("conv-other")), Is.Empty);
            Assert.That(vault.GetOriginals("never-opened"), Is.Empty);
        });
    }

    [Test]
    public void Requests_without_a_conversation_get_fresh_scopes()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string first = vault.OpenScope(null);
        string second = vault.OpenScope(null);
        _ = vault.GetOrAddPlaceholder(first, EntityTypes.Email, "a@x.org");

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Not.EqualTo(second));
            Assert.That(vault.GetOrAddPlaceholder(second, EntityTypes.Email, "other@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(vault.OpenScope("conv-7"), Is.EqualTo("conv-7"));
        });
    }

    [Test]
    public void Literals_are_reserved_in_every_case_and_skipped_by_numbering()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string scope = vault.OpenScope("conv");

        Assert.Multiple(() =>
        {
            Assert.That(vault.ReserveLiteral(scope, "EMAIL_1"), Is.EqualTo("EMAIL_1"));
            Assert.That(vault.ReserveLiteral(scope, "email_2"), Is.EqualTo("email_2"));
            Assert.That(vault.ReserveLiteral(scope, "not a placeholder"), Is.EqualTo("not a placeholder"));
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_3"));
            Assert.That(vault.TryGetOriginal(scope, "EMAIL_1", out string? literal), Is.True);
            Assert.That(literal, Is.EqualTo("EMAIL_1"), "a reserved literal restores to itself");

            // EMAIL_3 now stands for a value, so the literal EMAIL_3 in a later message gets a placeholder of its own.
            string other = vault.ReserveLiteral(scope, "EMAIL_3");
            Assert.That(other, Is.EqualTo("EMAIL_4"));
            Assert.That(vault.TryGetOriginal(scope, other, out string? restored), Is.True);
            Assert.That(restored, Is.EqualTo("EMAIL_3"));
            Assert.That(vault.ReserveLiteral(scope, "EMAIL_1"), Is.EqualTo("EMAIL_1"), "reserving again changes nothing");
        });
    }

    [Test]
    public void Scopes_expire_after_the_sliding_expiry()
    {
        FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        IPseudonymVault vault = CreateVault(time, TimeSpan.FromMinutes(10));
        string scope = vault.OpenScope("conv");
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org");

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.That(vault.TryGetOriginal(scope, "EMAIL_1", out _), Is.True, "used within the expiry");
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.That(vault.TryGetOriginal(scope, "EMAIL_1", out _), Is.True, "the previous use renewed it");
        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Multiple(() =>
        {
            Assert.That(vault.TryGetOriginal(scope, "EMAIL_1", out _), Is.False, "expired");
            Assert.That(vault.GetStems(scope), Is.Empty);
            Assert.That(vault.OpenScope("conv"), Is.EqualTo("conv"));
            Assert.That(vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "b@x.org"), Is.EqualTo("EMAIL_1"), "numbering starts afresh");
            Assert.That(vault.TryGetOriginal(scope, "EMAIL_1", out string? original), Is.True);
            Assert.That(original, Is.EqualTo("b@x.org"));
        });
    }

    [Test]
    public void Removed_scope_no_longer_restores()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string scope = vault.OpenScope("conv");
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org");
        vault.RemoveScope(scope);
        Assert.That(vault.TryGetOriginal(scope, "EMAIL_1", out _), Is.False);
    }

    [Test]
    public async Task Concurrent_adds_agree_on_one_placeholder_per_value()
    {
        IPseudonymVault vault = CreateVault(TimeProvider.System, TimeSpan.FromHours(1));
        string scope = vault.OpenScope("conv");
        string[] values = [.. Enumerable.Range(0, 20).Select(i => $"user{i}@x.org")];

        string[][] results = await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
            values.Select((v, i) => vault.GetOrAddPlaceholder(scope, EntityTypes.Email, values[(i + (worker * 5)) % values.Length])).ToArray())));

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
