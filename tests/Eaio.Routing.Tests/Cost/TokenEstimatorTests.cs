using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>Input tokens are counted with the tokenizer of the model's family, plus OpenAI's message framing.</summary>
public sealed class TokenEstimatorTests
{
    private static readonly Tokenizer s_o200k = TiktokenTokenizer.CreateForModel("gpt-4o");
    private static readonly Tokenizer s_cl100k = TiktokenTokenizer.CreateForModel("gpt-3.5-turbo");

    // Text where the two encodings disagree: o200k is much better at non-English text.
    private const string German = "Der Stromverbrauch des Gebäudes ist im Winter gestiegen, besonders nachts in der Heizperiode.";

    [TestCase("gpt-4o", "o200k_base")]
    [TestCase("gpt-4o-mini", "o200k_base")]
    [TestCase("o3-mini", "o200k_base")]
    [TestCase("gpt-4.1", "o200k_base")]
    [TestCase("gpt-3.5-turbo", "cl100k_base")]
    [TestCase("deepseek-chat", "cl100k_base")]
    [TestCase("gemini-1.5-pro", "cl100k_base")]
    [TestCase("claude-3-5-sonnet-latest", "cl100k_base")]
    [TestCase("mistral-large-latest", "cl100k_base")]
    public void Each_model_family_is_counted_with_its_encoding(string model, string encoding) =>
        Assert.That(TokenEstimator.EncodingFor(model), Is.EqualTo(encoding));

    [Test]
    public void Counts_are_the_tokenizers_own()
    {
        Assert.That(s_o200k.CountTokens(German), Is.Not.EqualTo(s_cl100k.CountTokens(German)), "the sample separates the encodings");
        Assert.That(TokenEstimator.CountTokens(German, "gpt-4o"), Is.EqualTo(s_o200k.CountTokens(German)));
        Assert.That(TokenEstimator.CountTokens(German, "gpt-3.5-turbo"), Is.EqualTo(s_cl100k.CountTokens(German)));
        Assert.That(TokenEstimator.CountTokens(string.Empty, "gpt-4o"), Is.Zero);
    }

    [Test]
    public void A_single_hi_is_eight_prompt_tokens_as_OpenAI_bills_it()
    {
        // OpenAI's recipe: 3 framing + 1 role ("user") + 1 content ("hi") + 3 for the reply = 8, what the API reports.
        Assert.That(TokenEstimator.EstimateInputTokens([new ChatMessage(ChatRole.User, "hi")], null, "gpt-4o"), Is.EqualTo(8));
    }

    [Test]
    public void Instructions_tools_images_calls_and_results_all_count()
    {
        ChatMessage[] text = [new(ChatRole.User, German)];
        int baseline = TokenEstimator.EstimateInputTokens(text, null, "gpt-4o");
        AIFunction tool = AIFunctionFactory.Create((string buildingId) => 42.0, "eui", "Energy use intensity of a building in kWh/m²/year.");

        int withInstructions = TokenEstimator.EstimateInputTokens(text, new ChatOptions { Instructions = "Answer briefly." }, "gpt-4o");
        int withTool = TokenEstimator.EstimateInputTokens(text, new ChatOptions { Tools = [tool] }, "gpt-4o");
        int withImage = TokenEstimator.EstimateInputTokens(
            [new ChatMessage(ChatRole.User, [new TextContent(German), new DataContent(new byte[] { 1, 2, 3 }, "image/png")])], null, "gpt-4o");
        int withCall = TokenEstimator.EstimateInputTokens(
            [.. text, new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "eui", new Dictionary<string, object?> { ["buildingId"] = "Panther_office_Hannah" })]),
             new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", new { eui = 212.5, unit = "kWh/m2/yr" })])], null, "gpt-4o");

        Assert.That(withInstructions, Is.EqualTo(baseline + 3 + s_o200k.CountTokens("Answer briefly.")));
        Assert.That(withTool - baseline, Is.GreaterThan(s_o200k.CountTokens(tool.Description)));
        Assert.That(withImage, Is.EqualTo(baseline + TokenEstimator.ImageTokens));
        Assert.That(withCall - baseline, Is.GreaterThan(2 * (3 + 1) + s_o200k.CountTokens("Panther_office_Hannah")));
    }
}
