using System.IO.Compression;
using System.Reflection;
using Microsoft.ML.Tokenizers;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// A token counter keeps only an encoding's ranks: the gateway counts every request, and the library's tokenizer retains
/// 40 MB of managed heap per encoding (the gateway's memory against a peer's, issue 17).
/// </summary>
public sealed class TokenCounterMemoryTests
{
    [Test]
    public void The_o200k_counter_holds_a_fraction_of_what_the_library_tokenizer_holds()
    {
        long ours = Retained(() => TokenCounter.CreateO200kBase());
        long library = Retained(() =>
        {
            using Stream compressed = Assembly.Load("Microsoft.ML.Tokenizers.Data.O200kBase").GetManifestResourceStream("o200k_base.tiktoken.deflate")!;
            using DeflateStream vocabulary = new(compressed, CompressionMode.Decompress);
            return TiktokenTokenizer.Create(vocabulary, preTokenizer: null, normalizer: null);
        });

        TestContext.Out.WriteLine($"retained: counter {ours / 1048576.0:0.0} MB, library tokenizer {library / 1048576.0:0.0} MB");
        Assert.That(ours, Is.LessThan(16L << 20), "the counter's own memory");
        Assert.That(ours * 3, Is.LessThan(library), "against the library's tokenizer of the same encoding");
    }

    // The managed heap a new object keeps alive, measured after full collections on both sides.
    private static long Retained(Func<object> create)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        object kept = create();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(kept);
        return after - before;
    }
}
