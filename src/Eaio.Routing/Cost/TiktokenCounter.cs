using System.Buffers;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.Intrinsics;
using System.Text.Unicode;
using Microsoft.ML.Tokenizers;

namespace Eaio.Routing;

/// <summary>
/// Counts tokens as Microsoft.ML.Tokenizers' <c>TiktokenTokenizer</c> does, with the encoding's data from the library's
/// data package, a hand-written split of the encoding's regex, and the encoding's ranks in compact form
/// (<see cref="BytePairRanks"/>).
/// </summary>
/// <remarks>
/// <para>
/// The library's tokenizer counts a text piece by piece: a piece that is one token of the vocabulary counts one, any
/// other is merged byte pair by byte pair. Both are done here: ASCII pieces of up to sixteen characters (on 8 KB of
/// English about 96 % of the pieces) are looked up without encoding them (<see cref="SingleTokenSet"/>), and the merged
/// counts of those that are not one token are kept (<see cref="MergedPieceCounts"/>); the others are encoded to UTF-8
/// and merged. The library's tokenizer itself is not built: it retained 40 MB of managed heap per encoding against 9 MB
/// for this counter (<c>TokenCounterMemoryTests</c>).
/// </para>
/// <para>
/// A special token counts as one, which is what the tokenizer answers from its cache when it is created. (It keeps
/// them in the same least-recently-used cache as other words, so once 8,192 other words have pushed one out it counts
/// the special token's characters instead; this counter does not follow it there.)
/// </para>
/// </remarks>
/// <typeparam name="TPattern">The encoding's split.</typeparam>
internal sealed class TiktokenCounter<TPattern> : TokenCounter
    where TPattern : struct, ITiktokenPattern
{
    // Pieces up to this many characters are encoded in stack memory; longer ones in a pooled array.
    private const int StackChars = 128;

    private readonly TiktokenPatternPreTokenizer<TPattern> _preTokenizer;
    private readonly BytePairRanks _ranks;
    private readonly SingleTokenSet _singleTokens;
    private readonly MergedPieceCounts _merged = new();

    /// <summary>Initializes a new instance of the <see cref="TiktokenCounter{TPattern}"/> class.</summary>
    /// <param name="dataAssembly">The Microsoft.ML.Tokenizers.Data package assembly that holds the encoding.</param>
    /// <param name="resource">The name of the encoding's compressed vocabulary in it.</param>
    /// <param name="specialTokens">The encoding's special tokens and their ids.</param>
    public TiktokenCounter(string dataAssembly, string resource, Dictionary<string, int> specialTokens)
    {
        SpecialTokens = specialTokens;
        _preTokenizer = new TiktokenPatternPreTokenizer<TPattern>([.. specialTokens.Keys]);

        // The same data TiktokenTokenizer.CreateForEncoding reads.
        using (Stream compressed = Assembly.Load(dataAssembly).GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is missing from {dataAssembly}."))
        using (DeflateStream vocabulary = new(compressed, CompressionMode.Decompress))
        {
            _ranks = BytePairRanks.Load(vocabulary);
        }

        _singleTokens = SingleTokenSet.FromAsciiTokens(_ranks);
    }

    /// <inheritdoc/>
    public override PreTokenizer PreTokenizer => _preTokenizer;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <inheritdoc/>
    public override int Count(ReadOnlySpan<char> text)
    {
        int tokens = 0;
        TiktokenPieceCursor<TPattern> pieces = _preTokenizer.CreateCursor();
        while (pieces.MoveNext(text, out int start, out int length))
        {
            if (pieces.IsSpecial)
            {
                tokens++;
                continue;
            }

            tokens += _singleTokens.Find(text, start, length, out Vector128<byte> key) switch
            {
                PieceLookup.OneToken => 1,
                PieceLookup.Packed => _merged.Count(key, length, _ranks),
                _ => CountPiece(text.Slice(start, length)),
            };
        }

        return tokens;
    }

    private int CountPiece(ReadOnlySpan<char> piece)
    {
        byte[]? rented = null;
        Span<byte> bytes = piece.Length <= StackChars ? stackalloc byte[3 * StackChars] : (rented = ArrayPool<byte>.Shared.Rent(3 * piece.Length));
        try
        {
            return _ranks.CountTokens(bytes[..EncodeAsLibrary(piece, bytes)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // UTF-8, except that a lone surrogate is encoded as its own three bytes (ED A0 80 to ED BF BF), not replaced with
    // U+FFFD: the library's tokenizer encodes it so, and counts differ between the two (the tests cover both halves).
    private static int EncodeAsLibrary(ReadOnlySpan<char> piece, Span<byte> bytes)
    {
        OperationStatus status = Utf8.FromUtf16(piece, bytes, out int read, out int written, replaceInvalidSequences: false);
        while (status == OperationStatus.InvalidData)
        {
            char lone = piece[read++];
            bytes[written++] = (byte)(0xE0 | (lone >> 12));
            bytes[written++] = (byte)(0x80 | ((lone >> 6) & 0x3F));
            bytes[written++] = (byte)(0x80 | (lone & 0x3F));
            status = Utf8.FromUtf16(piece[read..], bytes[written..], out int more, out int added, replaceInvalidSequences: false);
            read += more;
            written += added;
        }

        return written;
    }
}
