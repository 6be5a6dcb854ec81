using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The guard's second line, with no detector at all: a value masking replaced is found anywhere in what leaves, as a
/// whole word and in any case, however many values share their first characters and wherever the value sits against
/// the sixteen-character blocks the search reads.
/// </summary>
public sealed class EgressGuardLeftoverTests
{
    private static readonly string[] s_names = ["Okafor", "Lindqvist", "Nakamura", "Keller", "Hannah Smith", "Dubois"];

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(6)]
    public void A_masked_value_left_as_a_whole_word_blocks_and_one_inside_a_longer_word_does_not(int count)
    {
        EgressGuard guard = new([]);
        string[] originals = s_names[..count];
        string last = originals[^1];

        Assert.Throws<PrivacyViolationException>(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, $"Please ask {last.ToUpperInvariant()}, who runs PERSON_1's plant.")], null, originals));
        Assert.Throws<PrivacyViolationException>(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, $"{last}")], null, originals));
        Assert.DoesNotThrow(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, $"The {last}ville site and pre{last} plant.")], null, originals));
        Assert.DoesNotThrow(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, "PERSON_1 runs the plant.")], null, originals));
    }

    [TestCase("Please call +44 20 7946 0958 today.", true)]
    [TestCase("+44 20 7946 0958", true)]
    [TestCase("Please call+44 20 7946 0958 today.", false)]
    [TestCase("Frau MÜLLER ist da.", true)]
    [TestCase("Die Großmüller-Werke.", false)]
    [TestCase("Müller2 and Müllerin.", false)]
    [TestCase("Anlage Ärztehaus, Müller.", true)]
    public void Word_starts_follow_any_letter_or_digit_ASCII_or_not(string payload, bool blocked)
    {
        EgressGuard guard = new([]);
        string[] originals = ["+44 20 7946 0958", "Müller"];

        void Check() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, payload)], null, originals);

        if (blocked)
        {
            Assert.Throws<PrivacyViolationException>(Check);
        }
        else
        {
            Assert.DoesNotThrow(Check);
        }
    }

    [Test]
    public void Values_that_share_their_first_characters_are_each_found_at_every_offset_and_only_as_whole_words()
    {
        EgressGuard guard = new([]);
        string[] originals = [.. Enumerable.Range(1, 41).Select(k => $"name{k}@northwind-energy.com"), .. Enumerable.Range(1, 41).Select(k => $"415-555-01{k:00}")];
        string filler = new('x', 40);

        // Every offset against the blocks, the payload's end included, for values that differ only after their prefix.
        foreach (string value in new[] { "name7@northwind-energy.com", "NAME41@NORTHWIND-ENERGY.COM", "415-555-0133" })
        {
            for (int offset = 0; offset < 40; offset++)
            {
                string before = filler[..offset] + " ";
                Assert.Throws<PrivacyViolationException>(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, before + value + " and more text after it.")], null, originals), $"{value} at {offset}");
                Assert.Throws<PrivacyViolationException>(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, before + value)], null, originals), $"{value} at the end, {offset}");
                if (offset > 0)
                {
                    Assert.DoesNotThrow(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, filler[..offset] + value + " glued to a word.")], null, originals), $"{value} inside a word at {offset}");
                }
            }
        }

        // A value's prefix with another ending, and a value that runs on into a longer word, are not leftovers.
        Assert.DoesNotThrow(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, "name42@northwind-energy.com and name1@northwind-energy.community and 415-555-0199")], null, originals));
    }

    [Test]
    public void A_value_starting_beyond_ASCII_or_with_a_surrogate_pair_is_found_in_any_case_inside_non_ASCII_text()
    {
        EgressGuard guard = new([]);
        string[] originals = ["Ørsted Straße 12", "\U00010428\U00010429 Hall"];
        string longPrefix = string.Concat(Enumerable.Repeat("Größe ", 7));

        Assert.Throws<PrivacyViolationException>(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, longPrefix + "ørsted straße 12.")], null, originals));
        Assert.Throws<PrivacyViolationException>(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, longPrefix + "\U00010400\U00010401 HALL")], null, originals));
        Assert.DoesNotThrow(() => guard.ThrowIfSensitive("openai", [new(ChatRole.User, longPrefix + "Ørsted Straße 123")], null, originals));
    }
}
