using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The vector walk over runs of three or more digits finds exactly the runs a character-by-character reading finds.</summary>
[TestFixture]
public sealed class LongDigitRunsTests
{
    [Test]
    public void Every_run_of_three_digits_is_visited_once_at_its_start()
    {
        Random random = new(3);
        const string Alphabet = "0123456789012345678901234567890123456789 -.,abcXYZé\n";
        for (int n = 0; n < 20_000; n++)
        {
            string text = new([.. Enumerable.Range(0, random.Next(0, 140)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            List<int> expected = [];
            for (int i = 0; i + 2 < text.Length; i++)
            {
                if (char.IsAsciiDigit(text[i]) && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2]) && (i == 0 || !char.IsAsciiDigit(text[i - 1])))
                {
                    expected.Add(i);
                }
            }

            Recorder recorder = new([]);
            LongDigitRuns.Visit(text, ref recorder);
            Assert.That(recorder.Starts, Is.EqualTo(expected), text);
        }
    }

    [Test]
    public void A_visitor_skips_the_runs_before_where_it_resumes()
    {
        string text = "id 123 456 789 and 012 then 345 6789";
        Skipper skipper = new([]);
        LongDigitRuns.Visit(text, ref skipper);
        // The visitor asks to resume after "123 456 789 and" at each visit: 456 and 789 are skipped, the rest visited.
        Assert.That(skipper.Starts.Select(s => text.Substring(s, 3)), Is.EqualTo(new[] { "123", "012", "345", "678" }));
    }

    private readonly struct Recorder(List<int> starts) : ILongDigitRunVisitor
    {
        public List<int> Starts => starts;

        public int AtRun(ReadOnlySpan<char> text, int run, int resume)
        {
            starts.Add(run);
            return run + 1;
        }
    }

    private readonly struct Skipper(List<int> starts) : ILongDigitRunVisitor
    {
        public List<int> Starts => starts;

        public int AtRun(ReadOnlySpan<char> text, int run, int resume)
        {
            starts.Add(run);
            int and = text[run..].IndexOf(" and", StringComparison.Ordinal);
            return and < 0 ? run + 1 : run + and + 4;
        }
    }
}
