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
    public void Estimate_ReasoningVerbs_RaiseTheScore_OnlyAsWholeWords()
    {
        double plain = s_estimator.Estimate("Tell me about the history of the printing press in Europe.");
        double reasoning = s_estimator.Estimate("Explain why the printing press spread in Europe, and compare it with China.");
        double embedded = s_estimator.Estimate("Tell me how the printing press improved life in Europe.");

        Assert.Multiple(() =>
        {
            Assert.That(reasoning, Is.GreaterThan(plain + 0.05));
            Assert.That(embedded, Is.LessThan(plain + 0.05), "'improved' must not count as 'prove'");
        });
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

    [TestCase("x", 1, 0, 1)]
    [TestCase("a", 1, 0, 0)]
    [TestCase("Let x = 12.5 and y = 3, then a b", 7, 3, 3)]
    [TestCase("A. 12\nB. 1,000", 2, 3, 0)]
    public void ScanCharacters_CountsWords_Numbers_Variables(string text, int words, int numbers, int variables)
    {
        var features = default(ComplexityEstimator.TextFeatures);
        ComplexityEstimator.ScanCharacters(text, ref features, useVectors: false);

        Assert.Multiple(() =>
        {
            Assert.That(features.Words, Is.EqualTo(words));
            Assert.That(features.Numbers, Is.EqualTo(numbers));
            Assert.That(features.Variables, Is.EqualTo(variables));
        });
    }

    [Test]
    public void ScanCharacters_FindsAVariableAtTheBlockEdge()
    {
        // 'x' is the 64th character: whether it is a one-letter word is only known from the next block.
        string alone = new string(' ', 63) + "x" + new string(' ', 64);
        string word = new string(' ', 63) + "xy" + new string(' ', 63);

        Assert.Multiple(() =>
        {
            Assert.That(Variables(alone, useVectors: true), Is.EqualTo(1));
            Assert.That(Variables(word, useVectors: true), Is.Zero);
            Assert.That(Variables(new string(' ', 63) + "x", useVectors: true), Is.EqualTo(1));
        });

        static long Variables(string text, bool useVectors)
        {
            var features = default(ComplexityEstimator.TextFeatures);
            ComplexityEstimator.ScanCharacters(text, ref features, useVectors);
            return features.Variables;
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
