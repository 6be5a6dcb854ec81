using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The hand-written splits of <c>o200k_base</c> and <c>cl100k_base</c> give the pieces the library's regexes give, and
/// the estimator's counts are the library's own: on the repository's data, on every UTF-16 unit and on seeded random
/// text.
/// </summary>
public sealed class TiktokenSplitTests
{
    private const int RandomTexts = 4000;

    private static readonly TiktokenTokenizer s_o200k = TiktokenTokenizer.CreateForEncoding("o200k_base");
    private static readonly TiktokenTokenizer s_cl100k = TiktokenTokenizer.CreateForEncoding("cl100k_base");

    // Pieces the random text is made of: each class the patterns tell apart, and the places where they meet.
    private static readonly string[] s_fragments =
    [
        "a", "e", "the", "Word", "WORD", "iPhone", "McDonald", "x", "Z", "q", "hello", "ABCdef", "abcDEF",
        "0", "7", "42", "123", "4567", "3.14", "1,000",
        " ", "  ", "   ", "\t", "\n", "\r", "\r\n", "\n\n", " \n ", "\t\t", "\v", "\f", "\u00A0", "\u2028", "\u3000", "\u0085",
        "'", "'s", "'S", "'t", "'T", "'re", "'RE", "'Re", "'ve", "'VE", "'m", "'M", "'ll", "'LL", "'lL", "'d", "'D", "'x", "'", "\u2019s",
        ".", ",", "!", "?", "...", "-", "--", "/", "//", "\\", "(", ")", "[", "]", "{", "}", "\"", "#", "$", "%", "&", "*", "+",
        "=", "<", ">", "@", "^", "_", "`", "|", "~", ":", ";", "<|", "|>", "<|endoftext", "endoftext|>", "/\n", "/\r\n",
        "é", "É", "ñ", "Ångström", "straße", "ß", "ǅ", "ǈ", "ᾈ", "ʰ", "ˆ", "ſ", "\u212A", "İ", "ı", "Ω", "ω",
        "中文", "日本語", "한국어", "ไทย", "שלום", "مرحبا", "Привет", "ПРИВЕТ",
        "\u0301", "e\u0301", "E\u0301", "\u0308", "\u20DD", "\u0903", "\u093F", "क\u093F",
        "½", "²", "Ⅻ", "٣", "١٢٣٤", "①",
        "😀", "👍🏽", "𝔘", "𝔲", "🇩🇪", "\uD800", "\uDC00", "\uDBFF\uDBFF", "\u0000", "\u200B", "\uFEFF", "\uFFFD",
    ];

    private static readonly string[] s_specialTexts =
    [
        "<|endoftext|>", "a<|endoftext|>b", "<|endoftext|><|endofprompt|>", "Hello <|endoftext|> world", "  <|endoftext|>  ",
        "x\n<|endofprompt|>\n", "<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>", "<|endoftext", "<|<|endoftext|>|>",
    ];

    [TestCase("gpt-4o")]
    [TestCase("gpt-3.5-turbo")]
    public void The_special_tokens_are_the_libraries(string model) =>
        Assert.That(Ours(model).SpecialTokens, Is.EquivalentTo(Library(model).SpecialTokens!));

    [TestCase("gpt-4o")]
    [TestCase("gpt-3.5-turbo")]
    public void Splits_and_counts_match_the_library_on_the_repository_data(string model)
    {
        TiktokenTokenizer library = Library(model);
        foreach (string text in RepositoryTexts())
        {
            AssertSameSplits(model, text);
            Assert.That(TokenEstimator.CountTokens(text, model), Is.EqualTo(library.CountTokens(text)), Describe(text));
        }
    }

