using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The vector walk of <see cref="DocumentMarks"/> finds exactly the places a character-by-character reading finds: a capital
/// touching a digit, two fillers in a row, a MICR symbol; in ASCII windows (tested on bytes) and in others.
/// </summary>
[TestFixture]
public sealed class DocumentMarksTests
{
    [Test]
    public void Every_mark_is_found_in_order_and_nothing_else()
    {
        Random random = new(2446);

        // Mostly ASCII, so both kinds of window are met: 'é' and the symbols make a window take the other path, and 'ņ'
        // (U+0146) and 'Ȇ' (U+0206) are the characters whose low byte is a letter or a filler.
        const string Ascii = "0123456789ABCXYZ<<<abcz  -._:";
        const string Other = "é⑆⑇⑈⑉ņȆ\u203C";
        int marks = 0;
        for (int n = 0; n < 20_000; n++)
        {
            string text = new([.. Enumerable.Range(0, random.Next(0, 260)).Select(_ =>
                random.Next(40) == 0 ? Other[random.Next(Other.Length)] : Ascii[random.Next(Ascii.Length)])]);
            List<int> expected = [];
            for (int i = 0; i < text.Length; i++)
            {
                if (IsMark(text, i))
                {
                    expected.Add(i);
                }
            }

            List<int> found = [];
            for (int at = DocumentMarks.Next(text, 0); at >= 0; at = DocumentMarks.Next(text, at + 1))
            {
                found.Add(at);
            }

            Assert.That(found, Is.EqualTo(expected), text);
            marks += expected.Count;
        }

        Assert.That(marks, Is.GreaterThan(100_000));
    }

    [Test]
    public void Prose_with_neither_capitals_next_to_digits_nor_fillers_has_no_mark()
    {
        string prose = string.Concat(Enumerable.Repeat("The chiller ran at 78 % in March; the CO2 level was fine and the boiler cycled. ", 100));
        List<int> found = [];
        for (int at = DocumentMarks.Next(prose, 0); at >= 0; at = DocumentMarks.Next(prose, at + 1))
        {
            found.Add(at);
        }

        // "CO2" once in each sentence: its '2' after the 'O'.
        Assert.That(found, Has.Count.EqualTo(100));
        Assert.That(found.Select(at => prose[(at - 1)..(at + 1)]), Is.All.EqualTo("O2"));
    }

    private static bool IsMark(string text, int i)
    {
        char c = text[i];
        if (c is >= '\u2446' and <= '\u2449')
        {
            return true;
        }

        if (i == 0)
        {
            return false;
        }

        char before = text[i - 1];
        return (char.IsAsciiDigit(c) && char.IsAsciiLetterUpper(before)) || (char.IsAsciiLetterUpper(c) && char.IsAsciiDigit(before))
            || (c == '<' && before == '<');
    }
}
