using System.IO.Compression;
using System.Reflection;
using Microsoft.ML.Tokenizers;

namespace Eaio.Routing;

/// <summary>
/// Counts tokens with Microsoft.ML.Tokenizers' <see cref="TiktokenTokenizer"/> (its vocabulary, byte-pair merges and
/// cache) behind a hand-written split of the encoding's regex, and counts the pieces that are one whole token of the
/// vocabulary without asking the tokenizer.
/// </summary>
/// <remarks>
/// <para>
/// The tokenizer counts a text piece by piece, and the count of a piece depends on the piece alone: its cache holds the
/// merges of the same piece, its vocabulary answers one token for a whole entry, and otherwise the merges are computed.
/// So a piece whose count the tokenizer gave as one when this counter was built is one token every time.
/// </para>
/// <para>
/// A special token counts as one, which is what the tokenizer answers from its cache when it is created. (It keeps
/// them in the same least-recently-used cache as other words, so once 8,192 other words have pushed one out it counts
/// the special token's characters instead; this counter does not follow it there.)
/// </para>
/// <para>
/// On 8 KB of English about 96 % of the pieces are whole tokens; those cost a hash lookup here instead of the
/// tokenizer's locked cache lookup and vocabulary lookup, the rest go to the tokenizer one by one.
/// </para>
/// </remarks>
/// <typeparam name="TPattern">The encoding's split.</typeparam>
internal sealed class TiktokenCounter<TPattern> : TokenCounter
    where TPattern : struct, ITiktokenPattern
{
    private readonly TiktokenPatternPreTokenizer<TPattern> _preTokenizer;
    private readonly SingleTokenSet _singleTokens;

    /// <summary>Initializes a new instance of the <see cref="TiktokenCounter{TPattern}"/> class.</summary>
    /// <param name="dataAssembly">The Microsoft.ML.Tokenizers.Data package assembly that holds the encoding.</param>
    /// <param name="resource">The name of the encoding's compressed vocabulary in it.</param>
    /// <param name="specialTokens">The encoding's special tokens and their ids.</param>
    public TiktokenCounter(string dataAssembly, string resource, Dictionary<string, int> specialTokens)
    {
        _preTokenizer = new TiktokenPatternPreTokenizer<TPattern>([.. specialTokens.Keys]);

        // The same data TiktokenTokenizer.CreateForEncoding reads, given to the public factory with our pre-tokenizer.
        using (Stream compressed = Assembly.Load(dataAssembly).GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is missing from {dataAssembly}."))
        using (DeflateStream vocabulary = new(compressed, CompressionMode.Decompress))
        {
            Tokenizer = TiktokenTokenizer.Create(vocabulary, _preTokenizer, normalizer: null, specialTokens);
        }

        _singleTokens = new SingleTokenSet(FindSingleTokens(Tokenizer, specialTokens));
    }

    /// <inheritdoc/>
    public override TiktokenTokenizer Tokenizer { get; }

    /// <inheritdoc/>
    public override int Count(ReadOnlySpan<char> text)
    {
        int tokens = 0;
        TiktokenPieceCursor<TPattern> pieces = _preTokenizer.CreateCursor();
        while (pieces.MoveNext(text, out int start, out int length))
        {
            tokens += pieces.IsSpecial || _singleTokens.Contains(text, start, length)
                ? 1
                : Tokenizer.CountTokens(text.Slice(start, length), considerPreTokenization: false);
        }

        return tokens;
    }

    // Every token id below the special tokens' decoded to its text, kept when the tokenizer counts that text, as one
    // piece, as one token. Texts with U+FFFD (partial UTF-8 sequences) are not in the tokenizer's vocabulary: asking
    // would only fill its cache with their merges, so they are left to it.
    private static List<string> FindSingleTokens(TiktokenTokenizer tokenizer, Dictionary<string, int> specialTokens)
    {
        int ids = specialTokens.Values.Min();
        List<string> singles = new(ids);
        int[] id = new int[1];
        for (id[0] = 0; id[0] < ids; id[0]++)
        {
            string text = tokenizer.Decode(id);
            if (text.Length > 0 && !text.Contains('\uFFFD', StringComparison.Ordinal) && !specialTokens.ContainsKey(text)
                && tokenizer.CountTokens(text, considerPreTokenization: false) == 1)
            {
                singles.Add(text);
            }
        }

        return singles;
    }
}
