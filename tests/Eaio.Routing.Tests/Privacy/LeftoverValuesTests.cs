using System.Text;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The guard's index of masked originals answers as a plain search does: a value is found exactly when it stands in the
/// text as a whole word, in any case, whatever the index's filters (first characters folded, the first two characters'
/// table, sixteen or more distinct first characters) rule out on the way.
/// </summary>
[TestFixture]
public sealed class LeftoverValuesTests
{
    // Characters chosen to meet the filters' folding: '@' folds as '`' and '[' as '{', digits and letters share the pair
    // table's buckets, 'é' is beyond ASCII, and both cases of each letter occur.
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABXYZ0123456789@`[{_.-é ";

    [Test]
    public void A_value_is_found_exactly_where_a_plain_whole_word_search_finds_it()
    {
        Random random = new(15);
        int found = 0;
        for (int n = 0; n < 20_000; n++)
        {
            // Up to 60 values, so that some indexes hold more than sixteen distinct first characters.
            string[] values = [.. Enumerable.Range(0, random.Next(1, 60)).Select(_ => Word(random, random.Next(2, 9)))];
            LeftoverValues? index = LeftoverValues.Create(values);

            StringBuilder text = new(Word(random, random.Next(0, 120)));
            if (random.Next(2) == 0)
            {
                string value = values[random.Next(values.Length)];
                string cased = new([.. value.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))]);
                // Mostly between word breaks, sometimes glued to a letter or digit on either side.
                const string Edges = "  .-(a7";
                text.Insert(random.Next(text.Length + 1), Edges[random.Next(Edges.Length)] + cased + Edges[random.Next(Edges.Length)]);
            }

            string payload = text.ToString();
            bool expected = values.Any(v => FoundAsWord(payload, v.Trim()));
            bool actual = index?.Contains(payload) ?? false;
            Assert.That(actual, Is.EqualTo(expected), $"values [{string.Join(" | ", values)}] in \"{payload}\"");
            found += expected ? 1 : 0;
        }

        // The cases are worth something only if both answers occur often.
        Assert.That(found, Is.InRange(2_000, 18_000));
    }

    private static string Word(Random random, int length) =>
        string.Create(length, random, (chars, r) =>
        {
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });

    // Values shorter than four characters are not looked for (the index's documented rule).
    private static bool FoundAsWord(string text, string value)
    {
        if (value.Length < 4)
        {
            return false;
        }

        for (int at = text.IndexOf(value, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            int end = at + value.Length;
            if ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return true;
            }
        }

        return false;
    }
}