    [TestCase("gpt-4o")]
    [TestCase("gpt-3.5-turbo")]
    public void Splits_match_the_library_around_every_utf16_unit(string model)
    {
        // Each unit in the places the patterns look at: before and after letters of either case, after a space or a
        // symbol, doubled, before a contraction and before a line break or the end.
        string[] templates = ["a{0}b", "A{0}a", " {0}{0}x", "{0}'s", "{0}'LL", "1{0}2", "'{0}", "\n{0} ", "  {0}", ".{0}/\n", "{0}"];
        foreach (string template in templates)
        {
            StringBuilder text = new();
            for (int unit = 0; unit <= char.MaxValue; unit++)
            {
                text.Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, (char)unit));
                if (text.Length > 64_000 || unit == char.MaxValue)
                {
                    AssertSameSplits(model, text.ToString());
                    text.Clear();
                }
            }
        }
    }

    [TestCase("gpt-4o")]
    [TestCase("gpt-3.5-turbo")]
    public void Splits_and_counts_match_the_library_on_seeded_random_text(string model)
    {
        TiktokenTokenizer library = Library(model);
        Random random = new(20261125);
        for (int i = 0; i < RandomTexts; i++)
        {
            StringBuilder text = new();
            int fragments = random.Next(1, 40);
            for (int f = 0; f < fragments; f++)
            {
                text.Append(s_fragments[random.Next(s_fragments.Length)]);
            }

            AssertSameSplits(model, text.ToString());
            Assert.That(TokenEstimator.CountTokens(text.ToString(), model), Is.EqualTo(library.CountTokens(text.ToString())), Describe(text.ToString()));
        }
    }

    [TestCase("gpt-4o")]
    [TestCase("gpt-3.5-turbo")]
    public void Long_pieces_and_lone_surrogates_count_as_the_library_counts_them(string model)
    {
        // Pieces past the counter's stack buffers (256 bytes), merged in thousands of steps, and surrogates without
        // their other half, which the library encodes as their own three bytes rather than as U+FFFD.
        Random random = new(20261207);
        string letters = new([.. Enumerable.Range(0, 3000).Select(_ => "etaoinshrdlu"[random.Next(12)])]);
        string[] texts =
        [
            new string('a', 3000),
            letters,
            " " + letters.ToUpperInvariant(),
            new([.. Enumerable.Range(0, 1500).Select(_ => (char)random.Next(0x4E00, 0x9FFF))]),
            new([.. Enumerable.Range(0, 600).Select(_ => (char)random.Next(0xD800, 0xE000))]),
            "x\uD800y \uDFFF\uDFFF z\uDBFF",
            string.Concat(Enumerable.Repeat("\u00E9\uD83D", 400)),
        ];
        foreach (string text in texts)
        {
            Assert.That(TokenEstimator.CountTokens(text, model), Is.EqualTo(NewLibrary(model).CountTokens(text)), Describe(text));
        }
    }

    [TestCase("gpt-4o")]
    [TestCase("gpt-3.5-turbo")]
    public void Special_tokens_are_pieces_of_their_own_and_count_as_one(string model)
    {
        foreach (string text in s_specialTexts)
        {
            AssertSameSplits(model, text);

            // A new tokenizer: the library keeps special tokens in its word cache, from which enough other words evict them.
            Assert.That(TokenEstimator.CountTokens(text, model), Is.EqualTo(NewLibrary(model).CountTokens(text)), Describe(text));
        }
    }

    [Test]
    public void The_comparison_tells_a_deviating_split_apart()
    {
        // o200k splits "HelloWorld" and keeps "don't" whole where cl100k does not: the checks above would see a splitter
        // that followed the wrong pattern, or got a branch wrong.
        const string Text = "HelloWorld don't CAPS42";
        IEnumerable<(int, int)> o200k = Ours("gpt-4o").PreTokenizer!.PreTokenize(Text);
        IEnumerable<(int, int)> cl100k = Library("gpt-3.5-turbo").PreTokenizer!.PreTokenize(Text);

        Assert.That(o200k, Is.Not.EqualTo(cl100k));
        Assert.That(Pieces(Text, o200k), Is.EqualTo(new[] { "Hello", "World", " don't", " CAPS", "42" }));
    }

    private static void AssertSameSplits(string model, string text)
    {
        (int Offset, int Length)[] expected = [.. Library(model).PreTokenizer!.PreTokenize(text)];
        (int Offset, int Length)[] actual = [.. Ours(model).PreTokenizer!.PreTokenize(text)];
        (int Offset, int Length)[] fromSpan = [.. Ours(model).PreTokenizer!.PreTokenize(text.AsSpan())];
        if (!expected.SequenceEqual(actual) || !expected.SequenceEqual(fromSpan))
        {
            int at = 0;
            while (at < Math.Min(expected.Length, actual.Length) && expected[at] == actual[at])
            {
                at++;
            }

            Assert.Fail($"{model}: piece {at} differs: the library has {Show(text, expected, at)}, the split has {Show(text, actual, at)}; {Describe(text)}");
        }
    }

    private static string Show(string text, (int Offset, int Length)[] pieces, int at) =>
        at < pieces.Length ? Escape(text.Substring(pieces[at].Offset, pieces[at].Length)) + " at " + pieces[at].Offset : "nothing";

    private static string Describe(string text) => "text " + Escape(text.Length > 200 ? text[..200] + "…" : text);

    private static string Escape(string text) => JsonSerializer.Serialize(text);

    private static string[] Pieces(string text, IEnumerable<(int Offset, int Length)> pieces) =>
        [.. pieces.Select(p => text.Substring(p.Offset, p.Length))];

    private static TokenCounter Ours(string model) => TokenEstimator.CounterFor(model);

    private static TiktokenTokenizer Library(string model) => UsesO200k(model) ? s_o200k : s_cl100k;

    private static TiktokenTokenizer NewLibrary(string model) => TiktokenTokenizer.CreateForEncoding(TokenEstimator.EncodingFor(model));

    private static bool UsesO200k(string model) => TokenEstimator.EncodingFor(model) == "o200k_base";

    // Every text file under data/routellm and data/pii-testdata, the BDG2 CSVs, each of them whole and line by line,
    // and the prompts of the JSON Lines files as the text they hold.
    private static IEnumerable<string> RepositoryTexts()
    {
        IEnumerable<string> files = Directory.EnumerateFiles(RepositoryPaths.Data("routellm"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(RepositoryPaths.Data("pii-testdata")))
            .Concat(Directory.EnumerateFiles(RepositoryPaths.Data("bdg2"), "*.csv"))
            .Order(StringComparer.Ordinal);
        foreach (string file in files)
        {
            string text = File.ReadAllText(file);
            yield return text;
            foreach (string line in text.Split('\n'))
            {
                yield return line;
            }

            if (file.EndsWith(".jsonl", StringComparison.Ordinal))
            {
                foreach (string line in File.ReadLines(file))
                {
                    foreach (JsonProperty property in JsonDocument.Parse(line).RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                    {
                        yield return property.Value.GetString()!;
                    }
                }
            }
        }
    }
}
