using Microsoft.ML.Tokenizers;

namespace Eaio.Routing;

/// <summary>Counts the tokens of a text exactly as an encoding of Microsoft.ML.Tokenizers does (thread-safe).</summary>
internal abstract class TokenCounter
{
    /// <summary>Counts the tokens of a text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The count, the same as <see cref="Microsoft.ML.Tokenizers.Tokenizer.CountTokens(ReadOnlySpan{char}, bool, bool)"/> gives.</returns>
    public abstract int Count(ReadOnlySpan<char> text);

    /// <summary>Gets the counter's split of a text into pieces, as the library's pre-tokenizer for the encoding.</summary>
    public abstract PreTokenizer PreTokenizer { get; }

    /// <summary>Gets the encoding's special tokens and their ids.</summary>
    public abstract IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>Creates the counter of <c>o200k_base</c>, with the encoding's data and special tokens as the library ships them.</summary>
    /// <returns>The counter.</returns>
    public static TokenCounter CreateO200kBase() => new TiktokenCounter<O200kPattern>(
        "Microsoft.ML.Tokenizers.Data.O200kBase",
        "o200k_base.tiktoken.deflate",
        new Dictionary<string, int> { ["<|endoftext|>"] = 199999, ["<|endofprompt|>"] = 200018 });

    /// <summary>Creates the counter of <c>cl100k_base</c>, with the encoding's data and special tokens as the library ships them.</summary>
    /// <returns>The counter.</returns>
    public static TokenCounter CreateCl100kBase() => new TiktokenCounter<Cl100kPattern>(
        "Microsoft.ML.Tokenizers.Data.Cl100kBase",
        "cl100k_base.tiktoken.deflate",
        new Dictionary<string, int>
        {
            ["<|endoftext|>"] = 100257,
            ["<|fim_prefix|>"] = 100258,
            ["<|fim_middle|>"] = 100259,
            ["<|fim_suffix|>"] = 100260,
            ["<|endofprompt|>"] = 100276,
        });
}
