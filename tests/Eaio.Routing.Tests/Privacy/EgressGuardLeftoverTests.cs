using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The guard's second line, with no detector at all: a value masking replaced is found anywhere in what leaves, as a
/// whole word and in any case, whether the payload's masked values are few (looked for one by one) or many (one
/// multi-string search).
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
}
