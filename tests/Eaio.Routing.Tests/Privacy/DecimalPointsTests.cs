using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The vector search for decimal points passes over no '.' that has a digit on both sides.</summary>
[TestFixture]
public sealed class DecimalPointsTests
{
    [Test]
    public void Every_point_between_two_digits_is_found_in_order()
    {
        Random random = new(7);

        // Dots, ASCII digits, Arabic-Indic and full-width digits (char.IsDigit), letters and a character beyond ASCII
        // that is no digit.
        const string Alphabet = "....0123456789abc ,-\u0663\u0664\uFF11é";
        int points = 0;
        for (int n = 0; n < 20_000; n++)
        {
            char[] chars = new char[random.Next(0, 90)];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[random.Next(Alphabet.Length)];
            }

            string text = new(chars);
            List<int> found = [];
            int from = random.Next(0, 3);
            for (int at = DecimalPoints.Next(text, from); at >= 0; at = DecimalPoints.Next(text, at + 1))
            {
                Assert.That(text[at], Is.EqualTo('.'), text);
                Assert.That(found.Count == 0 || at > found[^1], Is.True, text);
                found.Add(at);
            }

            for (int i = Math.Max(from, 1); i < text.Length - 1; i++)
            {
                if (text[i] == '.' && char.IsDigit(text[i - 1]) && char.IsDigit(text[i + 1]))
                {
                    points++;
                    Assert.That(found, Does.Contain(i), $"the point at {i} of \"{text}\"");
                }
            }
        }

        Assert.That(points, Is.GreaterThan(10_000));
    }
}
