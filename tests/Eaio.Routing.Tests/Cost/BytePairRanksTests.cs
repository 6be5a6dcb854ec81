using System.Text;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Reading an encoding in tiktoken's format and merging by its ranks, on small vocabularies written here; the counts on the
/// real encodings are compared with the library's in <see cref="TiktokenSplitTests"/>.
/// </summary>
public sealed class BytePairRanksTests
{
    [Test]
    public void Lines_with_ranks_or_in_rank_order_after_a_capacity_line_read_alike()
    {
        string[] extra = ["ab", "bc", "abc"];
        BytePairRanks withRanks = Load(string.Join("\r\n", Vocabulary(extra).Select((t, rank) => $"{Convert.ToBase64String(t)} {rank}")));
        BytePairRanks inOrder = Load("Capacity: 259\n" + string.Join("\n", Vocabulary(extra).Select(Convert.ToBase64String)) + "\n");

        foreach (BytePairRanks ranks in new[] { withRanks, inOrder })
        {
            Assert.Multiple(() =>
            {
                Assert.That(ranks.Count, Is.EqualTo(259));
                Assert.That(ranks.Rank("ab"u8), Is.EqualTo(256));
                Assert.That(ranks.Rank("abc"u8), Is.EqualTo(258));
                Assert.That(ranks.Rank("ca"u8), Is.EqualTo(-1));
                Assert.That(ranks.Rank([0xFF]), Is.EqualTo(255));
            });
        }
    }

    [Test]
    public void The_lowest_ranked_pair_merges_first_and_the_leftmost_of_equals()
    {
        // ab (256) merges before bc (257), and a merged pair can merge again (ab c -> abc). With aa ranked first, "aaaa"
        // merges its leftmost aa first and then the other: aa aa, not a aa a.
        BytePairRanks ranks = Load(string.Join("\n", Vocabulary(["ab", "bc", "abc"]).Select(Convert.ToBase64String)));
        BytePairRanks repeats = Load(string.Join("\n", Vocabulary(["aa", "ab", "aab"]).Select(Convert.ToBase64String)));

        Assert.Multiple(() =>
        {
            Assert.That(ranks.CountTokens("abc"u8), Is.EqualTo(1), "a token");
            Assert.That(ranks.CountTokens("abcb"u8), Is.EqualTo(2), "ab, then abc; b");
            Assert.That(ranks.CountTokens("bcab"u8), Is.EqualTo(2));
            Assert.That(ranks.CountTokens("xyz"u8), Is.EqualTo(3), "nothing merges");
            Assert.That(ranks.CountTokens(""u8), Is.Zero);
            Assert.That(repeats.CountTokens("aaaa"u8), Is.EqualTo(2), "aa aa");
            Assert.That(repeats.CountTokens("aaab"u8), Is.EqualTo(2), "aa (leftmost), then ab: aa ab");
            Assert.That(repeats.CountTokens("aab"u8), Is.EqualTo(1), "a token");
        });
    }

    [Test]
    public void A_vocabulary_longer_than_one_read_is_read_whole()
    {
        // 20,000 three-byte tokens: about 100 KB of lines, more than the 64 KB read at a time, so lines span reads.
        List<byte[]> tokens = [.. Vocabulary([])];
        for (int i = 0; tokens.Count < 20_256; i++)
        {
            tokens.Add([(byte)(i >> 16), (byte)(i >> 8), (byte)i]);
        }

        BytePairRanks ranks = Load(string.Join("\n", tokens.Select((t, rank) => $"{Convert.ToBase64String(t)} {rank}")));

        Assert.That(ranks.Count, Is.EqualTo(20_256));
        Assert.That(Enumerable.Range(0, tokens.Count).Where(r => ranks.Rank(tokens[r]) != r), Is.Empty);
    }

    [Test]
    public void A_malformed_line_a_repeated_token_and_a_missing_byte_are_refused_with_where()
    {
        string good = string.Join("\n", Vocabulary([]).Select(Convert.ToBase64String));

        Assert.Multiple(() =>
        {
            Assert.That(() => Load(good + "\nnot base64!"), Throws.TypeOf<InvalidDataException>().With.Message.Contains("Line 257"));
            Assert.That(() => Load(good + "\nYWI= x"), Throws.TypeOf<InvalidDataException>().With.Message.Contains("Line 257"));
            Assert.That(() => Load(good + "\nAA=="), Throws.TypeOf<InvalidDataException>().With.Message.Contains("twice"));
            Assert.That(() => Load(string.Join("\n", Vocabulary([]).Skip(1).Select(Convert.ToBase64String))), Throws.TypeOf<InvalidDataException>().With.Message.Contains("byte 0"));
        });
    }

    // Every single byte, ranked by its value, then the given tokens.
    private static IEnumerable<byte[]> Vocabulary(string[] extra) =>
        Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).Concat(extra.Select(Encoding.ASCII.GetBytes));

    private static BytePairRanks Load(string text) => BytePairRanks.Load(new MemoryStream(Encoding.ASCII.GetBytes(text)));
}
