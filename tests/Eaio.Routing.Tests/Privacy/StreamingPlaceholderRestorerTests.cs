using System.Text;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

public sealed class StreamingPlaceholderRestorerTests
{
    private const string Answer =
        "PERSON_1 met PERSON_10 at BUILDING_1 😀EMAIL_1😀; ping IP_ADDRESS_1, not EMAIL_99 nor PERSON_1x or xPERSON_1. 🙂End PERSON_1";

    private const string Restored =
        "Ada met Zoë 🙂 Zed at Panther_office_Hannah 😀ada@x.org😀; ping 10.0.0.1, not EMAIL_99 nor PERSON_1x or xPERSON_1. 🙂End Ada";

    private static string Run(StreamingPlaceholderRestorer restorer, string expected, params string[] chunks)
    {
        StringBuilder output = new();
        foreach (string chunk in chunks)
        {
            string released = restorer.Append(chunk);
            CheckIncrement(released, output, expected);
            output.Append(released);
        }

        string rest = restorer.Flush();
        CheckIncrement(rest, output, expected);
        return output.Append(rest).ToString();
    }

    private static void CheckIncrement(string released, StringBuilder soFar, string expected)
    {
        if (released.Length > 0)
        {
            // Every release is already final: what was emitted so far is always a prefix of the restored answer,
            // so no raw or half placeholder ever went out.
            Assert.That(char.IsHighSurrogate(released[^1]), Is.False, "a release must not end inside a surrogate pair");
            Assert.That(char.IsLowSurrogate(released[0]), Is.False, "a release must not start inside a surrogate pair");
            Assert.That(expected.AsSpan().StartsWith(soFar + released, StringComparison.Ordinal), Is.True,
                $"'{soFar}{released}' is not a prefix of the restored answer");
        }
    }

    [Test]
    public async Task Split_at_every_offset_gives_the_fully_restored_text()
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        Assert.That((await vault.RestorerAsync(scope)).Restore(Answer), Is.EqualTo(Restored));

        for (int i = 0; i <= Answer.Length; i++)
        {
            string output = Run(await vault.StreamingRestorerAsync(scope), Restored, Answer[..i], Answer[i..]);
            Assert.That(output, Is.EqualTo(Restored), $"split at {i}");
        }
    }

    [Test]
    public async Task Split_at_every_pair_of_offsets_gives_the_fully_restored_text()
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        for (int i = 0; i <= Answer.Length; i++)
        {
            for (int j = i; j <= Answer.Length; j++)
            {
                string output = Run(await vault.StreamingRestorerAsync(scope), Restored, Answer[..i], Answer[i..j], Answer[j..]);
                if (output != Restored)
                {
                    Assert.Fail($"split at {i} and {j}: {output}");
                }
            }
        }
    }

    [Test]
    public async Task One_character_per_chunk_gives_the_fully_restored_text()
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        string[] chunks = [.. Answer.Select(c => c.ToString())];
        Assert.That(Run(await vault.StreamingRestorerAsync(scope), Restored, chunks), Is.EqualTo(Restored));
    }

    [Test]
    public async Task Random_chunkings_match_the_whole_restore([Range(0, 199)] int seed)
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        Random random = new(seed);
        string[] pieces = ["PERSON_1", "PERSON_10", "PERSON_", "EMAIL_1", "EMAIL_99", "BUILDING_1", " ", "x", "_", "0", "1", "😀", ".", "NASA", "\n"];
        StringBuilder text = new();
        for (int i = 0; i < 40; i++)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        string answer = text.ToString();
        string expected = (await vault.RestorerAsync(scope)).Restore(answer);
        List<string> chunks = [];
        for (int at = 0; at < answer.Length;)
        {
            int length = Math.Min(answer.Length - at, random.Next(1, 12));
            chunks.Add(answer.Substring(at, length));
            at += length;
        }

        Assert.That(Run(await vault.StreamingRestorerAsync(scope), expected, [.. chunks]), Is.EqualTo(expected), answer);
    }

    [Test]
    public async Task Text_without_placeholders_is_released_at_once_except_a_possible_prefix()
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        StreamingPlaceholderRestorer restorer = await vault.StreamingRestorerAsync(scope);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(restorer.Append("Hello world, "), Is.EqualTo("Hello world, "));
            Assert.That(restorer.Append("lowercase"), Is.EqualTo("lowercase"), "a lower-case word can never become a placeholder");
            Assert.That(restorer.Append(" the NAS"), Is.EqualTo(" the "));
            Assert.That(restorer.HeldLength, Is.EqualTo(3));
            Assert.That(restorer.Append("A box"), Is.EqualTo("NASA box"));
            Assert.That(restorer.Append(" PERS"), Is.EqualTo(" "));
            Assert.That(restorer.Append("ON_1"), Is.Empty, "PERSON_1 may still become PERSON_10");
            Assert.That(restorer.Append("0"), Is.Empty);
            Assert.That(restorer.Append("!"), Is.EqualTo("Zoë 🙂 Zed!"));
            Assert.That(restorer.Append("PERSON_1"), Is.Empty);
            Assert.That(restorer.Flush(), Is.EqualTo("Ada"), "a placeholder at the very end is restored on flush");
            Assert.That(restorer.Append("EMAIL_"), Is.Empty);
            Assert.That(restorer.Flush(), Is.EqualTo("EMAIL_"), "a truncated fragment is flushed verbatim: it is not sensitive");
        });
    }

    [Test]
    public async Task Words_continuing_released_text_are_released()
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        StreamingPlaceholderRestorer restorer = await vault.StreamingRestorerAsync(scope);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(restorer.Append("abc"), Is.EqualTo("abc"));
            Assert.That(restorer.Append("PERSON_1"), Is.EqualTo("PERSON_1"), "it continues the word abc, so it is not a placeholder");
            Assert.That(restorer.Append(" " + new string('A', 60)), Is.EqualTo(" " + new string('A', 60)), "longer than any placeholder");
        });
    }

    [Test]
    public async Task High_surrogate_at_the_end_of_a_chunk_is_held()
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        StreamingPlaceholderRestorer restorer = await vault.StreamingRestorerAsync(scope);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(restorer.Append("a\uD83D"), Is.EqualTo("a"));
            Assert.That(restorer.Append("\uDE00PERSON_1"), Is.EqualTo("😀"));
            Assert.That(restorer.Append("\uD83D"), Is.EqualTo("Ada"));
            Assert.That(restorer.Append("\uDE00"), Is.EqualTo("😀"));
        });
    }
}
