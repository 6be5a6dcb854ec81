using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

[TestFixture]
public sealed class ComplexityEstimatorTests
{
    private const string Greeting = "hi";

    private const string WordProblem =
        "A bakery sells 12 muffins per tray and bakes 7 trays every morning. It sells 3/4 of the muffins at $2.50 each "
        + "and donates the rest. After paying $45 for ingredients, how much profit does it make in a 5-day week?";

    private const string ProofRequest =
        "Prove that there are infinitely many primes p with p = 3 (mod 4). Derive the argument step by step, "
        + "explain why the same proof fails for p = 1 (mod 4), and compare it with the proof via Dirichlet's theorem.";

    private static readonly ComplexityEstimator s_estimator = ComplexityEstimator.Default;

    [TestCase("")]
    [TestCase(Greeting)]
    [TestCase(WordProblem)]
    [TestCase(ProofRequest)]
    [TestCase("∑ x² ≤ ∫ f(x) dx × π ≠ ∞ ; éàü ЖЖЖ 日本語")]
    public void Estimate_IsWithinZeroAndOne(string text)
    {
        double score = s_estimator.Estimate(text);

        Assert.That(score, Is.InRange(0.0, 1.0));
    }

    [Test]
    public void Estimate_StaysWithinZeroAndOne_ForExtremeInput()
    {
        string huge = string.Concat(Enumerable.Repeat("prove 1+2=x ", 100_000));
        string longWords = string.Concat(Enumerable.Repeat("incomprehensibilities ", 1_000));

        Assert.Multiple(() =>
        {
            Assert.That(s_estimator.Estimate(huge), Is.InRange(0.0, 1.0));
            Assert.That(s_estimator.Estimate(longWords), Is.InRange(0.0, 1.0));
        });
    }

    [Test]
    public void Estimate_EmptyText_IsLow()
    {
        Assert.That(s_estimator.Estimate(ReadOnlySpan<char>.Empty), Is.LessThan(0.1));
    }

    [Test]
    public void Estimate_OrdersGreeting_WordProblem_Proof()
    {
        double greeting = s_estimator.Estimate(Greeting);
        double wordProblem = s_estimator.Estimate(WordProblem);
        double proof = s_estimator.Estimate(ProofRequest);
        TestContext.Out.WriteLine($"greeting {greeting:F3}, word problem {wordProblem:F3}, proof {proof:F3}");

        Assert.Multiple(() =>
        {
            Assert.That(greeting, Is.LessThan(0.1));
            Assert.That(wordProblem, Is.GreaterThan(greeting + 0.2));
            Assert.That(proof, Is.GreaterThan(wordProblem));
        });
    }

    [Test]
    public void Estimate_LongerText_ScoresHigher_AndLongWords_ScoreLower()
    {
        const string Short = "Why is the sky blue?";
        const string Long = "Why is the sky blue at noon but red at dusk, and why does the sun look white from space, "
            + "when the air and the light are the same in all three cases?";
        const string LongWords = "Characterise atmospheric Rayleigh scattering mechanisms.";

        Assert.Multiple(() =>
        {
            Assert.That(s_estimator.Estimate(Long), Is.GreaterThan(s_estimator.Estimate(Short) + 0.1));
            Assert.That(s_estimator.Estimate(LongWords), Is.LessThan(s_estimator.Estimate(Short)));
        });
    }

    [Test]
    public void Estimate_HasNoKeywordList()
    {
        // Reasoning verbs carried no signal on the RouteLLM data and were removed: only the shape of the text counts.
        double reasoning = s_estimator.Estimate("Prove it step by step, then explain why.");
        double plain = s_estimator.Estimate("Carry it stop by stop, then explore how.");

        Assert.That(reasoning, Is.EqualTo(plain));
    }

    [Test]
    public void Estimate_IsDeterministic_AndIndependentOfTheSpanOrigin()
    {
        string text = "  " + WordProblem + "  ";

        Assert.That(s_estimator.Estimate(text.AsSpan(2, WordProblem.Length)), Is.EqualTo(s_estimator.Estimate(WordProblem)));
    }

