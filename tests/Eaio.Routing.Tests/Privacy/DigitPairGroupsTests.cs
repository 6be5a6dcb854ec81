using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The 64-character mask walk finds exactly the starts of three pairs of digits a character-by-character reading finds.</summary>
[TestFixture]
public sealed class DigitPairGroupsTests
{
    [Test]
    public void Every_start_of_three_pairs_is_found_in_order_and_nothing_else()
    {
        Random random = new(11);
        const string Alphabet = "0123456789012345678901234567890123456789  --.,/:AB";
        int starts = 0;
        for (int n = 0; n < 20_000; n++)
        {
            string text = new([.. Enumerable.Range(0, random.Next(0, 200)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            if (random.Next(2) == 0)
            {
                // Three pairs at a random place, so that every offset against the 64-character windows is met.
                char separator = random.Next(2) == 0 ? ' ' : '-';
                string pairs = $"{random.Next(100):00}{separator}{random.Next(100):00}{separator}{random.Next(100):00}";
                text = text.Insert(random.Next(text.Length + 1), pairs);
            }

            List<int> expected = [];
            for (int i = 0; i < text.Length; i++)
            {
                if (IsStart(text, i))
                {
                    expected.Add(i);
                }
            }

            List<int> found = [];
            for (int at = DigitPairGroups.Next(text, 0); at >= 0; at = DigitPairGroups.Next(text, at + 1))
            {
                found.Add(at);
            }

            Assert.That(found, Is.EqualTo(expected), text);
            starts += expected.Count;
        }

        Assert.That(starts, Is.GreaterThan(1_000));
    }

    // Two digits not after a digit, '-', '.', '/' or ','; then the same separator (space or hyphen) before two more digits, twice.
    private static bool IsStart(string text, int i) =>
        i + 7 < text.Length && (i == 0 || !(char.IsAsciiDigit(text[i - 1]) || text[i - 1] is '-' or '.' or '/' or ','))
        && char.IsAsciiDigit(text[i]) && char.IsAsciiDigit(text[i + 1]) && text[i + 2] is ' ' or '-'
        && char.IsAsciiDigit(text[i + 3]) && char.IsAsciiDigit(text[i + 4]) && text[i + 5] == text[i + 2]
        && char.IsAsciiDigit(text[i + 6]) && char.IsAsciiDigit(text[i + 7]);
}