    [Test]
    public void VectorAndScalarScans_Agree()
    {
        // Lengths around the 64-character block edge, one-letter words and numbers straddling it, non-ASCII operators.
        var random = new Random(12345);
        const string Alphabet = "abcxyzABZ0123456789 +-*/=^<>%.,;:?()\n×≤∑éЖ";
        for (int round = 0; round < 500; round++)
        {
            int length = random.Next(0, 300);
            char[] chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                chars[i] = Alphabet[random.Next(Alphabet.Length)];
            }

            var vector = default(ComplexityEstimator.TextFeatures);
            var scalar = default(ComplexityEstimator.TextFeatures);
            ComplexityEstimator.ScanCharacters(chars, ref vector, useVectors: true);
            ComplexityEstimator.ScanCharacters(chars, ref scalar, useVectors: false);

            Assert.That(vector, Is.EqualTo(scalar), new string(chars));
        }
    }

    [TestCase("x", 1, 0)]
    [TestCase("", 0, 0)]
    [TestCase("Let x = 12.5 and y = 3, then a b", 7, 3)]
    [TestCase("A. 12\nB. 1,000", 2, 3)]
    public void ScanCharacters_CountsWords_Numbers(string text, int words, int numbers)
    {
        var features = default(ComplexityEstimator.TextFeatures);
        ComplexityEstimator.ScanCharacters(text, ref features, useVectors: false);

        Assert.Multiple(() =>
        {
            Assert.That(features.Words, Is.EqualTo(words));
            Assert.That(features.Numbers, Is.EqualTo(numbers));
        });
    }

    [Test]
    public void ScanCharacters_CountsAWordOrNumberAcrossTheBlockEdge_Once()
    {
        // Characters 63 and 64 fall in different 64-character blocks.
        string word = new string(' ', 63) + "xy" + new string(' ', 63);
        string number = new string(' ', 63) + "12" + new string(' ', 63);

        Assert.Multiple(() =>
        {
            Assert.That(Scan(word).Words, Is.EqualTo(1));
            Assert.That(Scan(number).Numbers, Is.EqualTo(1));
        });

        static ComplexityEstimator.TextFeatures Scan(string text)
        {
            var features = default(ComplexityEstimator.TextFeatures);
            ComplexityEstimator.ScanCharacters(text, ref features, useVectors: true);
            return features;
        }
    }

    [Test]
    public void Estimate_Messages_NullThrows()
    {
        Assert.Throws<ArgumentNullException>(() => s_estimator.Estimate((IEnumerable<ChatMessage>)null!));
    }

    [Test]
    public void Estimate_Messages_ScoresUserTextOnly_AndTheLastUserMessageDominates()
    {
        var single = new[] { new ChatMessage(ChatRole.User, ProofRequest) };
        var withNoise = new[]
        {
            new ChatMessage(ChatRole.System, "You are a helpful assistant. " + ProofRequest),
            new ChatMessage(ChatRole.User, ProofRequest),
            new ChatMessage(ChatRole.Assistant, ProofRequest),
        };
        var easyLast = new[]
        {
            new ChatMessage(ChatRole.User, ProofRequest),
            new ChatMessage(ChatRole.Assistant, "Here is the proof."),
            new ChatMessage(ChatRole.User, "thanks!"),
        };

        double proofAlone = s_estimator.Estimate(ProofRequest);
        double thanksAlone = s_estimator.Estimate("thanks!");

        Assert.Multiple(() =>
        {
            Assert.That(s_estimator.Estimate(single), Is.EqualTo(proofAlone).Within(1e-12));
            Assert.That(s_estimator.Estimate(withNoise), Is.EqualTo(proofAlone).Within(1e-12));
            Assert.That(s_estimator.Estimate(easyLast), Is.GreaterThan(thanksAlone).And.LessThan((thanksAlone + proofAlone) / 2));
            Assert.That(s_estimator.Estimate(Array.Empty<ChatMessage>()), Is.EqualTo(s_estimator.Estimate(string.Empty)));
        });
    }

    [Test]
    public void Estimate_Messages_ReadsEveryTextPart()
    {
        var parts = new ChatMessage(ChatRole.User, [new TextContent(WordProblem), new DataContent(new byte[] { 1, 2, 3 }, "image/png"), new TextContent(ProofRequest)]);
        var first = new ChatMessage(ChatRole.User, WordProblem);

        Assert.That(s_estimator.Estimate([parts]), Is.GreaterThan(s_estimator.Estimate([first])));
    }
}
